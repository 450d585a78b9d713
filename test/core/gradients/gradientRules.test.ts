import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GRADIENT_RULES } from '../../../src/core/gradients/rules/registry';
import { checkGradient, GradientCase, NodeSpec } from '../../helpers/gradientCheck';

/** Each rule against central finite differences (float32, h = 1e-2): tolerance 5e-3 of the largest gradient. */
const TOLERANCE = 5e-3;

const X = (dims: GradientCase['inputs'][number]['dims'], extra: Partial<GradientCase['inputs'][number]> = {}) => ({
  name: 'x',
  dims,
  ...extra,
});
const Y = (dims: GradientCase['inputs'][number]['dims'], extra: Partial<GradientCase['inputs'][number]> = {}) => ({
  name: 'y',
  dims,
  ...extra,
});
const n = (op: string, inputs: string[], attrs?: NodeSpec['attrs'], outputs = ['out']): NodeSpec => ({
  op,
  inputs,
  outputs,
  attrs,
});
const unary = (
  op: string,
  extra: Partial<GradientCase['inputs'][number]> = {},
  attrs?: NodeSpec['attrs'],
): GradientCase => ({ inputs: [X(['B', 'S', 3], extra)], nodes: [n(op, ['x'], attrs)], output: 'out', outputRank: 3 });

