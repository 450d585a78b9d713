import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blend,
  contrastRatio,
  deltaE,
  Deficiency,
  maxAbs,
  PALETTES,
  parseHex,
  simulateCvd,
  textColor,
  ThemeKind,
  tint,
  tintColor,
} from '../../webview/shared/colorScale';

const THEMES = Object.keys(PALETTES) as ThemeKind[];
const DEFICIENCIES: Deficiency[] = ['protanopia', 'deuteranopia', 'tritanopia'];

/** The smallest difference between the two ends of a diverging scale as seen with each colour vision deficiency. */
function worstCvdDistance(a: string, b: string): number {
  return Math.min(...DEFICIENCIES.map((d) => deltaE(simulateCvd(parseHex(a), d), simulateCvd(parseHex(b), d))));
}

describe('colour scales', () => {
  it('normalises a row by its max |w| and keeps the sign as the tone', () => {
    const weights = [0.1, -0.4, 0.2, 0];
    const scale = maxAbs(weights);
    assert.equal(scale, 0.4);
    assert.deepEqual(
      weights.map((w) => tint(w, scale).tone),
      ['positive', 'negative', 'positive', 'none'],
    );
    assert.equal(tint(-0.4, scale).intensity, 1);
    assert.ok(Math.abs(tint(0.1, scale).intensity - 0.25) < 1e-12);
    assert.equal(tint(0.3, 0).tone, 'none', 'an all-zero row draws nothing');
    assert.equal(maxAbs([Number.NaN, -2, 1]), 2);
  });

  it('keeps the diverging ends apart for protanopes, deuteranopes and tritanopes (a red ↔ green scale does not)', () => {
    for (const theme of THEMES) {
      const p = PALETTES[theme];
      assert.ok(worstCvdDistance(p.positive, p.negative) > 40, `${theme}: ${worstCvdDistance(p.positive, p.negative)}`);
    }
    // The check has teeth: the red ↔ green pair it exists to exclude fails it for deuteranopes.
    assert.ok(worstCvdDistance('#e06060', '#60b060') < 10);
  });

  it('keeps text readable (WCAG AA 4.5:1) on every tint of every theme', () => {
    for (const theme of THEMES) {
      const p = PALETTES[theme];
      for (const sign of [1, -1]) {
        for (let k = 0; k <= 100; k++) {
          const t = tint((sign * k) / 100, 1);
          const ratio = contrastRatio(parseHex(textColor(p, t)), parseHex(tintColor(p, t)));
          assert.ok(ratio >= 4.5, `${theme} ${t.tone} at ${t.intensity}: ${ratio.toFixed(2)}`);
        }
      }
    }
  });

  it('computes WCAG contrast and blends like the references', () => {
    assert.ok(Math.abs(contrastRatio(parseHex('#000000'), parseHex('#ffffff')) - 21) < 1e-9);
    assert.deepEqual(blend([0, 0, 0], [1, 1, 1], 0.25), [0.25, 0.25, 0.25]);
    assert.equal(tintColor(PALETTES.light, tint(1, 1)), PALETTES.light.positive);
    assert.equal(tintColor(PALETTES.light, tint(0, 1)), PALETTES.light.background);
  });
});
