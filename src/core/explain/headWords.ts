/**
 * How the front ends name the explained quantity, from the result's head (see ModelHead): every number shown says
 * whether it is a softmax or sigmoid probability or a regression score. Pure, so the webview bundles it too.
 */
import type { ExplainResult, HeadView } from './explainResult';

export interface HeadWords {
  /** The quantity's symbol in formulas: p(ŷ), p(c) for a class asked for, σ(z_c) for a label, or s(x). */
  symbol: string;
  /** What the header says before the class: "Predicted", "Explaining label", "Score". */
  kicker: string;
  /** The quantity in words, e.g. "softmax probability". */
  quantity: string;
  /** Whether values are probabilities (false: a regression score, shown as a plain number). */
  isProbability: boolean;
}

/** A result written before heads were recorded is a softmax classifier's. */
const SOFTMAX: HeadView = { kind: 'softmax', quantity: 'softmax probability', isProbability: true };

/**
 * `otherTarget`: the explained class is not the prediction (a class asked for), so the symbol is p(c), not p(ŷ).
 */
export function headWords(head: HeadView | undefined, otherTarget = false): HeadWords {
  const h = head ?? SOFTMAX;
  switch (h.kind) {
    case 'multi-label':
      return { symbol: 'σ(z_c)', kicker: 'Explaining label', quantity: h.quantity, isProbability: true };
    case 'regression':
      return { symbol: 's(x)', kicker: 'Score', quantity: h.quantity, isProbability: false };
    default:
      return otherTarget
        ? { symbol: 'p(c)', kicker: 'Explaining class', quantity: h.quantity, isProbability: true }
        : { symbol: 'p(ŷ)', kicker: 'Predicted', quantity: h.quantity, isProbability: true };
  }
}

/** The words for a result: p(c) when the class explained is not the prediction. */
export function resultWords(r: Pick<ExplainResult, 'head' | 'prediction' | 'target'>): HeadWords {
  return headWords(r.head, r.target !== undefined && r.target.index !== r.prediction.index);
}

/** Whether gradient explainers differentiate the logit z_ŷ: asked for, or a regression head (its score is its logit). */
export function differentiatesLogit(objective: string, words: HeadWords): boolean {
  return objective === 'logit' || !words.isProbability;
}
