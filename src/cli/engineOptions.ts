/** The engine options `explain` and `check` share: their flags, their validation and their help text. */
import type { ErasureOperatorName } from '../core/erasure/erasureOperator';
import { ERASURE_OPERATORS, erasureOperator } from '../core/erasure/operators';
import type { ExplainOptions } from '../core/explain/explainText';
import type { Granularity } from '../core/explain/units';
import { EXPLAINERS } from '../core/explainers/registry';

export const ENGINE_FLAGS = {
  explainers: { type: 'string' },
  operator: { type: 'string', default: 'delete' },
  granularity: { type: 'string', default: 'word' },
  seed: { type: 'string', default: '0' },
  samples: { type: 'string', default: '300' },
  layer: { type: 'string', default: '-1' },
  head: { type: 'string' },
  objective: { type: 'string', default: 'probability' },
  'ig-steps': { type: 'string', default: '20' },
  'ig-baseline': { type: 'string', default: 'zero' },
} as const;

export const ENGINE_HELP = `  --explainers   comma-separated, from: ${EXPLAINERS.map((e) => e.id).join(', ')}; default all
  --operator     erasure for perturbation explainers and the metrics: ${Object.keys(ERASURE_OPERATORS).join(', ')}; default delete
  --granularity  word (subwords summed, erased together) or token; default word
  --seed         seed for random, LIME and Kernel SHAP (and for sampling rows in check); default 0
  --samples      perturbed inputs per text for LIME and Kernel SHAP; default 300
  --layer/--head the attention layer read by RawAtt, AttGrad and its ablations, AttIN and PLRP (default -1, the
                 last) and head (default: heads averaged)
  --objective    what gradient explainers differentiate: probability (p(ŷ), default) or logit (z_ŷ)
  --ig-steps     Integrated Gradients steps (default 20); --ig-baseline zero (default) or pad (the [PAD] embedding)`;

type EngineValues = { [K in keyof typeof ENGINE_FLAGS]?: string };

/** The flags as ExplainOptions, or an Error that names the flag and what it accepts. */
export function engineOptions(values: EngineValues): Omit<ExplainOptions, 'metrics' | 'cancelled' | 'reuse'> & { seed: number } {
  if (values.granularity !== 'word' && values.granularity !== 'token') throw new Error('--granularity must be word or token.');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer.');
  const samples = Number(values.samples);
  if (!Number.isInteger(samples) || samples < 2) throw new Error('--samples must be an integer of at least 2.');
  const layer = Number(values.layer);
  const head = values.head === undefined ? undefined : Number(values.head);
  if (!Number.isInteger(layer) || (head !== undefined && !Number.isInteger(head))) throw new Error('--layer and --head must be integers.');
  if (values.objective !== 'probability' && values.objective !== 'logit') throw new Error('--objective must be probability or logit.');
  const igSteps = Number(values['ig-steps']);
  if (!Number.isInteger(igSteps) || igSteps < 1 || igSteps > 1000) throw new Error('--ig-steps must be an integer from 1 to 1000.');
  if (values['ig-baseline'] !== 'zero' && values['ig-baseline'] !== 'pad') throw new Error('--ig-baseline must be zero or pad.');
  const explainers = values.explainers?.split(',').map((s) => s.trim()).filter(Boolean);
  const known = EXPLAINERS.map((e) => e.id);
  const unknown = explainers?.filter((id) => !known.includes(id)) ?? [];
  if (unknown.length) throw new Error(`--explainers: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return {
    explainers,
    operator: erasureOperator(values.operator ?? 'delete').name as ErasureOperatorName,
    granularity: values.granularity as Granularity,
    seed,
    samples,
    attentionLayer: layer,
    attentionHead: head,
    objective: values.objective,
    igSteps,
    igBaseline: values['ig-baseline'],
  };
}
