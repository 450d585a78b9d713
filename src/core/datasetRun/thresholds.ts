/**
 * The CI gate: `--max-violation EXPLAINER=RATIO` thresholds on the mean violation ratio over the paper's operators,
 * checked against a report, and the JUnit XML a CI server shows as test results (regressionGate.ts adds the
 * `--max-regression` cases).
 */
import type { DatasetReport } from './datasetReport';

export interface Threshold {
  explainer: string;
  maxRatio: number;
}

export interface ThresholdResult extends Threshold {
  /** The measured mean violation ratio; null when the explainer did not run on any sample. */
  ratio: number | null;
  passed: boolean;
  message: string;
  /** An informational case that could not be measured (JUnit <skipped/>, not a failure). */
  skipped?: boolean;
}

/**
 * A repeatable gate's `EXPLAINER=VALUE` (VALUE from 0 to 1) with `flag` and an example in its errors; the explainer must
 * be among `known`, the explainers that run.
 */
export function parseExplainerBound(
  flag: string,
  text: string,
  known: string[],
  example: { value: string; name: string },
): { explainer: string; value: number } {
  const m = /^([\w-]+)=([0-9]*\.?[0-9]+)$/.exec(text.trim());
  if (!m)
    throw new Error(
      `${flag} "${text}": expected EXPLAINER=${example.name}, e.g. attention-x-gradient=${example.value}`,
    );
  const value = Number(m[2]);
  if (!(value >= 0 && value <= 1))
    throw new Error(`${flag} "${text}": the ${example.name.toLowerCase()} must be between 0 and 1`);
  if (!known.includes(m[1]))
    throw new Error(`${flag} "${text}": "${m[1]}" is not among the explainers that run (${known.join(', ')})`);
  return { explainer: m[1], value };
}

export function parseThreshold(text: string, known: string[]): Threshold {
  const { explainer, value } = parseExplainerBound('--max-violation', text, known, { value: '0.2', name: 'RATIO' });
  return { explainer, maxRatio: value };
}

export function checkThresholds(report: Pick<DatasetReport, 'explainers'>, thresholds: Threshold[]): ThresholdResult[] {
  return thresholds.map((t) => {
    const summary = report.explainers.find((e) => e.id === t.explainer);
    const ratio = summary?.violationMean.mean ?? null;
    if (ratio === null) {
      return {
        ...t,
        ratio,
        passed: false,
        message: `${t.explainer} did not run on any sample${summary?.error ? `: ${summary.error}` : ''}`,
      };
    }
    const passed = ratio <= t.maxRatio;
    return {
      ...t,
      ratio,
      passed,
      message: `${t.explainer}: mean violation ratio ${ratio.toFixed(4)} ${passed ? '≤' : '>'} ${t.maxRatio} (${summary!.runs} samples)`,
    };
  });
}

/** What XML 1.0 cannot hold at all: C0 controls but tab and newlines, U+FFFE/U+FFFF, lone surrogates. */
const NOT_XML =
  // Control characters are what this matches, on purpose.
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Escapes markup; what XML cannot hold (a dataset path may have it) becomes U+FFFD, so a CI server can always parse the file. */
const xml = (s: string) =>
  s
    .replace(NOT_XML, '\uFFFD')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** One JUnit test case: a gate's verdict (a failed gate is a failed test; an unmeasured informational one is skipped). */
export interface JunitCase {
  /** The test's class (polarity-lens.violation, polarity-lens.regression) and name. */
  classname: string;
  name: string;
  passed: boolean;
  skipped?: boolean;
  message: string;
  /** The failure's type. */
  type: string;
}

/** A --max-violation result as a JUnit test case. */
export function thresholdCase(r: ThresholdResult): JunitCase {
  return {
    classname: 'polarity-lens.violation',
    name: `${r.explainer} ≤ ${r.maxRatio}`,
    passed: r.passed,
    ...(r.skipped ? { skipped: true } : {}),
    message: r.message,
    type: 'ViolationThreshold',
  };
}

/** One test case per gate result, in JUnit's XML (threshold results are turned into cases by thresholdCase). */
export function junitXml(report: Omit<DatasetReport, 'records'>, results: (ThresholdResult | JunitCase)[]): string {
  const all = results.map((r) => ('classname' in r ? r : thresholdCase(r)));
  const failures = all.filter((r) => !r.passed && !r.skipped).length;
  const cases = all.map((r) =>
    [
      `    <testcase classname="${xml(r.classname)}" name="${xml(r.name)}" time="${(report.timing.seconds / Math.max(1, all.length)).toFixed(3)}">`,
      r.skipped
        ? `      <skipped message="${xml(r.message)}"/>`
        : r.passed
          ? `      <system-out>${xml(r.message)}</system-out>`
          : `      <failure message="${xml(r.message)}" type="${xml(r.type)}">${xml(r.message)}</failure>`,
      '    </testcase>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="polarity-lens check" tests="${all.length}" failures="${failures}">`,
    `  <testsuite name="${xml(`violation test: ${report.model.name} on ${report.dataset.path}`)}" tests="${all.length}" failures="${failures}" timestamp="${report.createdAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
