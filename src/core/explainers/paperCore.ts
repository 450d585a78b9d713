/**
 * The paper's core explainers (Liu et al., ICML 2022: the six every text model in its radar plot gets): attention,
 * attention × gradient, attention × input norm, input × gradient, Integrated Gradients and the random reference. The
 * panel's compact view shows these first. Ids only, so the webview reads it without bundling the explainers; a test
 * checks that each one is registered.
 */
export const PAPER_CORE_EXPLAINERS: readonly string[] = [
  'raw-attention',
  'attention-x-gradient',
  'attention-x-input-norm',
  'input-x-gradient',
  'integrated-gradients',
  'random',
];
