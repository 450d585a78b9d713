import { aopc } from './aopc';
import { comprehensiveness } from './comprehensiveness';
import { decisionFlip, signedDecisionFlip } from './decisionFlip';
import type { Metric } from './metric';
import { kendallWithLoo, spearmanWithLoo } from './rankCorrelationWithLoo';
import { sufficiency } from './sufficiency';

/** Every faithfulness metric besides the violation test, in display order. */
export const METRICS: readonly Metric[] = [
  comprehensiveness,
  sufficiency,
  aopc,
  spearmanWithLoo,
  kendallWithLoo,
  decisionFlip,
  signedDecisionFlip,
];
