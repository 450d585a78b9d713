/**
 * Every model run one explanation makes, each made once: forward runs through the input memo (the leave-one-out
 * passes, the verdicts' single erasures, LIME's and Kernel SHAP's samples and the metrics share many inputs), each
 * operator's leave-one-out pass, the clean gradients per variant, gradients at scaled embeddings (IG), and the [PAD]
 * embedding. Explainers reach these through ExplainContext; the pipeline through this class.
 */
import type { ErasureContext, ErasureOperatorName, ModelInput } from '../erasure/erasureOperator';
import { erasureOperator } from '../erasure/operators';
import type { GradientView } from '../explainers/explainer';
import { leaveOneOut, type LeaveOneOut } from '../faithfulness/leaveOneOut';
import type { GradientVariant } from '../gradients/gradientSession';
import type { Objective } from '../gradients/objective';
import { InputMemo } from '../model/inputMemo';
import type { TextClassifier } from '../classifier/textClassifier';
import type { ExplanationUnit } from '../tokenize/units';

/**
 * Rows per backward run: a backward pass keeps every activation of its rows alive at once (about 20 MB a row on a
 * DistilBERT-base-sized model at 26 tokens). IG-20's 21 points in two runs of 11 and 10: +190 MB, 5% slower than
 * one run of 21 (+450 MB); runs of 8: +140 MB, 15% slower.
 */
export const GRADIENT_BATCH = 11;

/** The text as the model sees it, and the class explained, which every run is about. */
export interface RunSubject {
  input: ModelInput;
  units: ExplanationUnit[];
  /** ŷ (or the chosen label) and p(·) of the clean input. */
  target: number;
  probabilities: number[];
  objective: Objective;
  erasureContext: ErasureContext;
}

export class TextRuns {
  private readonly memo: InputMemo;
  private readonly looRuns = new Map<ErasureOperatorName, Promise<LeaveOneOut>>();
  private readonly gradientRuns = new Map<GradientVariant, Promise<GradientView>>();
  private padRow?: Promise<Float32Array>;

  /**
   * `memo`: forward runs shared with other explanations of the same text (a multi-label model's labels erase the same
   * inputs; only the score read from each row differs).
   */
  constructor(
    private readonly model: TextClassifier,
    private readonly subject: RunSubject,
    memo?: InputMemo,
  ) {
    this.memo = memo ?? new InputMemo(model.onnx, (logits) => model.scores(logits));
    this.memo.remember(subject.input, subject.probabilities);
  }

  /** Inputs actually sent to the model so far (diagnostics, tests). */
  get forwardRuns(): number {
    return this.memo.ran;
  }

  /** p(·) for each input, in batched runs; an input seen before is not run again. */
  run(inputs: ModelInput[]): Promise<number[][]> {
    return this.memo.probabilities(inputs);
  }

  /** Every unit's Δ under `operator` (one pass per operator, shared by occlusion, the verdicts and the metrics). */
  leaveOneOut(operator: ErasureOperatorName): Promise<LeaveOneOut> {
    let pending = this.looRuns.get(operator);
    if (!pending) {
      const { input, units, target, probabilities, erasureContext } = this.subject;
      pending = leaveOneOut(
        (inputs) => this.run(inputs),
        input,
        units,
        target,
        probabilities[target],
        erasureOperator(operator),
        erasureContext,
      );
      this.looRuns.set(operator, pending);
    }
    return pending;
  }

  /** Δ of erasing each requested unit under its operator, in one batched run (a verdict needs only its top unit). */
  async deltasAt(requests: { operator: ErasureOperatorName; unit: number }[]): Promise<number[]> {
    const { input, units, target, probabilities, erasureContext } = this.subject;
    const erased = await this.run(
      requests.map((r) => erasureOperator(r.operator).erase(input, units[r.unit].tokens, erasureContext)),
    );
    return erased.map((p) => probabilities[target] - p[target]);
  }

  /** One forward + backward pass on the clean input per variant, as gradient explainers read it. */
  gradients(variant: GradientVariant = 'gradient'): Promise<GradientView> {
    let pending = this.gradientRuns.get(variant);
    if (!pending) {
      pending = this.cleanGradients(variant);
      this.gradientRuns.set(variant, pending);
    }
    return pending;
  }

  /** Why some gradients could not be computed, from the gradient runs made so far. */
  async gradientProblems(): Promise<string[]> {
    const problems = new Set<string>();
    for (const pending of this.gradientRuns.values())
      (await pending.catch(() => undefined))?.problems.forEach((p) => problems.add(p));
    return [...problems];
  }

  /** ∂objective/∂e at scaled and shifted word embeddings, in batches of at most GRADIENT_BATCH rows. */
  async gradientsAt(
    points: { scale: number; shift?: Float32Array }[],
  ): Promise<{ objectiveValue: number; embeddingGradient: Float32Array }[]> {
    const { input, target, objective } = this.subject;
    const ids = input.ids;
    const session = await this.model.gradients();
    if (!session.hasEmbeddingGradient)
      throw new Error(`the word embeddings cannot be differentiated: ${session.manifest.problems.join('; ')}`);
    if (points.some((p) => p.shift) && !session.acceptsEmbeddingShift) {
      throw new Error(
        "this model's word embeddings are not a table lookup, so they cannot be shifted towards a [PAD] baseline; use the zero baseline",
      );
    }
    const results: { objectiveValue: number; embeddingGradient: Float32Array }[] = [];
    for (let start = 0; start < points.length; start += GRADIENT_BATCH) {
      const chunk = points.slice(start, start + GRADIENT_BATCH);
      const rows = await session.run({
        ids: chunk.map(() => ids),
        target: chunk.map(() => target),
        objective,
        embeddingScale: chunk.map((p) => ids.map(() => p.scale)),
        embeddingShift: chunk.map((p) => p.shift),
        embeddingGradientOnly: true,
      });
      results.push(...rows.map((r) => ({ objectiveValue: r.objective, embeddingGradient: r.embeddingGradient! })));
    }
    return results;
  }

  /** The [PAD] token's word embedding (Integrated Gradients' PAD baseline). */
  padEmbedding(): Promise<Float32Array> {
    this.padRow ??= (async () => {
      const session = await this.model.gradients();
      const [row] = await session.run({
        ids: [[this.model.onnx.padId]],
        target: [this.subject.target],
        objective: this.subject.objective,
      });
      if (!row.embeddings)
        throw new Error('the model has no word-embedding tensor, so there is no [PAD] embedding to start from');
      return row.embeddings;
    })();
    return this.padRow;
  }

  private async cleanGradients(variant: GradientVariant): Promise<GradientView> {
    const { input, target, objective } = this.subject;
    const session = await this.model.gradients(variant);
    const [row] = await session.run({ ids: [input.ids], target: [target], objective });
    return {
      objective,
      objectiveValue: row.objective,
      dim: session.manifest.embeddingDim,
      embeddings: row.embeddings,
      embeddingGradient: row.embeddingGradient,
      attentions: row.attentions,
      attentionGradients: row.attentionGradients,
      attentionValues: row.attentionValues,
      projection: (layer) => session.projection(layer),
      problems: session.manifest.problems,
    };
  }
}