const CASES: Record<string, GradientCase> = {
  'Add with broadcasting (bias [3] and [B,S,1])': {
    inputs: [X(['B', 'S', 3]), Y([3]), { name: 'z', dims: ['B', 'S', 1] }],
    nodes: [n('Add', ['x', 'y'], undefined, ['t']), n('Add', ['t', 'z'])],
    output: 'out',
    outputRank: 3,
  },
  'Sub with broadcasting': {
    inputs: [X(['B', 1, 3]), Y(['B', 'S', 3])],
    nodes: [n('Sub', ['x', 'y'])],
    output: 'out',
    outputRank: 3,
  },
  'Mul with broadcasting': {
    inputs: [X(['B', 'S', 3]), Y([1, 'S', 1])],
    nodes: [n('Mul', ['x', 'y'])],
    output: 'out',
    outputRank: 3,
  },
  'Mul of a tensor by itself': { inputs: [X(['B', 'S'])], nodes: [n('Mul', ['x', 'x'])], output: 'out', outputRank: 2 },
  'Div (numerator and denominator)': {
    inputs: [X(['B', 'S', 3]), Y(['B', 'S', 1], { positive: true })],
    nodes: [n('Div', ['x', 'y'])],
    output: 'out',
    outputRank: 3,
  },
  'Pow with a constant exponent': {
    inputs: [X(['B', 'S', 3], { positive: true })],
    constants: [{ name: 'p', dims: [], values: [2.5] }],
    nodes: [n('Pow', ['x', 'p'])],
    output: 'out',
    outputRank: 3,
  },
  'Pow with a differentiated exponent': {
    inputs: [X(['B', 'S'], { positive: true }), Y(['B', 'S'])],
    nodes: [n('Pow', ['x', 'y'])],
    output: 'out',
    outputRank: 2,
  },
  'Sum of three inputs': {
    inputs: [X(['B', 'S']), Y(['B', 1]), { name: 'z', dims: ['S'] }],
    nodes: [n('Sum', ['x', 'y', 'z'])],
    output: 'out',
    outputRank: 2,
  },
  Sqrt: unary('Sqrt', { positive: true }),
  Exp: unary('Exp'),
  Log: unary('Log', { positive: true }),
  Neg: unary('Neg'),
  Abs: unary('Abs', { awayFromZero: true }),
  Reciprocal: unary('Reciprocal', { positive: true }),
  Relu: unary('Relu', { awayFromZero: true }),
  LeakyRelu: unary('LeakyRelu', { awayFromZero: true }, { alpha: { float: 0.1 } }),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Erf: unary('Erf'),
  'Gelu (exact, opset 20)': { ...unary('Gelu'), opset: 20 },
  'Gelu (tanh approximation, opset 20)': { ...unary('Gelu', {}, { approximate: 'tanh' }), opset: 20 },
  Identity: unary('Identity'),
  'Dropout (inference)': unary('Dropout'),
  'Cast float → float': unary('Cast', {}, { to: 1 }),
  'Softmax (opset 13, last axis)': unary('Softmax', {}, { axis: -1 }),
  'Softmax (opset 13, middle axis)': unary('Softmax', {}, { axis: 1 }),
  'Softmax (opset 11, coerced to 2-D from axis 1)': { ...unary('Softmax', {}, { axis: 1 }), opset: 11 },
  LogSoftmax: unary('LogSoftmax', {}, { axis: -1 }),
  'Where (both branches; condition from the data)': {
    inputs: [X(['B', 'S', 3], { awayFromZero: true }), Y(['B', 1, 3])],
    constants: [{ name: 'zero', dims: [], values: [0] }],
    nodes: [n('Greater', ['x', 'zero'], undefined, ['c']), n('Where', ['c', 'x', 'y'])],
    output: 'out',
    outputRank: 3,
  },
  Transpose: unary('Transpose', {}, { perm: [0, 2, 1] }),
  // The harness wants the batch first, so a second Transpose brings it back after the default reversal.
  'Transpose (default: reversed axes)': {
    inputs: [X(['B', 'S', 3])],
    nodes: [n('Transpose', ['x'], undefined, ['t']), n('Transpose', ['t'], { perm: [2, 0, 1] })],
    output: 'out',
    outputRank: 3,
  },
  'Reshape (to [B, S·3])': {
    inputs: [X(['B', 'S', 3])],
    constants: [{ name: 'shape', dims: [2], ints: [0, -1] }],
    nodes: [n('Reshape', ['x', 'shape'])],
    output: 'out',
    outputRank: 2,
  },
  Flatten: { ...unary('Flatten', {}, { axis: 1 }), outputRank: 2 },
  'Unsqueeze then Squeeze (opset 13 axes inputs)': {
    inputs: [X(['B', 'S'])],
    constants: [{ name: 'ax', dims: [1], ints: [1] }],
    nodes: [
      n('Unsqueeze', ['x', 'ax'], undefined, ['u']),
      n('Relu', ['u'], undefined, ['r']),
      n('Squeeze', ['u', 'ax'], undefined, ['s']),
      n('Mul', ['s', 'x']),
    ],
    output: 'out',
    outputRank: 2,
  },
  'Unsqueeze (opset 11 axes attribute)': {
    inputs: [X(['B', 'S'])],
    nodes: [n('Unsqueeze', ['x'], { axes: [2] })],
    output: 'out',
    outputRank: 3,
    opset: 11,
  },
  Expand: {
    inputs: [X(['B', 1, 3])],
    constants: [{ name: 'shape', dims: [3], ints: [1, 4, 3] }],
    nodes: [n('Expand', ['x', 'shape'])],
    output: 'out',
    outputRank: 3,
  },
  'Concat (a static and a run-time-sized piece)': {
    inputs: [X(['B', 'S', 3]), Y(['B', 2, 3])],
    nodes: [n('Concat', ['x', 'y', 'x'], { axis: 1 })],
    output: 'out',
    outputRank: 3,
  },
  'Split (opset 13, one output unused)': {
    inputs: [X(['B', 'S', 6])],
    constants: [{ name: 'sizes', dims: [3], ints: [1, 2, 3] }],
    nodes: [
      n('Split', ['x', 'sizes'], { axis: 2 }, ['a', 'b', 'c']),
      n('Mul', ['a', 'c'], undefined, ['ac']),
      n('Concat', ['ac', 'ac'], { axis: 2 }),
    ],
    output: 'out',
    outputRank: 3,
  },
  'Slice (static axis, negative start)': {
    inputs: [X(['B', 'S', 6])],
    constants: [
      { name: 'st', dims: [1], ints: [-4] },
      { name: 'en', dims: [1], ints: [-1] },
      { name: 'ax', dims: [1], ints: [2] },
    ],
    nodes: [n('Slice', ['x', 'st', 'en', 'ax'])],
    output: 'out',
    outputRank: 3,
  },
  'Slice (run-time-sized axis)': {
    inputs: [X(['B', 'S', 2])],
    constants: [
      { name: 'st', dims: [1], ints: [1] },
      { name: 'en', dims: [1], ints: [1000] },
      { name: 'ax', dims: [1], ints: [1] },
    ],
    nodes: [n('Slice', ['x', 'st', 'en', 'ax'])],
    output: 'out',
    outputRank: 3,
  },
  "Slice (start computed at run time: torch's chunk, GeGLU's second half)": {
    inputs: [X(['B', 'S', 6])],
    constants: [
      { name: 'two', dims: [1], ints: [2] },
      { name: 'big', dims: [1], ints: [1000] },
      { name: 'ax', dims: [1], ints: [2] },
      { name: 'at2', dims: [1], ints: [2] },
    ],
    nodes: [
      n('Shape', ['x'], undefined, ['shape']),
      n('Gather', ['shape', 'at2'], { axis: 0 }, ['width']),
      n('Div', ['width', 'two'], undefined, ['half']),
      n('Slice', ['x', 'half', 'big', 'ax']),
    ],
    output: 'out',
    outputRank: 3,
  },
  "GatherElements (repeated indices along the last axis: DeBERTa's relative positions; opset 14 raised to 16)": {
    opset: 14,
    inputs: [X([2, 3, 4])],
    constants: [
      {
        name: 'idx',
        dims: [2, 3, 5],
        ints: [0, 1, 1, 3, 2, 2, 2, 0, 1, 3, 3, 0, 0, 0, 1, 1, 2, 3, 3, 3, 0, 2, 1, 0, 3, 1, 1, 1, 2, 0],
      },
    ],
    nodes: [n('GatherElements', ['x', 'idx'], { axis: 2 })],
    output: 'out',
    outputRank: 3,
  },
  'Gather (scalar index on the sequence axis: the pooled [CLS] row)': {
    inputs: [X(['B', 'S', 3])],
    constants: [{ name: 'i', dims: [], ints: [0] }],
    nodes: [n('Gather', ['x', 'i'], { axis: 1 })],
    output: 'out',
    outputRank: 2,
  },
  'Gather (repeated and negative indices on a static axis)': {
    inputs: [X(['B', 'S', 4])],
    constants: [{ name: 'i', dims: [3], ints: [1, -1, 1] }],
    nodes: [n('Gather', ['x', 'i'], { axis: 2 })],
    output: 'out',
    outputRank: 3,
  },
  'MatMul (batched, broadcast weight)': {
    inputs: [X(['B', 2, 'S', 3]), Y([3, 5])],
    nodes: [n('MatMul', ['x', 'y'])],
    output: 'out',
    outputRank: 4,
  },
  'MatMul (a fixed weight: one Gemm over the flattened rows)': {
    inputs: [X(['B', 2, 'S', 3])],
    constants: [{ name: 'w', dims: [3, 5], values: Array.from({ length: 15 }, (_, i) => Math.sin(i + 1)) }],
    nodes: [n('MatMul', ['x', 'w'])],
    output: 'out',
    outputRank: 4,
  },
  'MatMul (attention: probabilities × values)': {
    inputs: [X(['B', 2, 'S', 'S']), Y(['B', 2, 'S', 3])],
    nodes: [n('MatMul', ['x', 'y'])],
    output: 'out',
    outputRank: 4,
  },
  'MatMul (vector on the right)': {
    inputs: [X(['B', 'S', 3]), Y([3])],
    nodes: [n('MatMul', ['x', 'y'])],
    output: 'out',
    outputRank: 2,
  },
  'MatMul (vector on the left)': {
    inputs: [X([3]), Y(['B', 3, 4])],
    nodes: [n('MatMul', ['x', 'y'])],
    output: 'out',
    outputRank: 2,
  },
  'Gemm (transB, α, β, broadcast C)': {
    inputs: [X(['B', 3]), Y([4, 3]), { name: 'c', dims: [4] }],
    nodes: [n('Gemm', ['x', 'y', 'c'], { transB: 1, alpha: { float: 0.7 }, beta: { float: 1.3 } })],
    output: 'out',
    outputRank: 2,
  },
  'Gemm (transA)': {
    inputs: [X([3, 'B']), Y([3, 4])],
    nodes: [n('Gemm', ['x', 'y'], { transA: 1 })],
    output: 'out',
    outputRank: 2,
  },
  'Conv 1-D (padding, dilation, groups)': {
    inputs: [X(['B', 4, 'S'])],
    constants: [
      { name: 'w', dims: [6, 2, 3], values: Array.from({ length: 36 }, (_, i) => Math.sin(i + 1)) },
      { name: 'b', dims: [6], values: [0.1, -0.2, 0.3, 0, 0.5, -0.1] },
    ],
    nodes: [n('Conv', ['x', 'w', 'b'], { pads: [2, 2], dilations: [2], group: 2, kernel_shape: [3] })],
    output: 'out',
    outputRank: 3,
  },
  'Conv 1-D (auto_pad SAME_UPPER, even kernel)': {
    inputs: [X(['B', 2, 'S'])],
    constants: [{ name: 'w', dims: [3, 2, 4], values: Array.from({ length: 24 }, (_, i) => Math.cos(i)) }],
    nodes: [n('Conv', ['x', 'w'], { auto_pad: 'SAME_UPPER' })],
    output: 'out',
    outputRank: 3,
  },
  'Conv 1-D with a kernel computed in the graph (the ConvTranspose path)': {
    inputs: [X(['B', 4, 'S'])],
    constants: [{ name: 'w', dims: [6, 2, 3], values: Array.from({ length: 36 }, (_, i) => Math.sin(i + 1)) }],
    nodes: [
      n('Identity', ['w'], undefined, ['wk']),
      n('Conv', ['x', 'wk'], { pads: [1, 2], dilations: [2], group: 2 }),
    ],
    output: 'out',
    outputRank: 3,
  },
  'ReduceSum (opset 13 axes input, keepdims 0)': {
    inputs: [X(['B', 'S', 3])],
    constants: [{ name: 'ax', dims: [1], ints: [1] }],
    nodes: [n('ReduceSum', ['x', 'ax'], { keepdims: 0 })],
    output: 'out',
    outputRank: 2,
  },
  'ReduceMean (axes attribute, keepdims 1)': unary('ReduceMean', {}, { axes: [-1] }),
  'LayerNormalization (opset 17)': {
    inputs: [X(['B', 'S', 5]), Y([5])],
    constants: [{ name: 'beta', dims: [5], values: [0.1, 0, -0.1, 0.2, 0] }],
    nodes: [n('LayerNormalization', ['x', 'y', 'beta'], { axis: -1, epsilon: { float: 1e-5 } })],
    output: 'out',
    outputRank: 3,
  },
  'LayerNorm decomposed as exported at opset 11 (ReduceMean/Sub/Pow/Sqrt/Div)': {
    opset: 11,
    inputs: [X(['B', 'S', 5])],
    constants: [
      { name: 'two', dims: [], values: [2] },
      { name: 'eps', dims: [], values: [1e-5] },
    ],
    nodes: [
      n('ReduceMean', ['x'], { axes: [-1] }, ['mu']),
      n('Sub', ['x', 'mu'], undefined, ['d']),
      n('Pow', ['d', 'two'], undefined, ['d2']),
      n('ReduceMean', ['d2'], { axes: [-1] }, ['var']),
      n('Add', ['var', 'eps'], undefined, ['ve']),
      n('Sqrt', ['ve'], undefined, ['sd']),
      n('Div', ['d', 'sd']),
    ],
    output: 'out',
    outputRank: 3,
  },
};

