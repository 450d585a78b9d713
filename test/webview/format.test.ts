import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatMagnitude,
  formatPercent,
  formatProbability,
  formatRuntime,
  formatSigned,
  formatViolationMean,
  MINUS,
} from '../../webview/shared/format';

describe('panel number formatting', () => {
  it('gives three significant digits and an explicit sign, with a typographic minus', () => {
    assert.equal(formatSigned(0.42), '+0.42');
    assert.equal(formatSigned(-0.0312345), `${MINUS}0.0312`);
    assert.equal(formatSigned(0), '0');
    assert.equal(formatSigned(123.456), '+123');
    assert.equal(formatMagnitude(1234.5), '1235');
  });

  it('switches to exponent form for tiny and huge magnitudes instead of printing 0.000', () => {
    assert.equal(formatSigned(4.294648e-6), `+4.29e${MINUS}6`);
    assert.equal(formatSigned(-5.0e-4), `${MINUS}5e${MINUS}4`);
    assert.equal(formatMagnitude(2.5e7), '2.5e7');
  });

  it('prints a probability with three decimals but never rounds it onto 1 or 0', () => {
    assert.equal(formatProbability(0.9462), '0.946');
    assert.equal(formatProbability(0.99989), '0.9999');
    assert.equal(formatProbability(0.0000421), '0.00004');
    assert.equal(formatProbability(1), '1.000');
    assert.equal(formatProbability(0), '0.000');
  });

  it('shows the three-operator violation mean as the fraction it is', () => {
    assert.equal(formatViolationMean(0), '0');
    assert.equal(formatViolationMean(1 / 3), '1/3');
    assert.equal(formatViolationMean(2 / 3), '2/3');
    assert.equal(formatViolationMean(1), '1');
    assert.equal(formatViolationMean(0.25), '0.25');
    assert.equal(formatViolationMean(null), '—');
  });

  it('formats rates and runtimes', () => {
    assert.equal(formatPercent(0.15384615), '15%');
    assert.equal(formatPercent(null), '—');
    assert.equal(formatRuntime(0.143), '0.1 ms');
    assert.equal(formatRuntime(138.8), '139 ms');
    assert.equal(formatRuntime(1306.7), '1.3 s');
  });
});
