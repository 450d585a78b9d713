"""
Independent float64 references for the LRP explainers (PLRP, TransAtt) and conservative LRP, on two post-LN BERT
classifiers: the shipped `models/sst2-transformer` (TinyBert, training/polarity_models.py) and the zoo's
`test/fixtures/zoo/bert` (BertForSequenceClassification, training/zoo/arch_bert.py, opset 14, decomposed LayerNorm).
Writes test/fixtures/reference/lrp-<model>.json (fields described in test/fixtures/reference/README.md):

    /usr/bin/python3 training/reference/transformer_relevance.py          # both models (needs `npm ci`: the logits
                                                                        # are checked on onnxruntime-node)

Weights are read from the ONNX initializers (not from a checkpoint), loaded into the PyTorch definitions above, and
the logits are checked against onnxruntime within 1e-5 before anything is written.

Chefer et al.'s relevance propagation (CVPR 2021) follows the authors' code, github.com/hila-chefer/
Transformer-Explainability at c3e578f: BERT_explainability/modules/layers_ours.py (safe_divide, Linear.relprop with
alpha/beta on the positive and negative parts of weights and inputs and no bias, RelPropSimple, Add.relprop, Clone,
IndexSelect; LayerNorm, GELU, Tanh, Softmax, Dropout pass relevance through unchanged), BERT/BERT.py
(BertSelfAttention.relprop: both halves of each two-operand matmul divided by 2, the relevance on the attention
probabilities saved after matmul2's halving; the order of the layers' relprop) and BERT/ExplanationGenerator.py
(relevance starts from one-hot(argmax) at the logits with alpha = 1; gradients of one_hot . logits). Written here
from reading that code, not copied. The attention-score mask Add is kept as Chefer's Add rule (it is the identity
when the mask is 0, as on these unpadded samples). Sums in Add.relprop run over the whole tensor, as the authors'
code does with its batch of one.

Conservative LRP (Ali et al., ICML 2022) as the engine defines it (src/core/gradients/lrpDetachments.ts): the gradient
of the objective with every attention softmax's input and every LayerNorm's sigma held constant (the mean is not).
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
REPO = os.path.dirname(TRAINING)
sys.path[:0] = [TRAINING, os.path.join(TRAINING, 'zoo')]

from export_onnx import ort_run  # noqa: E402  onnxruntime-node through training/ort-run.ts
from fixtures import floats, tensor  # noqa: E402  the fixtures' float32-base64 encoding
from polarity_models import TinyBert  # noqa: E402
import arch_bert  # noqa: E402

torch.set_default_dtype(torch.float64)
SAMPLES = {'sst2-transformer': 3, 'bert': 4}


# ---------------------------------------------------------------------------------------------------------------
# Loading: ONNX initializers -> the PyTorch definitions, float64.

def onnx_parameters(path):
    """name -> float64 array for every parameter of the exported graph. Named initializers keep their names (an
    Identity of a shared initializer gives its output name); anonymous MatMul weights, stored [in, out], are named
    after their node (/layers.0/q/MatMul -> layers.0.q.weight) and transposed back to torch's [out, in]."""
    graph = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in graph.initializer}
    params = dict(inits)
    for node in graph.node:
        if node.op_type == 'Identity' and node.input[0] in inits:
            params[node.output[0]] = inits[node.input[0]]
        if node.op_type == 'MatMul' and node.input[1] in inits:
            name = node.name.strip('/').rsplit('/', 1)[0].replace('/', '.') + '.weight'
            params[name] = inits[node.input[1]].T
    return params


def load_weights(module, params):
    state = module.state_dict()
    missing = [k for k in state if k not in params and not k.endswith(('position_ids', 'token_type_ids'))]
    if missing:
        raise RuntimeError(f'no ONNX initializer for {missing}')
    module.load_state_dict({k: torch.from_numpy(params[k].copy()) if k in params else v for k, v in state.items()})
    return module.double().eval()


