"""Builds the offline model zoo (training/zoo/README.md): for every training/zoo/arch_*.py, a tiny randomly initialised
Hugging Face-style text classifier, exported to ONNX the way the HF/optimum exporters do, checked on
onnxruntime-node, with config.json, tokenizer files and a float64 PyTorch reference.json.

Usage: build_zoo.py [--only NAME ...] [--size tiny|base] [--out DIR] [--data DIR] [--reference] [--keep-going]
  --only        fixture names (bert, bert-hub, ...) or architecture names; default: everything
  --size base   real base dimensions for benchmarks: needs --out, writes no reference.json unless --reference,
                builds one fixture per architecture unless --only; never commit these
  --keep-going  build the other fixtures when one fails (the failed one's folder is removed; exit status 1)
"""
import argparse
import base64
import copy
import glob
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

ZOO = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(ZOO)
REPO = os.path.dirname(TRAINING)
sys.path[:0] = [ZOO, TRAINING]

from export_onnx import ort_run  # noqa: E402  (training/export_onnx.py: onnxruntime-node through ort-run.ts)
from fixtures import floats, tensor  # noqa: E402  (training/fixtures.py: the reference fixtures' encodings)

NODE = os.environ.get('NODE', 'node')
TOKENIZER_CACHE = os.path.join(ZOO, 'build', 'tokenizers')
DEFAULT_OUT = os.path.join(REPO, 'test', 'fixtures', 'zoo')
FLAVOURS = ['bert', 'roberta', 'gpt2', 'modernbert', 'xlmr', 'albert', 'deberta-v3']
FLAVOUR_KIND = {'bert': 'wordpiece', 'roberta': 'bpe', 'gpt2': 'bpe', 'modernbert': 'bpe', 'xlmr': 'unigram',
                'albert': 'unigram', 'deberta-v3': 'unigram'}
FLAVOUR_BY_MODEL_TYPE = {'roberta': 'roberta', 'xlm-roberta': 'xlmr', 'albert': 'albert', 'gpt2': 'gpt2',
                         'deberta-v2': 'deberta-v3', 'deberta': 'deberta-v3', 'modernbert': 'modernbert'}
FLAVOUR_BY_KIND = {'wordpiece': 'bert', 'bpe': 'roberta', 'unigram': 'xlmr'}
# Real configs of these families carry bos/eos ids; the driver adds them from the tokenizer when make() did not.
BOS_EOS_FLAVOURS = {'roberta', 'xlmr', 'albert', 'gpt2', 'modernbert'}
OPSET = 14
OPSET17_COPIES = ('bert', 'roberta')
SAMPLES = 4
MAX_TOKENS = 16
IG_STEPS = 20
CALIBRATION_ROWS = 64
CALIBRATION_STD = 1.5
CALIBRATION_MAX_GAIN = 20.0
TOL_ONNX_VS_TORCH = 1e-4
TOL_ALONE_VS_BATCH = 1e-5
TOL_QUANTIZED = 0.5   # tiny random models are touchier than trained ones: see README
TOL_QUANT_SIM = 1e-4
MULTILABEL_NAMES = ['joy', 'anger', 'fear']


@dataclass
class Fixture:
    name: str
    arch: object
    opset: int = OPSET
    num_labels: int = 2
    problem_type: str = None
    labels: list = None
    head: str = 'softmax'          # softmax | sigmoid | multi-label | regression
    layout: str = 'optimum'        # optimum | hub | external
    model_key: str = ''            # fixtures with the same key share one model (same weights)
    checks: list = field(default_factory=list)
    note: str = ''


# ---------------------------------------------------------------------------------------------------------------
# Architectures and tokenizers

def load_archs():
    mods = []
    for path in sorted(glob.glob(os.path.join(ZOO, 'arch_*.py'))):
        mod = importlib.import_module(os.path.basename(path)[:-3])
        for attr in ('NAME', 'MODEL_TYPE', 'ARCHITECTURES', 'TOKENIZER', 'USES_TOKEN_TYPE_IDS', 'make'):
            if not hasattr(mod, attr):
                raise RuntimeError(f'{path}: missing {attr} (see training/zoo/README.md, "Architecture modules")')
        mods.append(mod)
    names = [m.NAME for m in mods]
    if len(set(names)) != len(names):
        raise RuntimeError(f'two architecture modules share a NAME: {names}')
    return mods


def flavour_of(mod):
    flavour = getattr(mod, 'TOKENIZER_STYLE', None) or FLAVOUR_BY_MODEL_TYPE.get(mod.MODEL_TYPE) or FLAVOUR_BY_KIND[mod.TOKENIZER]
    if FLAVOUR_KIND[flavour] != mod.TOKENIZER:
        raise RuntimeError(f'{mod.NAME}: tokenizer style {flavour} is {FLAVOUR_KIND[flavour]}, module says {mod.TOKENIZER}')
    return flavour


