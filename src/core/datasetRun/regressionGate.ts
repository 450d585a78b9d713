/**
 * The CI gate against a baseline: `check --baseline OLD.json --max-regression EXPLAINER=DELTA` fails when the
 * explainer's violation ratio (the mean over the paper's operators marked † on neither side) rose by more than DELTA
 * beyond noise: when the lower end of the change's paired interval (this run − the baseline on the shared samples,
 * Bonferroni-adjusted over the explainers compared) is above DELTA. A rise the samples cannot tell from chance never
 * fails a build; DELTA 0 fails on any rise they can. An explainer that cannot be measured (fewer than two shared
 * samples) fails: a gate that cannot judge must not pass.
 */
import type { ComparedExplainer, ComparedRatio, ModelComparison } from './datasetReport';
import { parseExplainerBound, type JunitCase } from './thresholds';

export interface Regression {
  explainer: string;
  /** The largest rise of the violation ratio allowed, as a difference of ratios (0.05: five points). */
  maxRise: number;
}

export interface RegressionResult extends Regression {
  /** The explainer's compared ratios (absent when it was not compared). */
  ratio?: ComparedRatio;
  passed: boolean;
  message: string;
}

export function parseRegression(text: string, known: string[]): Regression {
  const { explainer, value } = parseExplainerBound('--max-regression', text, known, { value: '0.05', name: 'DELTA' });
  return { explainer, maxRise: value };
}

/** A change with its sign, decided after rounding. */
const signed = (x: number) => {
  const digits = Math.abs(x).toFixed(4);
  return `${Number(digits) === 0 ? '±' : x > 0 ? '+' : '-'}${digits}`;
};
const percent = (confidence: number) => `${Number((confidence * 100).toPrecision(4))}%`;

/** What the comparison measured for one explainer, in words; undefined when too few samples for an interval. */
function measured(ratio: ComparedRatio): string | undefined {
  const { mean, lo, hi, n, confidence } = ratio.change;
  if (mean === null || lo === null || hi === null) return undefined;
  return `violation ratio ${ratio.baseline.mean!.toFixed(4)} → ${ratio.current.mean!.toFixed(4)} on ${n} shared samples, change ${signed(mean)} [${percent(confidence)} CI ${signed(lo)}, ${signed(hi)}]`;
}

const tooFew = (ratio: ComparedRatio) =>
  `${ratio.change.n} shared sample${ratio.change.n === 1 ? '' : 's'} judged on both sides, too few for an interval`;

/** Each gate judged on the comparison. */
export function checkRegressions(comparison: ModelComparison, gates: Regression[]): RegressionResult[] {
  return gates.map((g) => {
    const who = `${g.explainer} vs baseline`;
    const compared = comparison.explainers.find((e) => e.id === g.explainer);
    if (!compared) {
      const why = comparison.excluded.find((e) => e.id === g.explainer)?.reason ?? 'not in both reports';
      return { ...g, passed: false, message: `${who}: not compared (${why}); the change cannot be judged` };
    }
    const ratio = compared.mean;
    const words = measured(ratio);
    if (words === undefined)
      return { ...g, ratio, passed: false, message: `${who}: ${tooFew(ratio)}; the change cannot be judged` };
    const lo = ratio.change.lo!;
    const passed = lo <= g.maxRise;
    return {
      ...g,
      ratio,
      passed,
      message: `${who}: ${words}; ${passed ? `not shown to rise by more than ${g.maxRise} (lower bound ${signed(lo)} ≤ ${g.maxRise})` : `rose by more than ${g.maxRise} (lower bound ${signed(lo)} > ${g.maxRise})`}`,
    };
  });
}

/** A --max-regression result as a JUnit test case. */
export function regressionCase(r: RegressionResult): JunitCase {
  return {
    classname: 'polarity-lens.regression',
    name: `${r.explainer} rises ≤ ${r.maxRise} vs baseline`,
    passed: r.passed,
    message: r.message,
    type: 'ViolationRegression',
  };
}

/** Without gates, an explainer's change as an informational case: passed, or skipped when it cannot be measured. */
export function changeCase(e: ComparedExplainer): JunitCase {
  const words = measured(e.mean);
  return {
    classname: 'polarity-lens.regression',
    name: `${e.id} vs baseline`,
    passed: true,
    ...(words === undefined ? { skipped: true } : {}),
    message: `${e.id} vs baseline: ${words ?? tooFew(e.mean)}`,
    type: 'ViolationRegression',
  };
}