def shipped_model():
    folder = os.path.join(REPO, 'models', 'sst2-transformer')
    cfg = json.load(open(os.path.join(folder, 'config.json')))
    params = onnx_parameters(os.path.join(folder, 'model.onnx'))
    vocab, d = params['embed.weight'].shape
    layers = 1 + max(int(k.split('.')[1]) for k in params if k.startswith('layers.'))
    model = TinyBert(vocab, params['out.weight'].shape[0], params['pos.weight'].shape[0], d_model=d, layers=layers,
                     heads=cfg['model']['num_attention_heads'], d_ff=params['layers.0.ff1.weight'].shape[0])
    model = load_weights(model, params)
    spec = {
        'heads': model.heads,
        'embed': lambda e, ln: ln(e + model.pos(torch.arange(e.shape[1]))[None], model.ln),
        'layers': [dict(q=l.q, k=l.k, v=l.v, o=l.o, ln1=l.ln1, ff1=l.ff1, ff2=l.ff2, ln2=l.ln2) for l in model.layers],
        'pool': model.pool, 'out': model.out,
        'word_embeddings': model.embed,
    }
    return model, spec, os.path.join(folder, 'model.onnx'), lambda e, ids: model.forward_embedded(
        e, ids, torch.ones_like(ids))[0]


def zoo_bert():
    folder = os.path.join(REPO, 'test', 'fixtures', 'zoo', 'bert')
    cfg = json.load(open(os.path.join(folder, 'config.json')))
    model = load_weights(arch_bert.BertForSequenceClassification(cfg), onnx_parameters(os.path.join(folder,
                                                                                                  'model.onnx')))
    emb = model.bert.embeddings

    def embed(e, ln):
        n = e.shape[1]
        return ln(e + emb.token_type_embeddings(torch.zeros(1, n, dtype=torch.long))
                  + emb.position_embeddings(torch.arange(n))[None], emb.LayerNorm)

    spec = {
        'heads': cfg['num_attention_heads'],
        'embed': embed,
        'layers': [dict(q=l.attention.self.query, k=l.attention.self.key, v=l.attention.self.value,
                        o=l.attention.output.dense, ln1=l.attention.output.LayerNorm, ff1=l.intermediate.dense,
                        ff2=l.output.dense, ln2=l.output.LayerNorm) for l in model.bert.encoder.layer],
        'pool': model.bert.pooler.dense, 'out': model.classifier,
        'word_embeddings': emb.word_embeddings,
    }
    return model, spec, os.path.join(folder, 'model.onnx'), lambda e, ids: model(
        ids, torch.ones_like(ids), torch.zeros_like(ids), word_embeddings_override=e)


# ---------------------------------------------------------------------------------------------------------------
# One functional forward pass of either model, recording what the relevance rules read.

def layer_norm(detach_sigma):
    def ln(x, module):
        mu = x.mean(-1, keepdim=True)
        sigma = ((x - mu) ** 2).mean(-1, keepdim=True).add(module.eps).sqrt()
        return (x - mu) / (sigma.detach() if detach_sigma else sigma) * module.weight + module.bias
    return ln


