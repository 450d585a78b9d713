import type { DatasetReport } from '../../src/core/datasetRun/datasetReport';

/**
 * A report without what two runs of the same work on different machines must differ in: when it was written, and
 * the times measured (the run's seconds, and every millisecond figure: per sample, per explainer and their means).
 */
export function withoutClocks(report: DatasetReport) {
  const { createdAt: _c, timing: _t, explainers, records, ...rest } = report;
  return {
    ...rest,
    explainers: explainers.map(({ msPerSample: _m, ...e }) => e),
    records: records.map(({ ms: _m, explainers: byId, ...r }) => ({
      ...r,
      explainers: Object.fromEntries(Object.entries(byId).map(([id, { ms: _s, ...e }]) => [id, e])),
    })),
  };
}
