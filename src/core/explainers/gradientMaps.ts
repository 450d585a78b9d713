/**
 * Shared reading of gradient runs for the gradient explainers: the attention-gradient family on one layer, and
 * per-token reductions of the word-embedding gradient. Each explainer file picks its formula.
 */
import { unitWeights } from '../tokenize/units';
import type { GradientVariant } from '../gradients/gradientSession';
import { combinedRow, resolveLayer } from './attentionMaps';
import type { AttentionMap, ExplainContext, ExplainerOutput, ExplainerSettings, GradientView } from './explainer';

/** "p(ŷ)" or "the logit z_ŷ": what the gradients are of, for the quantity label. */
export function objectiveLabel(view: GradientView): string {
  return view.objective === 'probability' ? 'p(ŷ), a probability' : 'the logit z_ŷ';
}

/**
 * The relevance Chefer et al.'s LRP leaves on attention layer `layer` (a 'chefer-lrp' view), or an error naming what
 * stopped it: an op or pattern for which their rules have none (never a fallback to another relevance).
 */
export function cheferRelevance(method: string, view: GradientView, layer: number): AttentionMap {
  const relevance = view.attentionGradients[layer];
  if (!relevance) {
    const name = view.attentions[layer]?.name;
    const why = view.problems.filter((p) => p.startsWith(`R^${name}:`));
    throw new Error(
      `${method} needs the LRP relevance of Chefer et al. on attention layer ${layer}, which cannot be computed on this model: ${(why.length ? why : view.problems).join('; ')}`,
    );
  }
  return relevance;
}

/** f(α, ∂objective/∂α) on the attention layer the context names (default the last), heads averaged, pooled row. */
export async function attentionGradientExplanation(
  ctx: ExplainContext,
  attention: ExplainerSettings<'attentionLayer' | 'attentionHead'>,
  variant: GradientVariant,
  f: (alpha: number, grad: number) => number,
  what: string,
): Promise<ExplainerOutput> {
  const view = await ctx.gradients(variant);
  if (view.attentions.length === 0) throw new Error('this model exposes no attention probabilities');
  const layer = resolveLayer(attention.attentionLayer, view.attentions.length);
  const grad = view.attentionGradients[layer];
  if (!grad) throw new Error(`∂/∂α cannot be computed on this model: ${view.problems.join('; ')}`);
  const row = combinedRow(view.attentions[layer], grad, ctx.pooled, attention.attentionHead, f, what);
  return {
    weights: unitWeights(row.weights, ctx.units),
    quantity: `${row.description}; gradients of ${objectiveLabel(view)}`,
    parameters: { layer, head: attention.attentionHead ?? 'mean', objective: view.objective },
  };
}

/** One number per token from the word embeddings e_i and the gradient g_i (both [dim] vectors). */
export async function embeddingGradientExplanation(
  ctx: ExplainContext,
  variant: GradientVariant,
  f: (e: Float32Array, g: Float32Array) => number,
  what: string,
): Promise<ExplainerOutput> {
  const view = await ctx.gradients(variant);
  if (!view.embeddings || !view.embeddingGradient)
    throw new Error(`the word embeddings cannot be differentiated on this model: ${view.problems.join('; ')}`);
  const { dim } = view;
  const perToken = ctx.tokens.ids.map((_, i) =>
    f(view.embeddings!.subarray(i * dim, (i + 1) * dim), view.embeddingGradient!.subarray(i * dim, (i + 1) * dim)),
  );
  return {
    weights: unitWeights(perToken, ctx.units),
    quantity: `${what}; gradients of ${objectiveLabel(view)}`,
    parameters: { objective: view.objective },
  };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