def pooling_of(mod):
    pooling = getattr(mod, 'POOLING', None)
    if pooling is None:
        pooling = 'last-non-pad' if mod.MODEL_TYPE == 'gpt2' else 'mean' if 'sentence' in mod.__name__ else 'first'
    if pooling not in ('first', 'mean', 'last-non-pad'):
        raise RuntimeError(f'{mod.NAME}: POOLING must be first, mean or last-non-pad, not {pooling!r}')
    return pooling


def ensure_tokenizers(data_dir):
    missing = [f for f in FLAVOURS if not (os.path.exists(os.path.join(TOKENIZER_CACHE, f + '.json'))
                                           and os.path.exists(os.path.join(TOKENIZER_CACHE, f + '.hf.json')))]
    if missing:
        log(f'building tokenizers: {", ".join(missing)}')
        run_tsx('build-tokenizers.ts', [os.path.join(data_dir, 'sst2', 'train.csv'), TOKENIZER_CACHE, *missing])
    return {f: json.load(open(os.path.join(TOKENIZER_CACHE, f + '.hf.json'))) for f in FLAVOURS}


def run_tsx(script, args, stdin=None):
    proc = subprocess.run([NODE, '--import', 'tsx', os.path.join(ZOO, script), *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, env={**os.environ, 'ORT_DISABLE_TELEMETRY': '1'})
    if proc.returncode != 0:
        raise RuntimeError(f'{script} failed:\n{proc.stderr}')
    if proc.stderr.strip():
        log(proc.stderr.strip())
    return proc.stdout


def encode(flavour, texts):
    out = run_tsx('encode.ts', [], json.dumps({'tokenizer': os.path.join(TOKENIZER_CACHE, flavour + '.json'), 'texts': texts}))
    return json.loads(out)


def read_texts(path, n):
    import csv
    with open(path, newline='', encoding='utf-8') as f:
        return [row['text'] for _, row in zip(range(n), csv.DictReader(f))]


def pick_samples(data_dir):
    """The first SAMPLES rows of SST-2 test (file order) that every tokenizer style turns into at most MAX_TOKENS
    tokens, special tokens included: the same sentences for every fixture."""
    texts = read_texts(os.path.join(data_dir, 'sst2', 'test.csv'), 80)
    lengths = [[len(e['input_ids']) for e in encode(f, texts)] for f in FLAVOURS]
    rows = [i for i in range(len(texts)) if max(ls[i] for ls in lengths) <= MAX_TOKENS][:SAMPLES]
    if len(rows) < SAMPLES:
        raise RuntimeError('not enough short test sentences')
    return rows, [texts[i] for i in rows]


# ---------------------------------------------------------------------------------------------------------------
# Models

def tensors_for(encodings, pad_id, use_types, dtype=torch.long):
    """A right-padded batch, as a tokenizer with padding=True gives it."""
    width = max(len(e['input_ids']) for e in encodings)
    ids = torch.full((len(encodings), width), pad_id, dtype=dtype)
    mask = torch.zeros((len(encodings), width), dtype=dtype)
    types = torch.zeros((len(encodings), width), dtype=dtype)
    for i, e in enumerate(encodings):
        n = len(e['input_ids'])
        ids[i, :n] = torch.tensor(e['input_ids'])
        mask[i, :n] = 1
        types[i, :n] = torch.tensor(e['token_type_ids'])
    return (ids, mask, types) if use_types else (ids, mask)


def classifier_of(model, num_labels):
    heads = [m for m in model.modules() if isinstance(m, nn.Linear) and m.out_features == num_labels]
    if not heads:
        raise RuntimeError('no Linear with out_features == num_labels to calibrate')
    return heads[-1]


def calibrate_head(model, fixture, encodings, pad_id):
    """Random models give every sentence about the same logits. Re-centre each logit on CALIBRATION_ROWS train
    sentences and scale its spread to CALIBRATION_STD: z' = a (z - mean), i.e. W' = a W, b' = a (b - mean), with
    a ≤ CALIBRATION_MAX_GAIN. A head without bias (GPT-2's score) is only scaled."""
    linear = classifier_of(model, fixture.num_labels)
    use_types = fixture.arch.USES_TOKEN_TYPE_IDS
    with torch.no_grad():
        z = torch.cat([model(*tensors_for([e], pad_id, use_types)) for e in encodings]).double()
        mean = z.mean(0)
        a = CALIBRATION_STD / float((z - mean).pow(2).mean().sqrt())
        if a > CALIBRATION_MAX_GAIN:
            log(f'WARNING {fixture.name}: the logits barely depend on the input (spread {CALIBRATION_STD / a:.2g}); '
                f'the head is scaled by {CALIBRATION_MAX_GAIN} only, since a larger gain would amplify float32 '
                f'rounding past the export tolerance. Initialise the model with larger weights (README).')
            a = CALIBRATION_MAX_GAIN
        linear.weight.mul_(a)
        if linear.bias is not None:
            linear.bias.copy_((a * (linear.bias.double() - mean)).float())
    log(f'{fixture.name}: classifier calibrated: logits re-centred, spread scaled by {a:.3g}')


def build_model(fixture, hf, calibration, size):
    mod = fixture.arch
    torch.manual_seed(0)
    model, cfg = mod.make(hf['vocab_size'], hf['pad_token_id'], fixture.num_labels, fixture.problem_type, size)
    model = model.eval()
    cfg = dict(cfg)
    if fixture.labels:
        cfg['id2label'] = {str(i): n for i, n in enumerate(fixture.labels)}
        cfg['label2id'] = {n: i for i, n in enumerate(fixture.labels)}
    flavour = flavour_of(mod)
    for key in ('bos_token_id', 'eos_token_id'):
        if flavour in BOS_EOS_FLAVOURS and key not in cfg and key in hf['special_ids']:
            cfg[key] = hf['special_ids'][key]
    if size == 'tiny' and getattr(mod, 'CALIBRATE_HEAD', True):
        calibrate_head(model, fixture, calibration, hf['pad_token_id'])
    return model, dict(sorted(cfg.items()))


# ---------------------------------------------------------------------------------------------------------------
# Export

def input_names(mod):
    return ['input_ids', 'attention_mask'] + (['token_type_ids'] if mod.USES_TOKEN_TYPE_IDS else [])


def export(model, mod, dummy, path, opset):
    """torch.onnx.export as the HF/optimum exporters call it: named inputs, `logits` only, dynamic batch and
    sequence axes, constant folding."""
    names = input_names(mod)
    axes = {n: {0: 'batch_size', 1: 'sequence_length'} for n in names}
    axes['logits'] = {0: 'batch_size'}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(model, tuple(dummy), path, input_names=names, output_names=['logits'], dynamic_axes=axes,
                          do_constant_folding=True, opset_version=opset, export_params=True)
    proto = onnx.load(path)
    onnx.checker.check_model(proto)
    got = [i.name for i in proto.graph.input]
    if got != names or [o.name for o in proto.graph.output] != ['logits']:
        raise RuntimeError(f'{path}: inputs {got}, outputs {[o.name for o in proto.graph.output]}; expected {names} -> logits')
    return proto


def quantize_weight(w):
    """ORT quantize_data for QUInt8 weights: asymmetric per tensor, [min(w, 0), max(w, 0)] -> [0, 255]."""
    rmin, rmax = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
    scale = np.float32((rmax - rmin) / 255.0) if rmax > rmin else np.float32(1.0)
    zero_point = np.uint8(round(-rmin / float(scale)))
    q = np.clip(np.asarray(w / scale).round() + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_dynamic_matmul(proto):
    """What onnxruntime.quantization.quantize_dynamic(model, out, weight_type=QuantType.QUInt8) does to a
    transformer (IntegerOps mode, per tensor, MatMulConstBOnly): every MatMul whose B is an initializer becomes
    DynamicQuantizeLinear(A) -> MatMulInteger(A_q, B_q, A_zp, B_zp) -> Cast(float) -> Mul by A_scale * B_scale, with
    ORT's tensor and node names. Gemm (the pooler and classifier), attention's activation-by-activation MatMuls and
    the embedding Gathers stay float, as in ORT's output. uint8 rather than the int8 default: onnxruntime's u8s8
    kernels saturate 16-bit sums on CPUs without VNNI, so int8 weights would give machine-dependent logits."""
    model = copy.deepcopy(proto)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    uses = {}
    for node in graph.node:
        for x in node.input:
            uses[x] = uses.get(x, 0) + 1
    new_nodes, quantized_inputs, quantized_weights, dropped = [], {}, set(), set()
    for node in graph.node:
        if node.op_type != 'MatMul' or node.input[1] not in inits:
            new_nodes.append(node)
            continue
        a, b = node.input
        if a not in quantized_inputs:
            quantized_inputs[a] = (a + '_quantized', a + '_scale', a + '_zero_point')
            new_nodes.append(helper.make_node('DynamicQuantizeLinear', [a], list(quantized_inputs[a]), a + '_QuantizeLinear'))
        a_q, a_scale, a_zp = quantized_inputs[a]
        b_q, b_scale, b_zp = b + '_quantized', b + '_scale', b + '_zero_point'
        if b not in quantized_weights:
            q, scale, zero_point = quantize_weight(numpy_helper.to_array(inits[b]).astype(np.float32))
            graph.initializer.extend([numpy_helper.from_array(q, b_q),
                                      numpy_helper.from_array(np.array(scale, dtype=np.float32), b_scale),
                                      numpy_helper.from_array(np.array(zero_point, dtype=np.uint8), b_zp)])
            quantized_weights.add(b)
        uses[b] -= 1
        if uses[b] == 0:
            dropped.add(b)
        out = node.output[0]
        name = node.name + '_quant' if node.name else ''
        mm_out = out + '_output_quantized'
        new_nodes.append(helper.make_node('MatMulInteger', [a_q, b_q, a_zp, b_zp], [mm_out], name))
        new_nodes.append(helper.make_node('Cast', [mm_out], [mm_out + '_cast_output'], mm_out + '_cast', to=TensorProto.FLOAT))
        scales_mul = name + '_scales_mul' if name else a_scale + '_' + b_scale + '_mul'
        new_nodes.append(helper.make_node('Mul', [a_scale, b_scale], [scales_mul + ':0'], scales_mul))
        new_nodes.append(helper.make_node('Mul', [mm_out + '_cast_output', scales_mul + ':0'], [out],
                                          name + '_output_scale_mul' if name else ''))
    del graph.node[:]
    graph.node.extend(new_nodes)
    kept = [i for i in graph.initializer if i.name not in dropped]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(o.domain == 'com.microsoft' for o in model.opset_import):
        model.opset_import.extend([helper.make_opsetid('com.microsoft', 1)])
    model.producer_name, model.producer_version = 'onnx.quantize', '0.1.0'
    onnx.checker.check_model(model)
    return model


def fake_quantized(model):
    """The quantized graph's arithmetic in PyTorch: every Linear applied to a 3-D activation (exported as MatMul +
    Add; 2-D ones become Gemm and stay float) sees its input through DynamicQuantizeLinear (uint8, per tensor, scale
    (max(x, 0) - min(x, 0)) / 255, round half to even) and its weight through quantize_weight."""
    sim = copy.deepcopy(model)

    def quantize_activation(module, inputs):
        x = inputs[0]
        if x.dim() < 3:
            return None
        if not getattr(module, 'zoo_weight_quantized', False):
            q, scale, zero_point = quantize_weight(module.weight.detach().numpy().T)
            module.weight.data = torch.from_numpy(((q.astype(np.float32) - float(zero_point)) * scale).T.copy())
            module.zoo_weight_quantized = True
        lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
        scale = torch.tensor((hi - lo) / 255.0, dtype=torch.float32)
        zero_point = torch.clamp(torch.round(-lo / scale), 0, 255)
        q = torch.clamp(torch.round(x / scale) + zero_point, 0, 255)
        return ((q - zero_point) * scale,) + tuple(inputs[1:])

    for module in sim.modules():
        if isinstance(module, nn.Linear):
            module.register_forward_pre_hook(quantize_activation)
    return sim


# ---------------------------------------------------------------------------------------------------------------
# Checks

def feeds_of(tensors, mod):
    return {n: t.numpy().astype(np.int64) for n, t in zip(input_names(mod), tensors)}


def check_export(path, model, fixture, encodings, pad_id, tol=TOL_ONNX_VS_TORCH, batch_tol=TOL_ALONE_VS_BATCH,
                 what='PyTorch float32'):
    """ONNX (onnxruntime-node) vs the PyTorch model on each sample alone (≤ tol), and each sample alone vs the same
    sample inside the right-padded batch, in ONNX and in PyTorch (≤ batch_tol). Returns the ONNX logits (alone)."""
    mod = fixture.arch
    singles = [tensors_for([e], pad_id, mod.USES_TOKEN_TYPE_IDS) for e in encodings]
    batch = tensors_for(encodings, pad_id, mod.USES_TOKEN_TYPE_IDS)
    outs = ort_run(path, [feeds_of(t, mod) for t in singles] + [feeds_of(batch, mod)])
    onnx_single = np.concatenate([o['logits'] for o in outs[:-1]])
    onnx_batch = outs[-1]['logits']
    with torch.no_grad():
        torch_single = torch.cat([model(*t) for t in singles]).double().numpy()
        torch_batch = model(*batch).double().numpy()
    rel = shown(path)
    d_model = float(np.abs(onnx_single - torch_single).max())
    d_batch = float(np.abs(onnx_batch - onnx_single).max())
    d_torch_batch = float(np.abs(torch_batch - torch_single).max())
    if d_model > tol:
        raise RuntimeError(f'{rel}: ONNX vs {what} logits differ by {d_model:.2e} > {tol}')
    if max(d_batch, d_torch_batch) > batch_tol:
        raise RuntimeError(f'{rel}: a sample alone vs inside the padded batch differs by {d_batch:.2e} (ONNX), '
                           f'{d_torch_batch:.2e} (PyTorch) > {batch_tol}')
    fixture.checks.append(f'{rel}: |ONNX - {what}| {d_model:.1e} (≤ {tol:g}); |alone - in padded batch| '
                          f'{d_batch:.1e} ONNX, {d_torch_batch:.1e} PyTorch (≤ {batch_tol:g})')
    log(fixture.checks[-1])
    return onnx_single, torch_single


def attention_tensors(graph):
    """The ONNX tensors that hold the attention probabilities: the first input of each MatMul that is fed, through
    at most a few elementwise or reshaping steps (Identity, Cast, Where, Mul, Reshape), by a Softmax. In graph
    order."""
    producer = {o: n for n in graph.node for o in n.output}
    passthrough = ('Identity', 'Cast', 'Where', 'Mul', 'Dropout', 'Reshape')

    def from_softmax(x, depth):
        node = producer.get(x)
        if node is None or depth > 4:
            return False
        if node.op_type == 'Softmax':
            return True
        return node.op_type in passthrough and any(from_softmax(i, depth + 1) for i in node.input)

    found = []
    for node in graph.node:
        if node.op_type == 'MatMul' and from_softmax(node.input[0], 0):
            found.append(node.input[0])
    return found


def check_attentions(path, fixture, doc, encodings, pad_id):
    """The reference's `attentions` (captured in PyTorch) are the tensors the ONNX graph multiplies with its values:
    same count, same order, same numbers (float32 vs float64, 1e-5) on every sample."""
    proto = onnx.load(path)
    names = attention_tensors(proto.graph)
    if len(names) != len(doc['attention_outputs']):
        raise RuntimeError(f'{path}: {len(names)} softmax -> MatMul attention tensors in the graph, '
                           f'{len(doc["attention_outputs"])} captured')
    proto.graph.output.extend([helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in names])
    tmp = path + '.attentions.onnx'
    onnx.save_model(proto, tmp)
    try:
        mod = fixture.arch
        feeds = [feeds_of(tensors_for([e], pad_id, mod.USES_TOKEN_TYPE_IDS), mod) for e in encodings]
        outs = ort_run(tmp, feeds)
    finally:
        os.remove(tmp)
    worst = 0.0
    for sample, out in zip(doc['samples'], outs):
        for onnx_name, ref_name in zip(names, doc['attention_outputs']):
            ref = sample['attentions'][ref_name]
            expected = np.frombuffer(base64.b64decode(ref['float32_base64']), '<f4').reshape(ref['shape'])
            worst = max(worst, float(np.abs(out[onnx_name].reshape(expected.shape) - expected).max()))
    if worst > TOL_ALONE_VS_BATCH:
        raise RuntimeError(f'{path}: ONNX attention probabilities differ from the reference by {worst:.2e}')
    fixture.checks.append(f'{shown(path)}: its {len(names)} softmax -> MatMul tensors equal the '
                          f'reference attentions ({worst:.1e} ≤ {TOL_ALONE_VS_BATCH:g})')
    log(fixture.checks[-1])


# ---------------------------------------------------------------------------------------------------------------
# Reference (float64 autograd)

def head_objective(kind, logits, target):
    """The scalar whose gradients the reference holds, per head kind (row-wise)."""
    if kind == 'softmax':
        return torch.softmax(logits, -1)[:, target]
    if kind in ('sigmoid', 'multi-label'):
        return torch.sigmoid(logits[:, target])
    if kind == 'regression':
        return logits[:, 0]
    raise ValueError(kind)


def head_quantities(kind, logits):
    if kind == 'softmax':
        return torch.softmax(logits, -1)
    if kind in ('sigmoid', 'multi-label'):
        return torch.sigmoid(logits)
    return logits


def head_target(kind, logits):
    return int(logits.argmax()) if kind in ('softmax', 'multi-label') else 0


def run(model, tensors, e):
    return model(*tensors, word_embeddings_override=e) if len(tensors) == 3 else model(*tensors, None, word_embeddings_override=e)


def sample_reference(model, fixture, text, enc, pad_id):
    mod = fixture.arch
    tensors = tensors_for([enc], pad_id, mod.USES_TOKEN_TYPE_IDS)
    with torch.no_grad():
        model(*tensors)
    e = model.captured['word_embeddings'].detach().clone().requires_grad_(True)
    logits = run(model, tensors, e)
    atts = list(model.captured['attentions'])
    for a in atts:
        a.retain_grad()
    target = head_target(fixture.head, logits[0].detach())
    head_objective(fixture.head, logits, target)[0].backward()
    names = [f'attention_{i}' for i in range(len(atts))]

    # Integrated Gradients, zero word-embedding baseline, midpoint rule, all steps in one batch.
    m = IG_STEPS
    alphas = (torch.arange(m, dtype=e.dtype) + 0.5) / m
    scaled = (alphas[:, None, None] * e.detach()).requires_grad_(True)
    expanded = tuple(t.expand(m, -1) for t in tensors)
    p = head_objective(fixture.head, run(model, expanded, scaled), target)
    (grad,) = torch.autograd.grad(p.sum(), scaled)
    ig = (e.detach()[0] * grad.mean(0)).sum(-1)
    with torch.no_grad():
        p_x = head_objective(fixture.head, run(model, tensors, e.detach()), target)[0]
        p_0 = head_objective(fixture.head, run(model, tensors, torch.zeros_like(e)), target)[0]
    sample = {
        'text': text,
        'input_ids': enc['input_ids'],
        'attention_mask': [1] * len(enc['input_ids']),
    }
    if mod.USES_TOKEN_TYPE_IDS:
        sample['token_type_ids'] = enc['token_type_ids']
    sample.update({
        'tokens': enc['tokens'],
        'logits': floats(logits[0]),
        'probabilities': floats(head_quantities(fixture.head, logits.detach())[0]),
        'predicted': target,
        'attentions': {n: tensor(a[0]) for n, a in zip(names, atts)},
        'grad_attentions': {n: tensor(a.grad[0]) for n, a in zip(names, atts)},
        'word_embeddings': tensor(e[0]),
        'grad_word_embeddings': tensor(e.grad[0]),
        'input_x_gradient': floats((e[0] * e.grad[0]).sum(-1)),
        'integrated_gradients': {str(m): {
            'steps': m, 'attributions': floats(ig), 'sum': float(ig.sum()),
            'p_input_minus_p_baseline': float(p_x - p_0), 'completeness_error': float(ig.sum() - (p_x - p_0))}},
    })
    return sample, names


OBJECTIVES = {
    'softmax': 'p(y_hat) = softmax(logits)[y_hat], y_hat = argmax of the clean logits',
    'sigmoid': 'p = sigmoid(logits[0]) (one-logit binary head); y_hat = 0, the only label',
    'multi-label': 'p = sigmoid(logits[c]), c = argmax of the clean logits (= predicted); probabilities = sigmoid(logits)',
    'regression': 'z = logits[0] itself (regression head); probabilities = [z]; y_hat = 0',
}


def write_reference(path, model, fixture, texts, encodings, pad_id, rows):
    reference = copy.deepcopy(model).double().eval()
    samples, names = [], []
    for text, enc in zip(texts, encodings):
        s, names = sample_reference(reference, fixture, text, enc, pad_id)
        samples.append(s)
    pooling = pooling_of(fixture.arch)
    positions = [0 if pooling == 'first' else len(s['input_ids']) - 1 for s in samples] if pooling != 'mean' else None
    head = {'kind': fixture.head}
    if fixture.head == 'multi-label':
        head['label'] = [s['predicted'] for s in samples]
    doc = {
        'model': fixture.name,
        'computed_with': f'PyTorch {torch.__version__} autograd, float64, eval mode (no dropout)',
        'objective': OBJECTIVES[fixture.head],
        'head': head,
        'pooling': {'kind': pooling, 'position': positions},
        'selection': f'rows {rows} of the sst2 test split: the first {len(rows)} that every zoo tokenizer turns into '
                     f'at most {MAX_TOKENS} tokens',
        'attention_outputs': names,
        'samples': samples,
    }
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    return doc


# ---------------------------------------------------------------------------------------------------------------
# Folders

def write_json(path, obj, indent=2):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False)
        f.write('\n')


def model_max_length(cfg):
    n = cfg.get('max_position_embeddings') or cfg.get('n_positions') or 512
    return n - (cfg['pad_token_id'] + 1) if cfg['model_type'] in ('roberta', 'xlm-roberta') else n


def write_tokenizer_files(folder, flavour, hf, cfg):
    shutil.copyfile(os.path.join(TOKENIZER_CACHE, flavour + '.json'), os.path.join(folder, 'tokenizer.json'))
    write_json(os.path.join(folder, 'tokenizer_config.json'), {**hf['tokenizer_config'], 'model_max_length': model_max_length(cfg)})
    write_json(os.path.join(folder, 'special_tokens_map.json'), hf['special_tokens_map'])
    if 'vocab_txt' in hf:
        with open(os.path.join(folder, 'vocab.txt'), 'w') as f:
            f.write(hf['vocab_txt'])


def folder_size(folder):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)