/** Weights for the BERT-layer case: deterministic, small. */
const weight = (name: string, rows: number, cols: number, phase: number) => ({
  name,
  dims: [rows, cols],
  values: Array.from({ length: rows * cols }, (_, i) => 0.5 * Math.sin(phase + 1.7 * i)),
});

/**
 * One BERT encoder layer as Hugging Face's exporter writes it at opset 11: Q/K/V projections, heads split by Reshape
 * (with 0 = keep) and Transpose, scaled scores plus an additive mask, Softmax on axis 3 (opset 11's 2-D coercion),
 * the context merged back, the output projection with a residual, a decomposed LayerNorm, and an Erf GELU.
 */
const BERT_LAYER_OPSET_11: GradientCase = {
  opset: 11,
  inputs: [X(['B', 'S', 4])],
  constants: [
    weight('wq', 4, 4, 0),
    weight('wk', 4, 4, 1),
    weight('wv', 4, 4, 2),
    weight('wo', 4, 4, 3),
    weight('w1', 4, 6, 4),
    weight('w2', 6, 4, 5),
    { name: 'heads', dims: [4], ints: [0, 0, 2, 2] },
    { name: 'merged', dims: [3], ints: [0, 0, 4] },
    { name: 'scale', dims: [], values: [Math.SQRT2] },
    { name: 'two', dims: [], values: [2] },
    { name: 'eps', dims: [], values: [1e-12] },
    { name: 'half', dims: [], values: [0.5] },
    { name: 'one', dims: [], values: [1] },
    { name: 'rsqrt2', dims: [], values: [Math.SQRT1_2] },
    { name: 'mask', dims: [1, 1, 1, 1], values: [0] },
  ],
  nodes: [
    n('MatMul', ['x', 'wq'], undefined, ['q']),
    n('MatMul', ['x', 'wk'], undefined, ['k']),
    n('MatMul', ['x', 'wv'], undefined, ['v']),
    n('Reshape', ['q', 'heads'], undefined, ['q4']),
    n('Transpose', ['q4'], { perm: [0, 2, 1, 3] }, ['qh']),
    n('Reshape', ['k', 'heads'], undefined, ['k4']),
    n('Transpose', ['k4'], { perm: [0, 2, 3, 1] }, ['kt']),
    n('Reshape', ['v', 'heads'], undefined, ['v4']),
    n('Transpose', ['v4'], { perm: [0, 2, 1, 3] }, ['vh']),
    n('MatMul', ['qh', 'kt'], undefined, ['scores']),
    n('Div', ['scores', 'scale'], undefined, ['scaled']),
    n('Add', ['scaled', 'mask'], undefined, ['masked']),
    n('Softmax', ['masked'], { axis: 3 }, ['probs']),
    n('MatMul', ['probs', 'vh'], undefined, ['ctx']),
    n('Transpose', ['ctx'], { perm: [0, 2, 1, 3] }, ['ctxT']),
    n('Reshape', ['ctxT', 'merged'], undefined, ['ctx3']),
    n('MatMul', ['ctx3', 'wo'], undefined, ['attn']),
    n('Add', ['attn', 'x'], undefined, ['res']),
    n('ReduceMean', ['res'], { axes: [-1] }, ['mu']),
    n('Sub', ['res', 'mu'], undefined, ['d']),
    n('Pow', ['d', 'two'], undefined, ['d2']),
    n('ReduceMean', ['d2'], { axes: [-1] }, ['var']),
    n('Add', ['var', 'eps'], undefined, ['ve']),
    n('Sqrt', ['ve'], undefined, ['sd']),
    n('Div', ['d', 'sd'], undefined, ['normed']),
    n('MatMul', ['normed', 'w1'], undefined, ['h']),
    n('Mul', ['h', 'rsqrt2'], undefined, ['hs']),
    n('Erf', ['hs'], undefined, ['erf']),
    n('Add', ['erf', 'one'], undefined, ['erf1']),
    n('Mul', ['h', 'erf1'], undefined, ['hx']),
    n('Mul', ['hx', 'half'], undefined, ['gelu']),
    n('MatMul', ['gelu', 'w2']),
  ],
  output: 'out',
  outputRank: 3,
};

