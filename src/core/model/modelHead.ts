/**
 * What a classifier's logits mean, and so which number the violation test watches change. Hugging Face heads come in
 * four kinds; running a softmax over a single logit (a cross-encoder, a sigmoid binary head) gives p = 1 for every
 * input and every Δ = 0, which would report every explainer "consistent" — so the kind is read, never assumed.
 *
 * - softmax: N ≥ 2 logits, one class each; the quantity is p(c) = softmax(z)_c.
 * - sigmoid: one logit z, two classes; p(positive) = σ(z), p(negative) = 1 − σ(z) = σ(−z).
 * - multi-label: N independent labels; the quantity is σ(z_c) for the one label being explained.
 * - regression: the output z itself (a score, not a probability); one "class".
 *
 * σ is monotone, so a sigmoid head's verdicts equal those on its logit; only magnitudes differ.
 */
import { basename } from 'node:path';
import { argmax, softmax } from '../math/softmax';
import { HEAD_KINDS, HeadKind } from './headKind';

export { HEAD_KINDS, type HeadKind } from './headKind';

/** How the gradient graph turns the logits and a target vector t into its objective (see gradientGraph). */
export type HeadLink = 'softmax' | 'sigmoid' | 'identity';

export interface ModelHead {
  kind: HeadKind;
  link: HeadLink;
  /** Names of the quantities by index: classes (softmax, sigmoid), labels (multi-label), or the score. */
  classes: string[];
  /** Width of the model's logits. */
  logitWidth: number;
  /** Whether the quantities are probabilities (false: a regression score). */
  isProbability: boolean;
  /** The quantity in words, for every number shown: e.g. "softmax probability". */
  quantity: string;
  /** One value per class from one row of logits. */
  scores(logits: ArrayLike<number>): number[];
  /** The class explained when none is asked for: the prediction (softmax, sigmoid), the most likely label, or 0. */
  predicted(scores: number[]): number;
  /** Signed weights t over the logits with z_c = Σ t·z ("the logit of class c") for the gradient graph. */
  targetVector(c: number): number[];
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const oneHot = (width: number, c: number) => Array.from({ length: width }, (_, i) => (i === c ? 1 : 0));

export function softmaxHead(classes: string[]): ModelHead {
  return {
    kind: 'softmax',
    link: 'softmax',
    classes,
    logitWidth: classes.length,
    isProbability: true,
    quantity: 'softmax probability',
    scores: softmax,
    predicted: argmax,
    targetVector: (c) => oneHot(classes.length, c),
  };
}

/** One logit: class 1 is σ(z) ≥ ½, class 0 its complement, so both classes have a name and a probability. */
export function sigmoidHead(negative: string, positive: string): ModelHead {
  return {
    kind: 'sigmoid',
    link: 'sigmoid',
    classes: [negative, positive],
    logitWidth: 1,
    isProbability: true,
    quantity: 'sigmoid probability σ(z)',
    scores: (z) => [sigmoid(-z[0]), sigmoid(z[0])],
    predicted: (s) => (s[1] >= 0.5 ? 1 : 0),
    targetVector: (c) => [c === 1 ? 1 : -1],
  };
}

export function multiLabelHead(labels: string[]): ModelHead {
  return {
    kind: 'multi-label',
    link: 'sigmoid',
    classes: labels,
    logitWidth: labels.length,
    isProbability: true,
    quantity: 'sigmoid probability σ(z) of one label',
    scores: (z) => Array.from(z, sigmoid),
    predicted: argmax,
    targetVector: (c) => oneHot(labels.length, c),
  };
}

export function regressionHead(name: string): ModelHead {
  return {
    kind: 'regression',
    link: 'identity',
    classes: [name],
    logitWidth: 1,
    isProbability: false,
    quantity: 'regression score (the model output)',
    scores: (z) => [z[0]],
    predicted: () => 0,
    targetVector: () => [1],
  };
}

/** What the head's kind is read from: config.json (problem_type, num_labels, id2label) and the manifest's `head`. */
export interface HeadSource {
  problemType?: unknown;
  /** The manifest's explicit choice. */
  head?: unknown;
  /** sentence-transformers CrossEncoder's activation, when its config names one. */
  crossEncoderActivation?: unknown;
  labels: string[] | undefined;
  /** Where the labels and the kind came from, for messages. */
  origin: string;
  manifestPath: string;
}

const PROBLEM_TYPES: Record<string, HeadKind> = {
  single_label_classification: 'softmax',
  multi_label_classification: 'multi-label',
  regression: 'regression',
};

/**
 * The head of a model whose logits are `width` wide, or an error saying what cannot be interpreted and how to declare
 * it. A single logit without a declared problem type is read as a sigmoid head (cross-encoders, binary classifiers);
 * Hugging Face's own default for one logit is regression, whose verdicts are the same (σ is monotone).
 */
export function headOf(width: number, source: HeadSource): ModelHead {
  const { labels, origin, manifestPath } = source;
  const declare = `Set "head" in ${manifestPath} to one of ${HEAD_KINDS.join(', ')}.`;
  if (!Number.isInteger(width) || width < 1)
    throw new Error(`The model's logits have ${width} values per input; a classifier needs at least one. ${declare}`);
  let kind: HeadKind;
  if (source.head !== undefined) {
    if (!HEAD_KINDS.includes(source.head as HeadKind))
      throw new Error(
        `${manifestPath}: head must be one of ${HEAD_KINDS.join(', ')} (found ${JSON.stringify(source.head)}).`,
      );
    kind = source.head as HeadKind;
  } else if (typeof source.problemType === 'string') {
    const known = PROBLEM_TYPES[source.problemType];
    if (!known)
      throw new Error(
        `${origin}: problem_type "${source.problemType}" is not one Polarity Lens can interpret (known: ${Object.keys(PROBLEM_TYPES).join(', ')}). ${declare}`,
      );
    kind = known;
  } else if (width === 1) {
    kind =
      typeof source.crossEncoderActivation === 'string' && /Identity/.test(source.crossEncoderActivation)
        ? 'regression'
        : 'sigmoid';
  } else {
    kind = 'softmax';
  }
  const names = (n: number) => Array.from({ length: n }, (_, i) => labels?.[i] ?? `LABEL_${i}`);
  const labelCount = labels?.length;
  switch (kind) {
    case 'softmax':
      if (width < 2)
        throw new Error(
          `${origin}: a softmax over one logit is 1 for every input, so every Δ would be 0. A single-logit model is a sigmoid or regression head. ${declare}`,
        );
      checkCount(labels, width, origin, manifestPath);
      return softmaxHead(names(width));
    case 'multi-label':
      checkCount(labels, width, origin, manifestPath);
      return multiLabelHead(names(width));
    case 'sigmoid': {
      if (width !== 1)
        throw new Error(
          `${origin}: a sigmoid head has one logit, but this model has ${width}. For one independent sigmoid per label use multi-label. ${declare}`,
        );
      // One name (the usual id2label {0: LABEL_0}) is the positive class; two names are [negative, positive].
      if (labelCount !== undefined && labelCount > 2)
        throw new Error(
          `${origin}: id2label names ${labelCount} classes for a single-logit sigmoid head (one or two expected).`,
        );
      if (labelCount === 2) return sigmoidHead(labels![0], labels![1]);
      const positive = labels?.[0] ?? 'positive';
      return sigmoidHead(`not ${positive}`, positive);
    }
    case 'regression':
      if (width !== 1)
        throw new Error(
          `${origin}: a regression head with ${width} outputs is not supported (one score expected). ${declare}`,
        );
      return regressionHead(labels?.[0] && !/^LABEL_0$/.test(labels[0]) ? labels[0] : 'score');
  }
}

/**
 * A label list whose length is not the logits' width would name every class wrongly (three names for two logits
 * drop the last class's name and call class 1 by another's): refused, with both numbers and where to fix it.
 */
function checkCount(labels: string[] | undefined, width: number, origin: string, manifestPath: string): void {
  if (labels === undefined || labels.length === width) return;
  const fix =
    origin === manifestPath
      ? `Give ${basename(manifestPath)}'s id2label one name per logit.`
      : `Give config.json's id2label one name per logit, or override it with an id2label in ${manifestPath}.`;
  const n = labels.length;
  throw new Error(
    `${origin}: id2label names ${n} class${n === 1 ? '' : 'es'} (${labels.join(', ')}) but the model's logits have ${width}. ${fix}`,
  );
}