def shown(path):
    """A path for messages: relative to the repository when inside it."""
    rel = os.path.relpath(path, REPO)
    return path if rel.startswith('..') else rel


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------

def plan(archs, size, only):
    fixtures = []
    for mod in archs:
        key = mod.NAME
        fixtures.append(Fixture(mod.NAME, mod, model_key=key))
        if mod.NAME in OPSET17_COPIES:
            fixtures.append(Fixture(mod.NAME + '-opset17', mod, opset=17, model_key=key,
                                    note=f'the {mod.NAME} model (same weights) exported at opset 17'))
        if mod.NAME == 'bert':
            fixtures += [
                Fixture('bert-single-logit', mod, num_labels=1, head='sigmoid', model_key='bert-single-logit',
                        note='num_labels 1, no problem_type: a sigmoid binary head'),
                Fixture('bert-multilabel', mod, num_labels=3, problem_type='multi_label_classification',
                        labels=MULTILABEL_NAMES, head='multi-label', model_key='bert-multilabel',
                        note='num_labels 3, problem_type multi_label_classification'),
                Fixture('bert-regression', mod, num_labels=1, problem_type='regression', head='regression',
                        model_key='bert-regression', note='num_labels 1, problem_type regression'),
                Fixture('bert-hub', mod, layout='hub', model_key=key,
                        note='the bert model in the Hub layout: onnx/model.onnx + int8 onnx/model_quantized.onnx'),
                Fixture('bert-external', mod, layout='external', model_key=key,
                        note='the bert model with its weights in external data (model.onnx_data)'),
            ]
    if only:
        wanted = set(only)
        unknown = wanted - {f.name for f in fixtures} - {m.NAME for m in archs}
        if unknown:
            raise SystemExit(f'unknown fixture or architecture: {sorted(unknown)}; known: {[f.name for f in fixtures]}')
        fixtures = [f for f in fixtures if f.name in wanted or (f.arch.NAME in wanted and f.name == f.arch.NAME)]
    elif size == 'base':
        fixtures = [f for f in fixtures if f.name == f.arch.NAME]
    return fixtures


