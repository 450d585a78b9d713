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
    }
  });
});
