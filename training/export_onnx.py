"""Export a trained model to ONNX and check the export contract (models/README.md) on onnxruntime-node."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

from polarity_models import pad_batch

OPSET = 17
# Ops a gradient builder can differentiate one by one, plus the non-differentiable shape plumbing around them.
ALLOWED_OPS = {
    'Add', 'Sub', 'Mul', 'Div', 'MatMul', 'Gemm', 'Softmax', 'Tanh', 'Sigmoid', 'Relu', 'Erf', 'Sqrt', 'Pow',
    'Gather', 'LayerNormalization', 'Conv', 'Reshape', 'Transpose', 'Concat', 'Slice', 'Split', 'Squeeze',
    'Unsqueeze', 'ReduceSum', 'ReduceMean', 'Cast', 'Where', 'Expand', 'Identity', 'Neg',
    'Shape', 'Constant', 'ConstantOfShape', 'Range', 'Equal', 'Not',
}
FORBIDDEN_OPS = {'LSTM', 'GRU', 'RNN', 'Scan', 'Loop', 'If'}
NODE = os.environ.get('NODE', 'node')
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ort_run(model_path, runs):
    """Runs each feed dict (name -> numpy array) through onnxruntime-node; returns a list of name -> numpy array."""
    wire = []
    for feeds in runs:
        wire.append({k: {'type': 'int64' if v.dtype == np.int64 else 'float32', 'dims': list(v.shape),
                         'data': v.reshape(-1).tolist()} for k, v in feeds.items()})
    proc = subprocess.run([NODE, '--import', 'tsx', os.path.join(REPO, 'training', 'ort-run.ts')], cwd=REPO,
                          input=json.dumps({'model': model_path, 'runs': wire}), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError('onnxruntime-node failed: ' + proc.stderr)
    return [{k: np.array(v['data'], dtype=np.float64).reshape(v['dims']) for k, v in r.items()}
            for r in json.loads(proc.stdout)]


def embedding_gather(graph):
    """The Gather that looks up the word-embedding table: its data input is the largest 2-D initializer and its
    indices come from input_ids."""
    inits = {i.name: i for i in graph.initializer}
    for node in graph.node:
        if node.op_type == 'Gather' and node.input[0] in inits and node.input[1] == 'input_ids':
            return node
    raise RuntimeError('no Gather on input_ids found: cannot name the word embedding tensor')


def rename_tensor(graph, old, new):
    for node in graph.node:
        node.input[:] = [new if x == old else x for x in node.input]
        node.output[:] = [new if x == old else x for x in node.output]


def constants_to_initializers(graph):
    """Moves Constant nodes into initializers: the unrolled LSTM has one per slice bound, and every node costs time
    when onnxruntime builds a session."""
    kept = []
    for node in graph.node:
        if node.op_type == 'Constant' and len(node.attribute) == 1 and node.attribute[0].name == 'value':
            tensor = onnx.TensorProto()
            tensor.CopyFrom(node.attribute[0].t)
            tensor.name = node.output[0]
            graph.initializer.append(tensor)
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)


def check_ops(model):
    ops = {n.op_type for n in model.graph.node}
    domains = {n.domain for n in model.graph.node} - {'', 'ai.onnx'}
    bad = (ops & FORBIDDEN_OPS) | (ops - ALLOWED_OPS)
    if bad or domains:
        raise RuntimeError(f'export uses ops outside the contract: {sorted(bad)} domains {sorted(domains)}')
    return sorted(ops)


def with_embedding_scale(model_path, out_path):
    """A copy of the model with an extra input `embedding_scale` [batch, seq] multiplied into `word_embeddings`:
    how the engine realises the zero-embedding erasure on any model (scale 0 at the erased positions)."""
    model = onnx.load(model_path)
    g = model.graph
    producer = next(n for n in g.node if 'word_embeddings' in n.output)
    producer.output[:] = ['word_embeddings_raw' if x == 'word_embeddings' else x for x in producer.output]
    g.input.append(helper.make_tensor_value_info('embedding_scale', TensorProto.FLOAT, ['batch', 'seq']))
    g.initializer.append(helper.make_tensor('embedding_scale_axis', TensorProto.INT64, [1], [-1]))
    g.node.extend([
        helper.make_node('Unsqueeze', ['embedding_scale', 'embedding_scale_axis'], ['embedding_scale_3d']),
        helper.make_node('Mul', ['word_embeddings_raw', 'embedding_scale_3d'], ['word_embeddings']),
    ])
    onnx.save(model, out_path)


def sample_batch(data, spec, count=8):
    seqs = data['splits']['dev'][spec['tokenizer']]
    picked = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    # Short, medium and long dev inputs, so padding differs a lot within the batch.
    picked = [picked[int(k * (len(picked) - 1) / (count - 1))] for k in range(count)]
    return [seqs[i] for i in picked]


def np_pad(seqs):
    """pad_batch as numpy int64 arrays, the dtype the onnxruntime runner expects."""
    return tuple(t.numpy() for t in pad_batch(seqs))


def torch_outputs(model, ids, mask, scale=None):
    with torch.no_grad():
        t_ids, t_mask = torch.from_numpy(ids), torch.from_numpy(mask)
        e = model.embed(t_ids)
        if scale is not None:
            e = e * torch.from_numpy(scale).unsqueeze(-1)
        return [o.numpy().astype(np.float64) for o in model.forward_embedded(e, t_ids, t_mask)]


def max_diff(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())


def export_and_check(model, spec, data, out_dir, attention_outputs, build_dir):
    model.eval()
    if hasattr(model, 'unrolled'):
        model.unrolled = True
    path = os.path.join(out_dir, 'model.onnx')
    ids, mask = np_pad(sample_batch(data, spec, 3))
    dyn = {'input_ids': {0: 'batch', 1: 'seq'}, 'attention_mask': {0: 'batch', 1: 'seq'}, 'logits': {0: 'batch'}}
    for name in attention_outputs:
        dyn[name] = {0: 'batch', 1: 'seq'} if spec['arch'] != 'transformer' else {0: 'batch', 2: 'seq', 3: 'seq'}
    torch.onnx.export(model, (torch.from_numpy(ids), torch.from_numpy(mask)), path, opset_version=OPSET,
                      input_names=['input_ids', 'attention_mask'], output_names=['logits'] + attention_outputs,
                      dynamic_axes=dyn, do_constant_folding=True)
    onnx_model = onnx.load(path)
    gather = embedding_gather(onnx_model.graph)
    rename_tensor(onnx_model.graph, gather.output[0], 'word_embeddings')
    constants_to_initializers(onnx_model.graph)
    onnx_model.producer_name = 'polarity-lens training/train.py'
    onnx.checker.check_model(onnx_model)
    ops = check_ops(onnx_model)
    onnx.save(onnx_model, path)

    checks = {'ops': ops, 'nodes': len(onnx_model.graph.node)}
    seqs = sample_batch(data, spec)
    ids, mask = np_pad(seqs)
    alone = [np_pad([s]) for s in seqs]
    # Erase position 1 (a real token in every sample) by the attention mask; run the zero-embedding copy too.
    att_mask = mask.copy()
    att_mask[:, 1] = 0
    scale = np.ones(ids.shape, dtype=np.float32)
    scale[:, 1] = 0.0
    runs = [{'input_ids': ids, 'attention_mask': mask}, {'input_ids': ids, 'attention_mask': att_mask}]
    runs += [{'input_ids': i, 'attention_mask': m} for i, m in alone]
    results = ort_run(path, runs)
    torch_full = torch_outputs(model, ids, mask)
    checks['onnx_vs_torch_max_abs_logit_diff'] = max_diff(results[0]['logits'], torch_full[0])
    pad_diff = max(max_diff(r['logits'][0], results[0]['logits'][i]) for i, r in enumerate(results[2:]))
    checks['padding_max_abs_logit_diff'] = pad_diff
    if pad_diff > 1e-5:
        raise RuntimeError(f'padding changes the logits by {pad_diff}')
    if checks['onnx_vs_torch_max_abs_logit_diff'] > 1e-4:
        raise RuntimeError('onnx and torch disagree: ' + str(checks['onnx_vs_torch_max_abs_logit_diff']))
    checks['attention_mask_erasure_vs_torch'] = max_diff(results[1]['logits'], torch_outputs(model, ids, att_mask)[0])
    checks['attention_mask_erasure_changes_logits'] = max_diff(results[1]['logits'], results[0]['logits'])
    with tempfile.TemporaryDirectory() as tmp:
        scaled_path = os.path.join(tmp, 'scaled.onnx')
        with_embedding_scale(path, scaled_path)
        zeroed = ort_run(scaled_path, [{'input_ids': ids, 'attention_mask': mask, 'embedding_scale': scale}])[0]
    checks['zero_embedding_erasure_vs_torch'] = max_diff(zeroed['logits'], torch_outputs(model, ids, mask, scale)[0])
    checks['zero_embedding_erasure_changes_logits'] = max_diff(zeroed['logits'], results[0]['logits'])
    for key in ('attention_mask_erasure_vs_torch', 'zero_embedding_erasure_vs_torch'):
        if checks[key] > 1e-4:
            raise RuntimeError(f'{key}: {checks[key]}')
    for key in ('attention_mask_erasure_changes_logits', 'zero_embedding_erasure_changes_logits'):
        if checks[key] < 1e-6:
            raise RuntimeError(f'{key}: erasing a token changed nothing')
    if hasattr(model, 'unrolled'):
        model.unrolled = False  # the packed nn.LSTM and the unrolled export must agree
        checks['unrolled_vs_packed_lstm'] = max_diff(torch_outputs(model, ids, mask)[0], torch_full[0])
        model.unrolled = True
        if checks['unrolled_vs_packed_lstm'] > 1e-4:
            raise RuntimeError('unrolled LSTM differs from nn.LSTM')
    print(json.dumps(checks), file=sys.stderr)
    return checks
