import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType, AttributeProtoSchema, GraphProto, GraphProtoSchema, ModelProto, NodeProto, NodeProtoSchema, TensorProto_DataType,
  TensorProtoSchema, ValueInfoProtoSchema,
} from 'onnx-buf';

/** A backward pass in the graph: its nodes' names start with `${prefix}/`; `flag` is the boolean input that runs it. */
export interface BackwardPass {
  prefix: string;
  flag: string;
}

const floatOutput = (name: string) => create(ValueInfoProtoSchema, { name, type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT } } } });

const graphAttribute = (name: string, g: GraphProto) => create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.GRAPH, g });

/** An empty float tensor standing for an output a branch does not compute. */
const emptyTensor = (name: string, branch: string) => create(NodeProtoSchema, {
  opType: 'Constant', name: `${branch}/none_${name}`, output: [name],
  attribute: [create(AttributeProtoSchema, {
    name: 'value', type: AttributeProto_AttributeType.TENSOR, t: create(TensorProtoSchema, { name, dataType: TensorProto_DataType.FLOAT, dims: [0n] }),
  })],
});

/**
 * Splits a graph holding the forward pass and several backward passes into branches of nested Ifs, one boolean
 * input per pass: with every flag off the forward pass runs alone, with one flag on the forward pass and that
 * backward pass. Each branch holds its own copy of the forward nodes (nodes only: the weights stay in the outer
 * graph, read by every branch). Why not the forward nodes outside and only the backward passes inside: an If keeps
 * every tensor its branches read alive until it runs, so a forward-only run would hold all the activations a backward
 * pass needs (measured: +500 MB over 300 LIME samples on a DistilBERT-base-sized model). Why not separate graphs:
 * one session per graph, each with its own copy of the weights.
 */
export function gateBackward(model: ModelProto, passes: BackwardPass[]): void {
  const graph = model.graph!;
  const inPass = (p: BackwardPass) => (n: NodeProto) => n.name.startsWith(`${p.prefix}/`);
  const forward = graph.node.filter((n) => !passes.some((p) => inPass(p)(n)));
  const outputs = graph.output.map((o) => o.name);
  const branch = (name: string, nodes: NodeProto[]): GraphProto => {
    const produced = new Set(nodes.flatMap((n) => n.output));
    const missing = outputs.filter((o) => !produced.has(o));
    // A branch's outputs need names of its own; an Identity renames each computed output.
    const renamed = outputs.map((o) => `${name}/out_${o}`);
    return create(GraphProtoSchema, {
      name,
      node: [
        ...nodes,
        ...missing.map((o) => emptyTensor(`${name}/out_${o}`, name)),
        ...outputs.filter((o) => produced.has(o)).map((o) => create(NodeProtoSchema, { opType: 'Identity', name: `${name}/output_${o}`, input: [o], output: [`${name}/out_${o}`] })),
      ],
      output: renamed.map(floatOutput),
    });
  };
  // Innermost first: forward only; each pass wraps it as `flag ? forward + pass : (what is inside)`.
  let otherwise = branch('forward_only', forward);
  let gate: NodeProto | undefined;
  for (const [i, pass] of [...passes].reverse().entries()) {
    const name = `${pass.prefix}/gate`;
    const result = i === passes.length - 1 ? outputs : outputs.map((o) => `${name}/out_${o}`);
    gate = create(NodeProtoSchema, {
      opType: 'If', name, input: [pass.flag], output: result,
      attribute: [graphAttribute('then_branch', branch(`${pass.prefix}/run`, [...forward, ...graph.node.filter(inPass(pass))])), graphAttribute('else_branch', otherwise)],
    });
    otherwise = create(GraphProtoSchema, { name: `${pass.prefix}/skip`, node: [gate], output: result.map(floatOutput) });
  }
  if (!gate) return;
  graph.node = [gate];
  for (const pass of passes) {
    graph.input.push(create(ValueInfoProtoSchema, { name: pass.flag, type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.BOOL, shape: { dim: [] } } } } }));
  }
}