describe('gradient rules agree with central finite differences', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const { graph, worst, largest } = await checkGradient(c);
      assert.deepEqual(graph.unsupported, []);
      assert.equal(graph.gradients.size, c.inputs.length, 'every input got a gradient');
      assert.ok(largest > 1e-3, `the gradient is not trivially zero (largest ${largest})`);
      assert.ok(
        worst < TOLERANCE,
        `analytic and finite-difference gradients differ by ${worst.toExponential(2)} (relative)`,
      );
    });
  }

  it('a whole BERT encoder layer as exported at opset 11 (Hugging Face style)', async () => {
    const { graph, worst, largest } = await checkGradient(BERT_LAYER_OPSET_11);
    assert.deepEqual(graph.unsupported, []);
    assert.ok(largest > 1e-3);
    assert.ok(worst < TOLERANCE, `differs by ${worst.toExponential(2)}`);
  });

  it('covers every rule in the registry', () => {
    const covered = new Set(Object.values(CASES).flatMap((c) => c.nodes.map((node) => node.op)));
    assert.deepEqual(
      Object.keys(GRADIENT_RULES).filter((op) => !covered.has(op)),
      [],
    );
  });

  it('reports an op without a rule by name, and still differentiates what does not pass through it', async () => {
    const { graph, worst } = await checkGradient({
      inputs: [X(['B', 'S']), Y(['B', 'S'])],
      nodes: [n('Sin', ['x'], undefined, ['s']), n('Tanh', ['y'], undefined, ['t']), n('Add', ['s', 't'])],
      output: 'out',
      outputRank: 2,
    });
    assert.deepEqual(graph.unsupported, ['Sin (no gradient rule)']);
    assert.match(graph.unavailable.get('x') ?? '', /Sin/);
    assert.ok(graph.gradients.has('y'));
    assert.ok(worst < TOLERANCE);
  });

  it('conservative LRP: LayerNormalization with σ held constant equals the decomposed LayerNorm with σ detached', async () => {
    const fused = await checkGradient({
      ...CASES['LayerNormalization (opset 17)'],
      options: { constantLayerNormScale: true },
    });
    const decomposed = await checkGradient({
      inputs: [X(['B', 'S', 5]), Y([5])],
      constants: [
        { name: 'beta', dims: [5], values: [0.1, 0, -0.1, 0.2, 0] },
        { name: 'eps', dims: [], values: [1e-5] },
      ],
      nodes: [
        n('ReduceMean', ['x'], { axes: [-1] }, ['mu']),
        n('Sub', ['x', 'mu'], undefined, ['d']),
        n('Mul', ['d', 'd'], undefined, ['d2']),
        n('ReduceMean', ['d2'], { axes: [-1] }, ['var']),
        n('Add', ['var', 'eps'], undefined, ['ve']),
        n('Sqrt', ['ve'], undefined, ['sd']),
        n('Div', ['d', 'sd'], undefined, ['xhat']),
        n('Mul', ['xhat', 'y'], undefined, ['scaled']),
        n('Add', ['scaled', 'beta']),
      ],
      output: 'out',
      outputRank: 3,
      options: { detach: ['sd'] },
    });
    const a = fused.values.x;
    const b = decomposed.values.x;
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4, `element ${i}: ${a[i]} vs ${b[i]}`);
    // Holding σ constant really changes the gradient: it no longer matches the finite differences of the true function.
    assert.ok(fused.worst > 10 * TOLERANCE);
  });
});
