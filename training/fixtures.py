"""Reference fixtures for the engine's tests: PyTorch autograd in float64 on the exact computation that was exported.
What every field means is written in test/fixtures/reference/README.md."""
import base64
import copy
import json
import os

import numpy as np
import torch

SST2_SAMPLES = 20
TREC_SAMPLES = 10
MAX_WORDS = 20  # keeps the attention tensors (and so the committed JSON) small
IG_STEPS = (20, 100)


def pick_samples(data, spec):
    """The first N test rows (in file order) whose plain tokenization has at most MAX_WORDS tokens."""
    test = data['splits']['test']
    count = SST2_SAMPLES if spec['dataset'] == 'sst2' else TREC_SAMPLES
    rows = [i for i, ids in enumerate(test['plain']) if len(ids) <= MAX_WORDS]
    return rows[:count]


def tensor(t):
    """Big tensors travel as little-endian float32 in base64: about 5 bytes a number instead of 15."""
    a = np.ascontiguousarray(t.detach().numpy().astype('<f4'))
    return {'shape': list(a.shape), 'float32_base64': base64.b64encode(a.tobytes()).decode('ascii')}


def floats(t):
    return [float(f'{v:.9g}') for v in t.detach().reshape(-1).tolist()]


def objective(logits, target):
    """p(y_hat) = softmax(logits)[y_hat] for each row."""
    return torch.softmax(logits, -1)[:, target]


def integrated_gradients(model, e, ids, mask, target, steps):
    """Zero word-embedding baseline, midpoint Riemann sum: IG_i = sum_d e_id * (1/m) sum_k dp/de_id(a_k e),
    a_k = (k - 1/2)/m. All m points run as one batch; y_hat stays fixed."""
    alphas = (torch.arange(steps, dtype=e.dtype) + 0.5) / steps
    scaled = (alphas[:, None, None] * e).detach().requires_grad_(True)
    p = objective(model.forward_embedded(scaled, ids.expand(steps, -1), mask.expand(steps, -1))[0], target)
    (grad,) = torch.autograd.grad(p.sum(), scaled)
    attributions = (e[0] * grad.mean(0)).sum(-1)
    with torch.no_grad():
        p_x = objective(model.forward_embedded(e, ids, mask)[0], target)[0]
        p_0 = objective(model.forward_embedded(torch.zeros_like(e), ids, mask)[0], target)[0]
    return {'steps': steps, 'attributions': floats(attributions),
            'sum': float(attributions.sum()), 'p_input_minus_p_baseline': float(p_x - p_0),
            'completeness_error': float(attributions.sum() - (p_x - p_0))}


def probability_gradients(model, ids, mask):
    """One input's p(y_hat) = softmax(logits)[y_hat], back-propagated to the word embeddings e and to every
    attention tensor (kept as intermediates). Returns e, logits, probs, y_hat and the attentions, grads attached."""
    e = model.embed(ids).detach().requires_grad_(True)
    outs = model.forward_embedded(e, ids, mask)
    logits, atts = outs[0], outs[1:]
    for a in atts:
        a.retain_grad()
    probs = torch.softmax(logits, -1)
    target = int(probs[0].argmax())
    probs[0, target].backward()
    return e, logits, probs, target, atts


def sample_fixture(model, text, ids_list, attention_outputs):
    ids = torch.tensor([ids_list])
    mask = torch.ones_like(ids)
    e, logits, probs, target, atts = probability_gradients(model, ids, mask)
    return {
        'text': text,
        'input_ids': ids_list,
        'attention_mask': [1] * len(ids_list),
        'logits': floats(logits[0]),
        'probabilities': floats(probs[0]),
        'predicted': target,
        'attentions': {n: tensor(a[0]) for n, a in zip(attention_outputs, atts)},
        'grad_attentions': {n: tensor(a.grad[0]) for n, a in zip(attention_outputs, atts)},
        'word_embeddings': tensor(e[0]),
        'grad_word_embeddings': tensor(e.grad[0]),
        'input_x_gradient': floats((e[0] * e.grad[0]).sum(-1)),
        'integrated_gradients': {str(m): integrated_gradients(model, e.detach(), ids, mask, target, m) for m in IG_STEPS},
    }


def write_fixtures(name, model, spec, data, attention_outputs, fixtures_dir):
    reference = copy.deepcopy(model).double().eval()
    if hasattr(reference, 'unrolled'):
        reference.unrolled = True
    test = data['splits']['test']
    samples = [sample_fixture(reference, test['texts'][i], test[spec['tokenizer']][i], attention_outputs)
               for i in pick_samples(data, spec)]
    doc = {
        'model': name,
        'computed_with': f'PyTorch {torch.__version__} autograd, float64, eval mode (no dropout)',
        'objective': 'p(y_hat) = softmax(logits)[y_hat], y_hat = argmax of the clean logits',
        'selection': f'first {len(samples)} rows of the {spec["dataset"]} test split with at most {MAX_WORDS} words',
        'attention_outputs': attention_outputs,
        'samples': samples,
    }
    os.makedirs(fixtures_dir, exist_ok=True)
    with open(os.path.join(fixtures_dir, f'{name}.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
