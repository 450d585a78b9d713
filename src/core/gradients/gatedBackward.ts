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

/**
 * Moves each backward pass into an If on a boolean input of its own. One session then serves every kind of run with
 * one copy of the weights: with the flags off it does the forward pass alone (measured as fast as a forward-only
 * session; onnxruntime runs every node of a graph whatever is fetched, so an ungated backward would cost every
 * erasure run), with one flag on it adds that backward pass. A pass's outputs are empty tensors while it is off.
 */
export function gateBackward(model: ModelProto, passes: BackwardPass[]): void {
  const graph = model.graph!;
  for (const { prefix, flag } of passes) {
    const inPass = (n: NodeProto) => n.name.startsWith(`${prefix}/`);
    const nodes = graph.node.filter(inPass);
    if (nodes.length === 0) continue;
    const produced = new Set(nodes.flatMap((n) => n.output));
    const outputs = graph.output.filter((o) => produced.has(o.name)).map((o) => o.name);
    const then = create(GraphProtoSchema, { name: `${prefix}/run`, node: nodes, output: outputs.map(floatOutput) });
    const skip = create(GraphProtoSchema, {
      name: `${prefix}/skip`,
      node: outputs.map((o) => create(NodeProtoSchema, {
        opType: 'Constant', name: `${prefix}/skip_${o}`, output: [`${o}__skipped`],
        attribute: [create(AttributeProtoSchema, {
          name: 'value', type: AttributeProto_AttributeType.TENSOR,
          t: create(TensorProtoSchema, { name: `${o}__skipped`, dataType: TensorProto_DataType.FLOAT, dims: [0n] }),
        })],
      })),
      output: outputs.map((o) => floatOutput(`${o}__skipped`)),
    });
    graph.node = [
      ...graph.node.filter((n) => !inPass(n)),
      create(NodeProtoSchema, { opType: 'If', name: `${prefix}/gate`, input: [flag], output: outputs, attribute: [graphAttribute('then_branch', then), graphAttribute('else_branch', skip)] }),
    ];
    graph.input.push(create(ValueInfoProtoSchema, { name: flag, type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.BOOL, shape: { dim: [] } } } } }));
  }
}
