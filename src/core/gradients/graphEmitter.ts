/**
 * Appends nodes and constants to an ONNX graph under fresh names. The opset-aware helpers hide the one real
 * difference between the opsets Hugging Face exports use (11–17): reduction, Squeeze/Unsqueeze and Split axes moved
 * from attributes to inputs at opset 13 (ReduceMean at 18).
 */
import { create } from '@bufbuild/protobuf';
import {
  AttributeProto,
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProto,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
} from 'onnx-buf';
import { floatInitializer } from '../model/onnxGraph';

export type AttributeValue = number | number[] | string | { float: number };

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'string') {
    return create(AttributeProtoSchema, {
      name,
      type: AttributeProto_AttributeType.STRING,
      s: new TextEncoder().encode(value),
    });
  }
  if (typeof value === 'number')
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) });
  if (Array.isArray(value))
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map(BigInt) });
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value.float });
}

export class GraphEmitter {
  private counter = 0;
  private readonly constants = new Map<string, string>();
  private readonly shapes = new Map<string, string>();
  private readonly transposes = new Map<string, string>();

  constructor(
    readonly graph: GraphProto,
    readonly opset: number,
    private readonly prefix = 'polarity_lens_grad',
  ) {}

  fresh(hint = 't'): string {
    return `${this.prefix}/${hint}_${this.counter++}`;
  }

  /** Appends one node; returns its output names. */
  node(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    outputs = 1,
    domain = '',
  ): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType));
    this.graph.node.push(
      create(NodeProtoSchema, {
        opType,
        domain,
        name: this.fresh(`node_${opType}`),
        input: inputs,
        output: names,
        attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
      }),
    );
    return names;
  }

  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, attributes)[0];
  }

  /** A float32 constant (scalar when `dims` is empty), shared between uses. */
  float(values: number | number[], dims: number[] = []): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(`f${dims.join('x')}:${list.join(',')}`, () => ({
      dataType: TensorProto_DataType.FLOAT,
      floatData: list,
      dims,
    }));
  }

  int64(values: number | number[], dims?: number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    const shape = dims ?? (typeof values === 'number' ? [] : [list.length]);
    return this.constant(`i${shape.join('x')}:${list.join(',')}`, () => ({
      dataType: TensorProto_DataType.INT64,
      int64Data: list.map(BigInt),
      dims: shape,
    }));
  }

  private constant(
    key: string,
    make: () => { dataType: TensorProto_DataType; dims: number[]; floatData?: number[]; int64Data?: bigint[] },
  ): string {
    let name = this.constants.get(key);
    if (!name) {
      name = this.fresh('const');
      const { dims, ...rest } = make();
      this.graph.initializer.push(create(TensorProtoSchema, { name, dims: dims.map(BigInt), ...rest }));
      this.constants.set(key, name);
    }
    return name;
  }

  /**
   * A private copy of an initializer (other tensors are returned as they are). onnxruntime's graph optimiser
   * rewrites some initializers in place for the node it fuses (e.g. a Conv's weights), which would corrupt
   * another node reading the same initializer.
   */
  privateCopy(tensor: string): string {
    const init = this.graph.initializer.find((t) => t.name === tensor);
    if (!init) return tensor;
    const name = this.fresh('copy');
    this.graph.initializer.push(create(TensorProtoSchema, { ...init, name }));
    return name;
  }

  /**
   * For a constant Conv kernel W [M, C/g, k…], the kernel of its input gradient as a plain Conv: W' [C, M/g, k…]
   * with W'[g·C/g + c, m, j…] = W[g·M/g + m, c, k−1−j…]. Undefined when W is not a float32 initializer.
   */
  flippedKernel(w: string, group: number): string | undefined {
    const kernel = floatInitializer(this.graph, w);
    if (!kernel || kernel.dims.length < 3) return undefined;
    const [outChannels, inPerGroup, ...spatial] = kernel.dims;
    const size = spatial.reduce((a, b) => a * b, 1);
    const outPerGroup = outChannels / group;
    const flipped = new Float32Array(kernel.data.length);
    for (let gr = 0; gr < group; gr++) {
      for (let m = 0; m < outPerGroup; m++) {
        for (let c = 0; c < inPerGroup; c++) {
          const from = ((gr * outPerGroup + m) * inPerGroup + c) * size;
          const to = ((gr * inPerGroup + c) * outPerGroup + m) * size;
          // Reversing the flattened spatial block reverses every spatial axis at once.
          for (let j = 0; j < size; j++) flipped[to + j] = kernel.data[from + size - 1 - j];
        }
      }
    }
    const name = this.fresh('flipped_kernel');
    this.graph.initializer.push(
      create(TensorProtoSchema, {
        name,
        dataType: TensorProto_DataType.FLOAT,
        dims: [inPerGroup * group, outPerGroup, ...spatial].map(BigInt),
        floatData: Array.from(flipped),
      }),
    );
    return name;
  }

  /** Shape(x), emitted once per tensor. */
  shapeOf(x: string): string {
    let s = this.shapes.get(x);
    if (!s) {
      s = this.op('Shape', [x]);
      this.shapes.set(x, s);
    }
    return s;
  }

  /** The size of x along one axis, as an int64 tensor of shape [1]. */
  dimOf(x: string, axis: number): string {
    return this.op('Gather', [this.shapeOf(x), this.int64([axis])], { axis: 0 });
  }

  reduceSum(x: string, axes: number[], keepdims: boolean): string {
    if (axes.length === 0) return x;
    return this.opset >= 13
      ? this.op('ReduceSum', [x, this.int64(axes)], { keepdims: keepdims ? 1 : 0 })
      : this.op('ReduceSum', [x], { axes, keepdims: keepdims ? 1 : 0 });
  }

  reduceMean(x: string, axes: number[], keepdims: boolean): string {
    return this.opset >= 18
      ? this.op('ReduceMean', [x, this.int64(axes)], { keepdims: keepdims ? 1 : 0 })
      : this.op('ReduceMean', [x], { axes, keepdims: keepdims ? 1 : 0 });
  }

  squeeze(x: string, axes: number[]): string {
    if (axes.length === 0) return x;
    return this.opset >= 13 ? this.op('Squeeze', [x, this.int64(axes)]) : this.op('Squeeze', [x], { axes });
  }

  unsqueeze(x: string, axes: number[]): string {
    if (axes.length === 0) return x;
    return this.opset >= 13 ? this.op('Unsqueeze', [x, this.int64(axes)]) : this.op('Unsqueeze', [x], { axes });
  }

  /** x reshaped to the (runtime) shape of `like`. */
  reshapeLike(x: string, like: string): string {
    return this.op('Reshape', [x, this.shapeOf(like)]);
  }

  /** Zeros of the (runtime) shape of `like`, float32. */
  zerosLike(like: string): string {
    return this.op('ConstantOfShape', [this.shapeOf(like)]);
  }

  /** Transpose(x, perm), emitted once per tensor and permutation (an RNN reuses one weight matrix at every step). */
  transpose(x: string, perm: number[]): string {
    if (perm.every((p, i) => p === i)) return x;
    const key = `${x}|${perm.join(',')}`;
    let t = this.transposes.get(key);
    if (!t) {
      t = this.op('Transpose', [x], { perm });
      this.transposes.set(key, t);
    }
    return t;
  }

  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }

  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }

  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }

  neg(a: string): string {
    return this.op('Neg', [a]);
  }
}
