/**
 * The engine's surface for front ends that must not load the inference runtime (the VS Code extension host): view
 * models and their wording, the registries, the declared settings, and readers of model folders and dataset files.
 * Nothing reachable from here imports onnxruntime (test/architecture/layers.test.ts). The whole engine is ./index.ts.
 */
export * from './datasetFiles/datasetReader';
export * from './datasetFiles/datasetTypes';
export * from './datasetRun/datasetReport';
export * from './datasetRun/measures';
export * from './datasetRun/reportFiles';
export * from './datasetRun/sampleWords';
export * from './doctor/doctorReport';
export * from './erasure/erasureOperator';
export * from './erasure/operators';
export * from './explain/explainOptions';
export * from './explain/explainParts';
export * from './explain/explainResult';
export * from './explain/headWords';
export * from './explain/rerunPlan';
export * from './explainers/registry';
export * from './files/writeAtomically';
export * from './format/duration';
export * from './gradients/objective';
export * from './model/modelCard';
export * from './model/modelFolder';
export * from './model/shippedModels';
export * from './settings/engineSettings';
export * from './tokenize/units';
