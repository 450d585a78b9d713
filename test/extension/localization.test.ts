/**
 * The extension speaks VS Code's display language: every manifest string is a %key% of package.nls.json, every
 * sentence the extension host shows goes through l10n.t (l10n/bundle.l10n.json is exactly what those calls hold), and
 * the numbers it shows are Intl.NumberFormat's for that language.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import { getL10nJson } from '@vscode/l10n-dev';
import ts from 'typescript';
import { localizedManifest, NLS, placeholders } from '../helpers/manifest';
import { ROOT } from '../helpers/paths';
import { installVscodeStub, l10n as stubL10n, env } from '../helpers/vscodeStub';
import type { ModelChoiceDeps } from '../../src/extension/modelChoice';

installVscodeStub();
/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the stub is installed */
const { useDisplayLanguage } =
  require('../../src/extension/displayLanguage') as typeof import('../../src/extension/displayLanguage');
const numbers = require('../../src/extension/displayNumbers') as typeof import('../../src/extension/displayNumbers');
const { currentModel, modelPickItems } =
  require('../../src/extension/modelChoice') as typeof import('../../src/extension/modelChoice');
/* eslint-enable @typescript-eslint/no-require-imports */

const EXTENSION = join(ROOT, 'src', 'extension');
/** Files that run in the inference process, where there is no `vscode`: their messages are the engine's, in English. */
const INFERENCE_PROCESS = ['inference/inferenceWorker.ts', 'inference/datasetJobs.ts', 'inference/protocol.ts'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const HOST = files(EXTENSION).filter((f) => !INFERENCE_PROCESS.includes(relative(EXTENSION, f).split('\\').join('/')));

describe('the manifest through package.nls.json', () => {
  it('every %key% in package.json is in package.nls.json, and every key there is used', () => {
    const used = new Set(placeholders());
    assert.deepEqual(
      [...used].filter((k) => !(k in NLS)),
      [],
      'keys package.nls.json lacks',
    );
    assert.deepEqual(
      Object.keys(NLS).filter((k) => !used.has(k)),
      [],
      'keys package.json does not use',
    );
  });

  it('every string the user reads in the manifest is a %key% (a new command or setting must add its key)', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      capabilities: Record<string, { description?: string }>;
      contributes: {
        commands: { title: string; category?: string }[];
        configuration: { title: string; properties: Record<string, Record<string, unknown>> };
        walkthroughs: { title: string; description: string; steps: { title: string; description: string }[] }[];
      };
    };
    const c = raw.contributes;
    const shown: [string, unknown][] = [
      ...Object.entries(raw.capabilities).map(([k, v]): [string, unknown] => [`capabilities.${k}`, v.description]),
      ...c.commands.flatMap((cmd): [string, unknown][] => [
        [`${cmd.title} title`, cmd.title],
        [`${cmd.title} category`, cmd.category],
      ]),
      ['configuration title', c.configuration.title],
      ...Object.entries(c.configuration.properties).flatMap(([key, p]) =>
        [p.description, p.markdownDescription, ...((p.enumDescriptions as string[] | undefined) ?? [])]
          .filter((v) => v !== undefined)
          .map((v): [string, unknown] => [key, v]),
      ),
      ...c.walkthroughs.flatMap((w) => [
        [`walkthrough`, w.title] as [string, unknown],
        [`walkthrough`, w.description] as [string, unknown],
        ...w.steps.flatMap((s): [string, unknown][] => [
          ['step', s.title],
          ['step', s.description],
        ]),
      ]),
    ];
    assert.ok(shown.length > 40);
    for (const [where, text] of shown) assert.match(String(text), /^%[\w.-]+%$/, `${where}: ${String(text)}`);
    // And VS Code shows English text for each.
    const english = localizedManifest<{ contributes: { commands: { title: string }[] } }>();
    assert.ok(english.contributes.commands.every((cmd) => !cmd.title.includes('%')));
  });
});

/** A call of l10n.t or vscode.l10n.t. */
const isL10nCall = (node: ts.CallExpression) => /(^|\.)l10n\.t$/.test(node.expression.getText());
/** A call that writes to the log (English by design: the log is for bug reports): log.info(…), this.options.log?.(…). */
const isLogCall = (node: ts.CallExpression) =>
  /(^|\.)log(\.(info|warn|error|debug|trace))?$/.test(node.expression.getText().replace(/\?\./g, '.'));

