/**
 * The CI gate: `--max-violation EXPLAINER=RATIO` thresholds on the mean violation ratio over the paper's operators,
 * checked against a report, and the JUnit XML a CI server shows as test results.
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

export function parseThreshold(text: string, known: string[]): Threshold {
  const m = /^([\w-]+)=([0-9]*\.?[0-9]+)$/.exec(text.trim());
  if (!m) throw new Error(`--max-violation "${text}": expected EXPLAINER=RATIO, e.g. attention-x-gradient=0.2`);
  const maxRatio = Number(m[2]);
  if (!(maxRatio >= 0 && maxRatio <= 1))
    throw new Error(`--max-violation "${text}": the ratio must be between 0 and 1`);
  if (!known.includes(m[1]))
    throw new Error(`--max-violation "${text}": "${m[1]}" is not among the explainers that run (${known.join(', ')})`);
  return { explainer: m[1], maxRatio };
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

/** One test case per threshold result, in JUnit's XML (a failed threshold is a failed test). */
export function junitXml(report: Omit<DatasetReport, 'records'>, results: ThresholdResult[]): string {
  const failures = results.filter((r) => !r.passed && !r.skipped).length;
  const cases = results.map((r) =>
    [
      `    <testcase classname="polarity-lens.violation" name="${xml(`${r.explainer} ≤ ${r.maxRatio}`)}" time="${(report.timing.seconds / Math.max(1, results.length)).toFixed(3)}">`,
      r.skipped
        ? `      <skipped message="${xml(r.message)}"/>`
        : r.passed
          ? `      <system-out>${xml(r.message)}</system-out>`
          : `      <failure message="${xml(r.message)}" type="ViolationThreshold">${xml(r.message)}</failure>`,
      '    </testcase>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="polarity-lens check" tests="${results.length}" failures="${failures}">`,
    `  <testsuite name="${xml(`violation test: ${report.model.name} on ${report.dataset.path}`)}" tests="${results.length}" failures="${failures}" timestamp="${report.createdAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
