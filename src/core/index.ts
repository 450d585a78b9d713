/**
 * The engine's public surface, for the CLI, the inference process and the benchmarks: load a model, explain a text,
 * run the violation test over a dataset, write its reports, check a model folder, measure accuracy; with every view
 * model, registry and setting (./views.ts, which the extension host uses alone because it never loads the runtime).
 */
export * from './views';
export * from './classifier/textClassifier';
export * from './datasetFiles/labelledCsv';
export * from './datasetRun/reportViewOf';
export * from './datasetRun/outcomeSource';
export * from './datasetRun/runDataset';
export * from './datasetRun/savedReport';
export * from './datasetRun/reportDataset';
export * from './datasetRun/sampleOutcome';
export * from './datasetRun/thresholds';
export * from './datasetRun/regressionGate';
export { shardProblem, type Shard } from './datasetRun/shards';
export { mergeShards } from './datasetRun/mergeShards';
export { ShardError } from './datasetRun/shardFile';
export { ComparisonError, readBaselineReport, type BaselineReport } from './datasetRun/baselineReport';
export { compareWithBaseline, comparisonPlan, countSharedRows } from './datasetRun/modelComparison';
export { datasetTarget } from './datasetRun/runIdentity';
export { PairedTally } from './datasetRun/pairedDifferences';
export * from './doctor/doctor';
export * from './eval/accuracy';
export * from './explain/explainText';
export * from './gradients/gradientSession';
export * from './math/softmax';
