/**
 * The README's settings table, generated from the settings' declarations (src/core/settings/engineSettings.ts) and
 * package.json with package.nls.json (which a test holds to them), so the table cannot drift from the code:
 *
 *   npm run settings-table [-- --write-readme]
 *
 * test/core/settings/settingsTable.test.ts fails when the README's block differs from what this prints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_SETTINGS, projectRoot } from '../src/core';
import { writeReadmeBlock } from './readmeBlock';

const ROOT = projectRoot(__dirname);

interface Property {
  type?: string | string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  items?: { enum?: string[] };
  description?: string;
  markdownDescription?: string;
}

/** Settings declared outside ENGINE_SETTINGS that a CLI flag also sets (`check --measure`: measures.ts). */
const OWN_FLAGS: Record<string, string> = { 'polarityLens.dataset.measure': '`check --measure`' };

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function settingsTable(): string {
  // The descriptions are package.nls.json's English strings, which package.json names as %key%.
  const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'), (_key, value: unknown) =>
    typeof value === 'string' && /^%[^%]+%$/.test(value) ? (nls[value.slice(1, -1)] ?? value) : value,
  ) as {
    contributes: { configuration: { properties: Record<string, Property> } };
  };
  const rows = Object.entries(manifest.contributes.configuration.properties).map(([key, p]) => {
    const spec = ENGINE_SETTINGS.find((s) => 'config' in s && `polarityLens.${s.config}` === key);
    const flag = spec && 'flag' in spec ? `\`--${spec.flag}\`` : (OWN_FLAGS[key] ?? '');
    const accepts =
      p.enum && p.enum.length > 6
        ? 'an explainer id'
        : p.enum
          ? p.enum.map((v) => `\`${v}\``).join(', ')
          : p.items?.enum
            ? p.items.enum.length > 6
              ? 'explainer ids'
              : `a list of ${p.items.enum.map((v) => `\`${v}\``).join(', ')}`
            : p.minimum !== undefined
              ? `${p.minimum} – ${p.maximum}`
              : p.type === 'string'
                ? 'text'
                : '';
    const fallback = p.default === null ? 'none' : `\`${JSON.stringify(p.default)}\``;
    return `| \`${key}\` | ${flag} | ${fallback} | ${accepts} | ${cell(p.markdownDescription ?? p.description ?? '')} |`;
  });
  return ['| setting | CLI flag | default | accepts | what |', '|---|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) {
  const table = settingsTable();
  console.log(table);
  if (process.argv.includes('--write-readme')) writeReadmeBlock(ROOT, 'settings', table);
}
