import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PALETTES } from '../../webview/shared/colorScale';
import { ROOT } from '../helpers/paths';

/** The hue a palette colour reads as: orange (red over blue) or blue (blue over red). */
function hueWord(hex: string): 'orange' | 'blue' {
  const [r, , b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return r > b ? 'orange' : 'blue';
}

const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const glance = nls['walkthrough.start.glance.description'];

describe('the walkthrough names the colours the panel draws', () => {
  it('the hue of a positive weight (claims support) and of a negative one (claims suppression), in every theme', () => {
    const text = readFileSync(join(ROOT, 'media', 'walkthrough', 'read.md'), 'utf8').replace(/\s+/g, ' ');
    for (const [theme, palette] of Object.entries(PALETTES)) {
      const support = hueWord(palette.positive);
      const suppress = hueWord(palette.negative);
      assert.notEqual(support, suppress, theme);
      const sentence = new RegExp(`${support} claims the word supports ŷ, ${suppress} that it suppresses ŷ`, 'i');
      assert.match(
        text,
        sentence,
        `${theme}: the walkthrough must say ${support} = support, ${suppress} = suppression`,
      );
      assert.match(text, new RegExp(`can only claim support and use ${support} alone`, 'i'));
      // The step with the panel's picture says the same, in the manifest's words.
      assert.match(
        glance,
        new RegExp(`${support} claims the word supports ŷ, ${suppress} that it suppresses ŷ`, 'i'),
        `${theme}: the at-a-glance step`,
      );
    }
  });

  it('shows the panel and the report as pictures, one per theme kind, each with alternative text', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: {
        walkthroughs: { steps: { id: string; media: { image?: Record<string, string>; altText?: string } }[] }[];
      };
    };
    const steps = manifest.contributes.walkthroughs[0].steps;
    for (const id of ['glance', 'report']) {
      const media = steps.find((s) => s.id === id)!.media;
      assert.deepEqual(Object.keys(media.image ?? {}).sort(), ['dark', 'hc', 'hcLight', 'light'], id);
      for (const file of Object.values(media.image!)) {
        const png = readFileSync(join(ROOT, file));
        assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', file);
        // IHDR: the picture is the 1000 × 700 window the e2e test checks the view fits.
        assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1000, 700], file);
      }
      const alt = media.altText!.replace(/^%|%$/g, '');
      assert.ok((nls[alt] ?? '').length > 40, `${id}: alternative text`);
    }
  });
});
