/**
 * What a dataset run keeps of one text, computed: the explanation of its prediction, and for a multi-label model one
 * more explanation per other label (each tested with σ(z) of that label), as the "all labels in dataset mode".
 * The run's process and its worker processes both call this, so their outcomes are the same.
 */
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import { explainText } from '../explain/explainText';
import type { ExplainerCost } from '../explainers/explainer';
import { explainerById } from '../explainers/registry';
import { InputMemo } from '../model/inputMemo';
import type { TextClassifier } from '../classifier/textClassifier';
import { sampleOutcome, type LabelOutcome, type SampleOutcome } from './sampleOutcome';

/** Explainers of these costs load the model's gradient session. */
const BACKWARD: readonly ExplainerCost[] = ['backward', 'lrp-backward', 'many-backward'];
const handedOver = new WeakSet<TextClassifier>();

/**
 * The first gradient session a process loads takes over its forward runs (TextClassifier.gradients), and the two
 * sessions' float arithmetic differs in the last bits: loaded before the first text, it runs every text, so a text's
 * outcome does not depend on what the process explained before it (the same in one process, in each worker and in
 * each shard of a run, and in the cache).
 */
async function sameSessionsForEveryText(model: TextClassifier, settings: ResolvedExplainOptions): Promise<void> {
  if (handedOver.has(model)) return;
  handedOver.add(model);
  if (settings.explainers.some((id) => BACKWARD.includes(explainerById(id).cost)))
    await model.gradients().catch(() => undefined); // a model without gradients: its explainers say why, per text
}

export async function textOutcome(
  model: TextClassifier,
  text: string,
  settings: ResolvedExplainOptions,
  cancelled?: () => boolean,
): Promise<SampleOutcome> {
  await sameSessionsForEveryText(model, settings);
  const operator = settings.operator;
  // A multi-label model's labels erase the same inputs: their forward runs are made once, for every label.
  const memo = new InputMemo(model.onnx, (logits) => model.scores(logits));
  const explain = async (target?: number) => {
    const t0 = performance.now();
    const result = await explainText(
      model,
      text,
      { ...settings, cancelled, ...(target === undefined ? {} : { target }) },
      { memo },
    );
    return sampleOutcome(result, operator, performance.now() - t0);
  };
  const first = await explain();
  if (model.head.kind !== 'multi-label') return first;
  const otherLabels: LabelOutcome[] = [];
  for (let c = 0; c < model.head.classes.length; c++) {
    if (c === first.prediction.index) continue;
    const { prediction, explainers, random, ms } = await explain(c);
    otherLabels.push({ prediction, explainers, random, ms });
  }
  return { ...first, otherLabels };
}
