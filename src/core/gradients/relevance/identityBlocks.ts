/**
 * Chefer et al.'s LRP passes relevance through LayerNorm and GELU unchanged (their LayerNorm and GELU modules keep
 * RelProp's identity relprop; Transformer-Explainability, BERT_explainability/modules/layers_ours.py). A fused
 * LayerNormalization or Gelu node gets that rule directly; exported below opset 17 both are several elementwise ops,
 * which this finds as blocks, so that the relevance at a block's output goes to its input and its inner nodes (the
 * mean, the variance, the erf or tanh gate) receive none.
 */
import type { NodeProto } from 'onnx-buf';

/** Ops a LayerNorm's σ, or a GELU's gate, is computed with. */
const SIGMA_OPS = new Set(['Sqrt', 'Add', 'ReduceMean', 'Pow', 'Mul', 'Cast']);
const GATE_OPS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Erf', 'Tanh', 'Cast']);
/** Every node of a block lies this close to its input; a longer chain is not one of these blocks. */
const MAX_BLOCK_NODES = 16;

type Producers = Map<string, NodeProto>;

/**
 * For each node ending a decomposed LayerNorm or GELU, the tensor that block starts from:
 * - LayerNorm: Div(d, σ) with d = Sub(x, ReduceMean(x)) and σ = Sqrt(…) computed from d alone → x (the scale γ and
 *   shift β after it are a constant Mul and Add, which pass relevance anyway);
 * - GELU: Mul(x', gate) with x' = x scaled by constants and gate computed from x alone through an Erf or a Tanh
 *   (x·½(1 + erf(x/√2)), and the tanh approximation) → x'.
 */
export function identityBlocks(forward: NodeProto[], active: (tensor: string) => boolean): Map<NodeProto, string> {
  const producer: Producers = new Map();
  for (const n of forward) for (const o of n.output) producer.set(o, n);
  const blocks = new Map<NodeProto, string>();
  for (const node of forward) {
    if (node.input.length !== 2 || !node.input.every(active)) continue;
    if (node.opType === 'Div') {
      const x = layerNormInput(node, producer, active);
      if (x) blocks.set(node, x);
    } else if (node.opType === 'Mul') {
      const x = geluInput(node, producer, active);
      if (x) blocks.set(node, x);
    }
  }
  return blocks;
}

function layerNormInput(div: NodeProto, producer: Producers, active: (t: string) => boolean): string | undefined {
  const [d, sigma] = div.input;
  if (producer.get(sigma)?.opType !== 'Sqrt') return undefined;
  const centre = producer.get(d);
  if (centre?.opType !== 'Sub') return undefined;
  const [x, mean] = centre.input;
  const meanNode = producer.get(mean);
  if (meanNode?.opType !== 'ReduceMean' || meanNode.input[0] !== x) return undefined;
  return computedOnlyFrom(sigma, new Set([d]), SIGMA_OPS, producer, active) ? x : undefined;
}

function geluInput(mul: NodeProto, producer: Producers, active: (t: string) => boolean): string | undefined {
  for (const [side, gate] of [mul.input, [...mul.input].reverse()]) {
    // x' and the constant scalings it came through: the gate may read any of them.
    const chain = new Set([side]);
    for (let t = side, p = producer.get(t); p && isConstantScaling(p, active); p = producer.get(t)) {
      t = p.input.find(active)!;
      chain.add(t);
    }
    if (computedOnlyFrom(gate, chain, GATE_OPS, producer, active, ['Erf', 'Tanh'])) return side;
  }
  return undefined;
}

/** A Mul by a constant, or a Div of a computed tensor by a constant. */
function isConstantScaling(node: NodeProto, active: (t: string) => boolean): boolean {
  const computed = node.input.filter(active);
  if (computed.length !== 1) return false;
  return node.opType === 'Mul' || (node.opType === 'Div' && computed[0] === node.input[0]);
}

/**
 * Whether `tensor` is computed from the `sources` (and constants) only, through ops in `ops`, within
 * MAX_BLOCK_NODES nodes, passing through at least one op of `through` when given.
 */
function computedOnlyFrom(
  tensor: string,
  sources: Set<string>,
  ops: ReadonlySet<string>,
  producer: Producers,
  active: (t: string) => boolean,
  through: string[] = [],
): boolean {
  const seen = new Set<NodeProto>();
  const pending = [tensor];
  let passed = through.length === 0;
  while (pending.length) {
    const t = pending.pop()!;
    if (sources.has(t) || !active(t)) continue;
    const node = producer.get(t);
    if (!node || !ops.has(node.opType)) return false;
    if (seen.has(node)) continue;
    seen.add(node);
    if (seen.size > MAX_BLOCK_NODES) return false;
    if (through.includes(node.opType)) passed = true;
    pending.push(...node.input.filter((i) => i));
  }
  return passed;
}