def forward(spec, e, conservative=None):
    """logits and a trace. `conservative` = (detach_softmax, detach_sigma): the engine's conservative-LRP graph."""
    detach_softmax, detach_sigma = conservative or (False, False)
    ln = layer_norm(detach_sigma)
    lin = lambda x, m: x @ m.weight.T + m.bias  # noqa: E731
    heads = spec['heads']
    h = spec['embed'](e, ln)
    n, d = h.shape[1], h.shape[2]
    split = lambda x: x.view(1, n, heads, d // heads).transpose(1, 2)  # noqa: E731
    key_bias = torch.zeros(1, 1, 1, n)  # unpadded samples: the mask adds 0
    trace = []
    for p in spec['layers']:
        t = {'h': h}
        t['Q'], t['K'], t['V'] = split(lin(h, p['q'])), split(lin(h, p['k'])), split(lin(h, p['v']))
        t['Kt'] = t['K'].transpose(-1, -2)
        t['scaled'] = t['Q'] @ t['Kt'] / math.sqrt(d // heads)
        t['mask'] = key_bias
        scores = t['scaled'] + key_bias
        t['A'] = torch.softmax(scores.detach() if detach_softmax else scores, -1)
        if detach_softmax:
            t['A'].requires_grad_(True)
        t['A'].retain_grad() if t['A'].requires_grad and not t['A'].is_leaf else None
        t['c'] = (t['A'] @ t['V']).transpose(1, 2).reshape(1, n, d)
        t['o'] = lin(t['c'], p['o'])
        t['h1'] = ln(t['o'] + h, p['ln1'])
        t['g'] = F.gelu(lin(t['h1'], p['ff1']))
        t['f2'] = lin(t['g'], p['ff2'])
        h = ln(t['f2'] + t['h1'], p['ln2'])
        trace.append(t)
    pooled_in = h[:, 0]
    t_pool = torch.tanh(lin(pooled_in, spec['pool']))
    logits = lin(t_pool, spec['out'])
    return logits, {'layers': trace, 'last': h, 'pooled_in': pooled_in, 'tanh': t_pool}


# ---------------------------------------------------------------------------------------------------------------
# Chefer et al.'s rules (layers_ours.py), written out. `variant` switches one rule off for the wrong-variant checks.

STABILISER = 1e-9  # layers_ours.safe_divide's; check_conservation sets it to 0 to see the rules alone


def safe_divide(a, b):
    """a / (b + 1e-9), and 0 where b == 0: what the authors' safe_divide computes (its two clamps add 1e-9 to b
    whatever b's sign)."""
    den = b.clamp(min=STABILISER) + b.clamp(max=STABILISER)
    den = den + den.eq(0).type(den.type()) * 1e-9
    return a / den * b.ne(0).type(b.type())


def linear_relprop(x, weight, r, alpha=1.0):
    """Linear.relprop: alpha * (z+ rule) - beta * (z- rule), beta = alpha - 1, bias left out of z."""
    beta = alpha - 1
    pw, nw = weight.clamp(min=0), weight.clamp(max=0)
    px, nx = x.clamp(min=0), x.clamp(max=0)

    def f(w1, w2, x1, x2):
        s = safe_divide(r, x1 @ w1.T + x2 @ w2.T)
        return x1 * (s @ w1) + x2 * (s @ w2)

    out = alpha * f(pw, nw, px, nx)
    return out - beta * f(nw, pw, px, nx) if beta else out


def matmul_relprop(a, b, r):
    """RelPropSimple on a two-operand matmul: x * dz/dx . r / z for each operand."""
    s = safe_divide(r, a @ b)
    return a * (s @ b.transpose(-1, -2)), b * (a.transpose(-1, -2) @ s)


def add_relprop(a, b, r, rescale=True):
    """Add.relprop: x * r / z for each operand (summed back over broadcast axes), then each rescaled so that the two
    share sum(r) in proportion to |sum of each|."""
    s = safe_divide(r, a + b)
    ra = a * s
    broadcast = [i for i in range(s.dim()) if b.shape[i] == 1 and s.shape[i] != 1]
    rb = b * (s.sum(dim=broadcast, keepdim=True) if broadcast else s)  # torch sums everything over dim=[]
    if not rescale:
        return ra, rb
    a_sum, b_sum = ra.sum(), rb.sum()
    a_fact = safe_divide(a_sum.abs(), a_sum.abs() + b_sum.abs()) * r.sum()
    b_fact = safe_divide(b_sum.abs(), a_sum.abs() + b_sum.abs()) * r.sum()
    return ra * safe_divide(a_fact, ra.sum()), rb * safe_divide(b_fact, rb.sum())


def clone_relprop(x, rs):
    """Clone.relprop: x * sum_i r_i / x (the relevance of every consumer, summed)."""
    return x * sum(safe_divide(r, x) for r in rs)


def chefer_relprop(spec, trace, logits, target, variant=(), checks=None):
    """R^A per layer (after the /2), from one-hot(target) at the logits. `checks` collects conservation sums."""
    alpha = 2.0 if 'alpha2-beta1' in variant else 1.0
    halve = 1.0 if 'no-halving' in variant else 0.5
    rescale = 'add-unscaled' not in variant
    note = (lambda k, v: checks.setdefault(k, []).append(float(v))) if checks is not None else (lambda k, v: None)
    heads = spec['heads']
    with torch.no_grad():
        r = torch.zeros_like(logits)
        r[0, target] = 1
        r = linear_relprop(trace['tanh'], spec['out'].weight, r, alpha)
        note('classifier', r.sum())
        r = linear_relprop(trace['pooled_in'], spec['pool'].weight, r, alpha)  # Tanh: relevance unchanged
        note('pooler', r.sum())
        rh = torch.zeros_like(trace['last'])
        rh[:, 0] = trace['pooled_in'] * safe_divide(r, trace['pooled_in'])  # IndexSelect of the first token
        relevance_on_a = [None] * len(trace['layers'])
        for index in reversed(range(len(trace['layers']))):
            t, p = trace['layers'][index], spec['layers'][index]
            n, d = t['h'].shape[1], t['h'].shape[2]
            merge = lambda x: x.transpose(1, 2).reshape(1, n, d)  # noqa: E731
            split = lambda x: x.view(1, n, heads, d // heads).transpose(1, 2)  # noqa: E731
            # BertOutput: LayerNorm passes relevance; Add [ff2 out, h1]; Linear ff2; GELU passes; Linear ff1.
            r_f2, r_h1_residual = add_relprop(t['f2'], t['h1'], rh, rescale)
            r_g = linear_relprop(t['g'], p['ff2'].weight, r_f2, alpha)
            r_h1 = clone_relprop(t['h1'], [linear_relprop(t['h1'], p['ff1'].weight, r_g, alpha), r_h1_residual])
            # BertSelfOutput: LayerNorm passes; Add [o, h]; Linear o.
            r_o, r_h_residual = add_relprop(t['o'], t['h'], r_h1, rescale)
            r_c = linear_relprop(t['c'], p['o'].weight, r_o, alpha)
            # BertSelfAttention.relprop.
            r_a, r_v = matmul_relprop(t['A'].detach(), t['V'], split(r_c))
            r_a, r_v = r_a * halve, r_v * halve
            relevance_on_a[index] = r_a
            note('attention A + V', r_a.sum() + r_v.sum() - r_c.sum())
            r_scaled, _ = add_relprop(t['scaled'], t['mask'], r_a, rescale)  # Softmax passes; the mask's Add
            r_q, r_kt = matmul_relprop(t['Q'], t['Kt'], r_scaled)  # the /sqrt(d) is no module: passes
            r_q, r_kt = r_q * halve, r_kt * halve
            r_self = clone_relprop(t['h'], [linear_relprop(t['h'], p['q'].weight, merge(r_q), alpha),
                                            linear_relprop(t['h'], p['k'].weight, merge(r_kt.transpose(-1, -2)),
                                                           alpha),
                                            linear_relprop(t['h'], p['v'].weight, merge(r_v), alpha)])
            rh = clone_relprop(t['h'], [r_self, r_h_residual])
            note('layer input', rh.sum())
        return relevance_on_a


# ---------------------------------------------------------------------------------------------------------------
# What the engine's explainers compute from those tensors.

def plrp(relevance_on_a):
    """mean_h R^{A_L^h}, row 0 (both models pool the first token)."""
    return relevance_on_a[-1][0].mean(0)[0]


def trans_att(grads, relevance_on_a):
    """Row 0 of prod_l (Abar_l + I), later layers on the left, Abar_l = mean_h max(0, grad A_l^h * R^{A_l^h}),
    unnormalised (the VisualBERT reference code, as transformerAttribution.ts)."""
    n = grads[0].shape[-1]
    row = torch.zeros(n)
    row[0] = 1
    for g, r in zip(reversed(grads), reversed(relevance_on_a)):
        row = row @ ((g[0] * r[0]).clamp(min=0).mean(0) + torch.eye(n))
    return row


def objective_value(logits, target, objective):
    return torch.softmax(logits, -1)[0, target] if objective == 'probability' else logits[0, target]


def attention_gradients(spec, e, target, objective, conservative=None):
    """d objective / d A per layer (A an intermediate; the engine's plain pass, or its conservative-LRP pass), and
    the token relevance sum_d e * d objective / d e."""
    e = e.detach().clone().requires_grad_(True)
    logits, trace = forward(spec, e, conservative)
    objective_value(logits, target, objective).backward()
    grads = [t['A'].grad.detach().clone() for t in trace['layers']]
    return grads, (e.grad * e).sum(-1)[0].detach()


def check_conservation(checks, rerun):
    """Chefer's rules conserve relevance: the z+ rule without bias, the Add rule, the halved matmuls and Clone each
    pass on exactly what they receive, so the classifier's and pooler's inputs and every layer's input hold sum = 1,
    the one-hot at the logits. Exactly so without the stabiliser (rerun with it at 0); with it, each division by
    z + 1e-9 keeps z / (z + 1e-9) of its share, a loss that must stay small."""
    global STABILISER
    saved, STABILISER = STABILISER, 0.0
    try:
        exact = {}
        rerun(exact)
    finally:
        STABILISER = saved
    for found, tolerance in ((exact, 1e-9), (checks, 1e-4)):
        for key in ('classifier', 'pooler', 'layer input'):
            for v in found[key]:
                assert abs(v - 1) < tolerance, f'{key}: relevance sums to {v}, not 1 (within {tolerance})'
        for v in found['attention A + V']:
            assert abs(v) < tolerance, f'the attention matmul loses {v} of its relevance'


def explained(spec, e, target, precision=lambda run: run()):
    """Every quantity the fixture holds. The forward and backward passes run under `precision` (float64 by default,
    in_float32 for the spread); the relevance rules and the explainers' aggregation always in float64."""
    logits, trace = precision(lambda: forward(spec, e))
    as64 = lambda t: t.detach().double()  # noqa: E731
    trace = {k: ([{kk: as64(vv) for kk, vv in l.items()} for l in v] if k == 'layers' else as64(v))
             for k, v in trace.items()}
    relevance = chefer_relprop(spec, trace, as64(logits), target)
    out = {'relevance': relevance, 'partial_lrp': plrp(relevance), 'transformer_attribution': {},
           'conservative': {}, 'grads': {}}
    for objective in ('probability', 'logit'):
        grads, _ = precision(lambda: attention_gradients(spec, e, target, objective))
        grads = [as64(g) for g in grads]
        out['grads'][objective] = grads
        out['transformer_attribution'][objective] = trans_att(grads, relevance)
        lrp_grads, tokens = precision(lambda: attention_gradients(spec, e, target, objective, conservative=(True,
                                                                                                          True)))
        out['conservative'][objective] = {'token_relevance': as64(tokens),
                                          'attention_gradients': [as64(g) for g in lrp_grads]}
    return out


def in_float32(model):
    """A `precision` for explained(): runs with the model's weights and the default dtype in float32 (the weights are
    float32 values, so the round trip back to float64 is exact)."""
    def precision(run):
        saved = torch.get_default_dtype()
        model.float()
        torch.set_default_dtype(torch.float32)
        try:
            return run()
        finally:
            torch.set_default_dtype(saved)
            model.double()
    return precision


def spread(a, b):
    return float((a - b).abs().max())


def sample_fixture(model, spec, run_module, ids_list, text):
    ids = torch.tensor([ids_list])
    e = spec['word_embeddings'](ids).detach()
    logits, trace = forward(spec, e)
    module_logits = run_module(e, ids).detach()
    assert torch.allclose(logits, module_logits, atol=1e-12), (logits, module_logits)
    target = int(logits[0].argmax())
    checks = {}
    chefer_relprop(spec, trace, logits, target, checks=checks)
    check_conservation(checks, lambda found: chefer_relprop(spec, trace, logits, target, checks=found))
    ref = explained(spec, e, target)
    # The same with the forward pass in float32, as the engine runs it: how far float32 activations alone move each
    # quantity (Chefer's Add rule divides by a + b, which float32 rounding of near-cancelling residual sums moves a
    # lot). Tests allow the engine that much besides their 1e-4 relative tolerance.
    f32 = explained(spec, e.float(), target, in_float32(model))
    out = {
        'text': text, 'input_ids': ids_list, 'logits': floats(logits[0]), 'predicted': target,
        'chefer': {'relevance_on_attention': [tensor(r[0]) for r in ref['relevance']],
                   'partial_lrp': floats(ref['partial_lrp'])},
        'transformer_attribution': {o: floats(v) for o, v in ref['transformer_attribution'].items()},
        'conservative': {o: {'token_relevance': floats(v['token_relevance'])}
                         for o, v in ref['conservative'].items()},
        'float32_spread': {
            'relevance_on_attention': [spread(a, b) for a, b in zip(f32['relevance'], ref['relevance'])],
            'partial_lrp': spread(f32['partial_lrp'], ref['partial_lrp']),
            'transformer_attribution': {o: spread(f32['transformer_attribution'][o], v)
                                        for o, v in ref['transformer_attribution'].items()},
            'conservative': {o: {'token_relevance': spread(f32['conservative'][o]['token_relevance'],
                                                           v['token_relevance']),
                                 'attention_gradients': [spread(a, b) for a, b in zip(
                                     f32['conservative'][o]['attention_gradients'], v['attention_gradients'])]}
                             for o, v in ref['conservative'].items()},
        },
        'wrong_variants': {},
    }
    out['conservative']['probability']['attention_gradients'] = [
        tensor(g[0]) for g in ref['conservative']['probability']['attention_gradients']]
    del out['float32_spread']['conservative']['logit']['attention_gradients']
    grads = ref['grads']['probability']
    for variant in ('no-halving', 'add-unscaled', 'alpha2-beta1'):
        wrong = chefer_relprop(spec, trace, logits, target, variant=(variant,))
        out['wrong_variants'][variant] = {'partial_lrp': floats(plrp(wrong)),
                                          'transformer_attribution': floats(trans_att(grads, wrong))}
    for name, conservative in (('softmax-not-detached', (False, True)), ('sigma-not-detached', (True, False))):
        _, tokens = attention_gradients(spec, e, target, 'probability', conservative)
        out['wrong_variants'][name] = {'conservative_token_relevance': floats(tokens)}
    return out


def build(name):
    model, spec, onnx_path, run_module = shipped_model() if name == 'sst2-transformer' else zoo_bert()
    source = (os.path.join(REPO, 'test', 'fixtures', 'reference', 'sst2-transformer.json') if name == 'sst2-transformer'
              else os.path.join(REPO, 'test', 'fixtures', 'zoo', 'bert', 'reference.json'))
    chosen = json.load(open(source))['samples'][:SAMPLES[name]]
    samples = []
    for s in chosen:
        samples.append(sample_fixture(model, spec, run_module, s['input_ids'], s['text']))
    # The weights really are the ONNX model's: the same logits on onnxruntime-node.
    feeds = []
    for s in samples:
        ids = np.array([s['input_ids']], dtype=np.int64)
        feed = {'input_ids': ids, 'attention_mask': np.ones_like(ids)}
        if name == 'bert':
            feed['token_type_ids'] = np.zeros_like(ids)
        feeds.append(feed)
    for s, out in zip(samples, ort_run(onnx_path, feeds)):
        gap = np.abs(out['logits'][0] - np.array(s['logits'])).max()
        assert gap < 1e-5, f'{name}: onnxruntime logits differ from the float64 model by {gap}'
    return {
        'model': name,
        'onnx': os.path.relpath(onnx_path, REPO),
        'computed_with': f'PyTorch {torch.__version__}, float64, eval mode; weights read from the ONNX initializers',
        'chefer_reference': 'github.com/hila-chefer/Transformer-Explainability c3e578f (BERT_explainability)',
        'selection': f'the first {len(samples)} samples of {os.path.relpath(source, REPO)}',
        'samples': samples,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--models', default='sst2-transformer,bert')
    parser.add_argument('--out', default=os.path.join(REPO, 'test', 'fixtures', 'reference'))
    args = parser.parse_args()
    for name in args.models.split(','):
        fixture = build(name)
        path = os.path.join(args.out, f'lrp-{name}.json')
        with open(path, 'w') as f:
            json.dump(fixture, f, separators=(',', ':'))
            f.write('\n')
        print(f'{path}: {len(fixture["samples"])} samples')


if __name__ == '__main__':
    main()