def build_fixture(fx, args, hfs, encodings, models, out_root, rows, texts):
    mod = fx.arch
    flavour = flavour_of(mod)
    hf = hfs[flavour]
    samples, calibration = encodings(flavour)
    if fx.model_key not in models:
        models[fx.model_key] = build_model(fx, hf, calibration, args.size)
    model, cfg = models[fx.model_key]
    folder = os.path.join(out_root, fx.name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    pad = hf['pad_token_id']
    dummy = tensors_for(samples, pad, mod.USES_TOKEN_TYPE_IDS)
    log(f'--- {fx.name} ({mod.__name__}, {flavour} tokenizer, opset {fx.opset}, {fx.layout} layout)')

    write_json(os.path.join(folder, 'config.json'), cfg)
    write_tokenizer_files(folder, flavour, hf, cfg)
    if fx.layout == 'optimum':
        path = os.path.join(folder, 'model.onnx')
        export(model, mod, dummy, path, fx.opset)
        check_export(path, model, fx, samples, pad)
    elif fx.layout == 'hub':
        if os.path.exists(os.path.join(folder, 'vocab.txt')):
            os.remove(os.path.join(folder, 'vocab.txt'))
        path = os.path.join(folder, 'onnx', 'model.onnx')
        proto = export(model, mod, dummy, path, fx.opset)
        float_out, _ = check_export(path, model, fx, samples, pad)
        qpath = os.path.join(folder, 'onnx', 'model_quantized.onnx')
        onnx.save_model(quantize_dynamic_matmul(proto), qpath)
        # Compared with the same arithmetic in PyTorch (fake_quantized): equal to float rounding except where
        # one activation lands on the other side of a rounding boundary, which these touchy tiny models amplify,
        # so most samples must match to TOL_QUANT_SIM and all within TOL_QUANTIZED. DynamicQuantizeLinear takes
        # its scale from the whole activation tensor, so a padded batch legitimately differs from the sample alone.
        quant_out, sim_out = check_export(qpath, fake_quantized(model), fx, samples, pad, tol=TOL_QUANTIZED,
                                          batch_tol=TOL_QUANTIZED, what='PyTorch with the same quantization')
        exact = int((np.abs(quant_out - sim_out).max(1) <= TOL_QUANT_SIM).sum())
        if exact * 2 < len(samples):
            raise RuntimeError(f'{qpath}: only {exact}/{len(samples)} samples match the simulated quantization')
        fx.checks.append(f'{shown(qpath)}: {exact}/{len(samples)} samples equal the simulated quantization (≤ {TOL_QUANT_SIM:g})')
        log(fx.checks[-1])
        d = float(np.abs(quant_out - float_out).max())
        if d > TOL_QUANTIZED or not (quant_out.argmax(1) == float_out.argmax(1)).all():
            raise RuntimeError(f'{qpath}: int8 logits differ from the float model by {d:.3f} > {TOL_QUANTIZED} '
                               f'or change a prediction')
        fx.checks.append(f'{shown(qpath)}: |int8 - float logits| {d:.3f} (≤ {TOL_QUANTIZED}), same predictions')
        log(fx.checks[-1])
    else:
        path = os.path.join(folder, 'model.onnx')
        export(model, mod, dummy, path, fx.opset)
        proto = onnx.load(path)
        os.remove(path)
        onnx.save_model(proto, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location='model.onnx_data', size_threshold=0)
        check_export(path, model, fx, samples, pad)

    predicted = None
    # A fixture that re-packages another's model (same weights: opset 17, Hub and external-data layouts) shares
    # that fixture's reference.json (manifest.json: same_weights_as) instead of repeating it.
    if (args.size == 'tiny' or args.reference) and fx.model_key == fx.name:
        doc = write_reference(os.path.join(folder, 'reference.json'), model, fx, texts, samples, pad, rows)
        predicted = [s['predicted'] for s in doc['samples']]
        fx.checks.append(f'reference.json: float64 autograd, predicted {predicted}')
        log(fx.checks[-1])
        check_attentions(path, fx, doc, samples, pad)
    return fx, folder_size(folder), predicted


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--only', nargs='+', default=[])
    ap.add_argument('--size', choices=['tiny', 'base'], default='tiny')
    ap.add_argument('--out')
    ap.add_argument('--data', default=os.environ.get('POLARITY_LENS_DATA', os.path.join(os.path.dirname(REPO), 'shared', 'data')))
    ap.add_argument('--reference', action='store_true', help='also write reference.json for --size base')
    ap.add_argument('--keep-going', action='store_true', help='build the other fixtures when one fails (exit 1 at the end)')
    args = ap.parse_args()
    if args.size == 'base' and not args.out:
        raise SystemExit('--size base needs --out DIR (base models are for benchmarks and never committed)')
    out_root = os.path.abspath(args.out or DEFAULT_OUT)
    only = [x for o in args.only for x in o.split(',') if x]

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(2)

    archs = load_archs()
    fixtures = plan(archs, args.size, only)
    log(f'architectures: {", ".join(m.NAME for m in archs)}; fixtures: {", ".join(f.name for f in fixtures)}')
    hfs = ensure_tokenizers(args.data)
    rows, texts = pick_samples(args.data)
    calibration_texts = read_texts(os.path.join(args.data, 'sst2', 'train.csv'), CALIBRATION_ROWS)
    encoded = {}

    def encodings(flavour):
        if flavour not in encoded:
            enc = encode(flavour, texts + calibration_texts)
            encoded[flavour] = (enc[:len(texts)], enc[len(texts):])
        return encoded[flavour]

    models, summary, failed = {}, [], []
    for fx in fixtures:
        try:
            summary.append(build_fixture(fx, args, hfs, encodings, models, out_root, rows, texts))
        except Exception as error:  # noqa: BLE001 (reported, and the build exits non-zero)
            if not args.keep_going:
                raise
            log(f'FAILED {fx.name}: {error}')
            failed.append(fx.name)
            shutil.rmtree(os.path.join(out_root, fx.name), ignore_errors=True)

    log('\nfixture                   size   predicted  checks')
    for fx, size, predicted in summary:
        log(f'{fx.name:24s} {size / 1024:6.0f} KB  {str(predicted):10s} {len(fx.checks)} passed')
    if args.size == 'tiny' and not args.out:
        write_manifest(out_root, summary, rows, texts)
    log(f'total under {shown(out_root)}: {folder_size(out_root) / 1024:.0f} KB')
    if failed:
        log(f'FAILED: {", ".join(failed)}')
        sys.exit(1)


def write_manifest(out_root, summary, rows, texts):
    """test/fixtures/zoo/manifest.json: one entry per fixture folder (merged with the entries of fixtures not
    rebuilt this time), so tests can iterate over the zoo."""
    path = os.path.join(out_root, 'manifest.json')
    manifest = json.load(open(path)) if os.path.exists(path) else {'fixtures': {}}
    for fx, _, predicted in summary:
        folder = os.path.join(out_root, fx.name)
        files = sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs)
        mod = fx.arch
        onnx_files = [f for f in files if f.endswith('.onnx')]
        manifest['fixtures'][fx.name] = {
            'architecture': mod.ARCHITECTURES[0],
            'model_type': mod.MODEL_TYPE,
            'module': f'training/zoo/{mod.__name__}.py',
            'tokenizer': {'kind': mod.TOKENIZER, 'style': flavour_of(mod)},
            'inputs': input_names(mod),
            'opset': fx.opset,
            'layout': fx.layout,
            'head': fx.head,
            'num_labels': fx.num_labels,
            'pooling': pooling_of(mod),
            'same_weights_as': fx.model_key if fx.model_key != fx.name else None,
            'models': onnx_files,
            'files': {f: hashlib.sha256(open(os.path.join(folder, f), 'rb').read()).hexdigest() for f in files},
            'note': fx.note,
        }
    manifest['fixtures'] = {k: v for k, v in sorted(manifest['fixtures'].items()) if os.path.isdir(os.path.join(out_root, k))}
    manifest['samples'] = {'split': 'sst2 test', 'rows': rows, 'texts': texts}
    write_json(path, manifest)


if __name__ == '__main__':
    main()