/** Every string or template with words in it outside l10n.t and the log, and every toFixed/toPrecision/toLocaleString. */
function unlocalized(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const where = (node: ts.Node) =>
    `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const insideAllowedCall = (node: ts.Node): boolean => {
    for (let p = node.parent; p; p = p.parent)
      if (ts.isCallExpression(p) && (isL10nCall(p) || isLogCall(p))) return true;
    return false;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const text = ts.isTemplateExpression(node)
        ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ')
        : node.text;
      const isKey = ts.isPropertyAssignment(node.parent) && node.parent.name === node;
      // Words with spaces between them: a sentence or a label, not an identifier, a path or a CSS value.
      if (!isKey && /[A-Za-z]{2,}[,:;.…]?\s+[A-Za-z]{2,}/.test(text) && !insideAllowedCall(node))
        found.push(`${where(node)} ${JSON.stringify(text)}`);
      if (ts.isTemplateExpression(node)) node.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['toFixed', 'toPrecision', 'toLocaleString'].includes(node.expression.name.text) &&
      !insideAllowedCall(node)
    )
      found.push(`${where(node)} ${node.getText()}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** What the check above lets through on purpose. */
const ALLOWED = [
  // The output channel and the product's name.
  /"Polarity Lens"$/,
  // PanelMemory's warnings go to the log (extension.ts gives it log.warn).
  /panelMemory\.ts:\d+ "could not keep the/,
  // A CSS colour, not a number anyone reads.
  /editorDecorations\.ts:\d+ \(0\.12 \+ 0\.5 \* \(level \/ LEVELS\)\)\.toFixed\(2\)$/,
];

describe('the extension host through l10n.t', () => {
  it('no sentence reaches the user without l10n.t, and no number is formatted by hand', () => {
    assert.ok(HOST.length > 15, `${HOST.length} host modules`);
    const left = HOST.flatMap(unlocalized).filter((f) => !ALLOWED.some((a) => a.test(f)));
    assert.deepEqual(left, []);
  });

  it('the check itself finds a sentence outside l10n.t and a hand-formatted number', () => {
    const probe = join(mkdtempSync(join(tmpdir(), 'polarity-lens-l10n-')), 'probe.ts');
    writeFileSync(
      probe,
      "import * as vscode from 'vscode';\nvoid vscode.window.showInformationMessage(`Report written to ${p}`);\nlog.info(`not this one ${x}`);\nconst s = x.toFixed(2);\nvscode.l10n.t('Fine as it is');\n",
    );
    assert.equal(unlocalized(probe).length, 2, unlocalized(probe).join('\n'));
  });

  it('l10n/bundle.l10n.json holds exactly the strings of the l10n.t calls (regenerate: npx @vscode/l10n-dev export --outDir ./l10n ./src/extension)', async () => {
    const extracted = await getL10nJson(
      files(EXTENSION).map((f) => ({ contents: readFileSync(f, 'utf8'), extension: '.ts' })),
    );
    const bundle = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(bundle, extracted);
    assert.ok(Object.keys(bundle).length > 100);
    // A translator sees whole sentences with numbered holes, never fragments glued at run time.
    for (const message of Object.keys(bundle)) {
      const holes = [...message.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
      assert.deepEqual(
        [...new Set(holes)].sort((a, b) => a - b),
        holes.length ? [...Array(Math.max(...holes) + 1).keys()] : [],
        `holes of ${JSON.stringify(message)} are {0}…{n} without gaps`,
      );
    }
  });
});

describe('the display language', () => {
  after(() => {
    stubL10n.bundle = undefined;
    env.language = 'en';
    l10n.config({ contents: {} });
    numbers.setNumberLanguage('en');
  });

  it("numbers follow the language: grouping, decimal separator, significant digits, the panel's minus sign", () => {
    numbers.setNumberLanguage('en');
    assert.deepEqual(
      [numbers.formatCount(12345), numbers.formatFixed(0.87345, 3), numbers.formatSigned(-0.012345)],
      ['12,345', '0.873', '\u22120.0123'],
    );
    numbers.setNumberLanguage('de');
    assert.deepEqual(
      [numbers.formatCount(12345), numbers.formatFixed(0.87345, 3), numbers.formatSigned(-0.012345)],
      ['12.345', '0,873', '\u22120,0123'],
    );
    assert.equal(numbers.formatSigned(4.2e-8), '+4,20E-8', 'tiny values in scientific notation');
    assert.equal(numbers.formatSigned(0), '0,00');
    numbers.setNumberLanguage('not a language');
    assert.equal(numbers.formatFixed(0.5, 1), '0.5', 'an unknown tag falls back to English');
  });

  it("activation hands VS Code's bundle and language to the modules that do not load vscode", () => {
    const deps = {
      workspaceState: { get: () => undefined, update: async () => {}, keys: () => [] },
      setting: () => ({ value: '' }),
      isTrusted: () => true,
    } as unknown as ModelChoiceDeps;
    const english = modelPickItems(currentModel(deps), true);
    assert.equal(english[0].detail, 'Shipped with Polarity Lens');
    stubL10n.bundle = { 'Shipped with Polarity Lens': 'Mit Polarity Lens ausgeliefert' } as never;
    env.language = 'de';
    useDisplayLanguage();
    const german = modelPickItems(currentModel(deps), true);
    assert.equal(german[0].detail, 'Mit Polarity Lens ausgeliefert');
    // The measured accuracy in the description, with a decimal comma.
    const accuracy = /(\d)[.,](\d{3})/.exec(english.map((i) => i.description).join(' '));
    assert.ok(accuracy, 'a shipped model card gives a test accuracy');
    assert.ok(german.some((i) => i.description?.includes(`${accuracy[1]},${accuracy[2]}`)));
  });
});
