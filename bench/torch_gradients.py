"""Times PyTorch eager autograd on a shipped model, as the baseline the TypeScript gradient benchmark compares
its ONNX engine against in the same run.

Usage (from the repo root, with Debian's interpreter, which has torch):
    /usr/bin/python3 bench/torch_gradients.py REQUEST.json
REQUEST.json: {"model": name, "ids": [[int, ...], ...], "threads": n, "repeats": r, "ig_steps": 20}
Prints one JSON object to stdout; notes go to stderr.

Each sentence runs alone (batch 1, unpadded), in float32 and eval mode, on the computation training/fixtures.py
differentiates (the BiLSTM through its unrolled loop, as exported to ONNX). The parameters are frozen: the
fixtures' outputs are gradients w.r.t. the word embeddings and the attentions only, so weight gradients would be
work the engine never does. Timings are medians over sentences x repeats, after 2 warm-up runs.
"""
import json
import os
import statistics
import sys
import time

import torch

sys.dont_write_bytecode = True  # leave no __pycache__ in training/
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'training'))
from fixtures import probability_gradients  # noqa: E402
from polarity_models import ARCHITECTURES  # noqa: E402

# config.json "model" field -> constructor argument, per architecture (see each class's config()).
HYPERPARAMETERS = {
    'bilstm-tanh-attention': {'embedding_dim': 'emb_dim', 'hidden_size_per_direction': 'hidden'},
    'cnn-dot-attention': {'embedding_dim': 'emb_dim', 'filters_per_width': 'filters', 'kernel_widths': 'widths'},
    'bert-style-transformer': {'hidden_size': 'd_model', 'num_hidden_layers': 'layers',
                               'num_attention_heads': 'heads', 'intermediate_size': 'd_ff'},
}


def build_model(name):
    """The model of models/<name>, with the training checkpoint's weights when there is one."""
    with open(os.path.join(REPO, 'models', name, 'config.json')) as f:
        config = json.load(f)
    cls = next(c for c in ARCHITECTURES.values() if c.arch == config['architecture'])
    kwargs = {arg: config['model'][field] for field, arg in HYPERPARAMETERS[cls.arch].items()}
    if 'widths' in kwargs:
        kwargs['widths'] = tuple(kwargs['widths'])
    checkpoint = os.path.join(REPO, 'training', 'build', f'{name}.pt')
    state = torch.load(checkpoint)['state'] if os.path.exists(checkpoint) else None
    vocab = state['embed.weight'].shape[0] if state else config['vocab_size']
    model = cls(vocab, len(config['id2label']), config['max_length'], **kwargs)
    if state:
        model.load_state_dict(state)
        weights = 'checkpoint'
    else:
        weights = (f'random (no checkpoint at training/build/{name}.pt; '
                   'timings are of the same architecture)')
    model.float().eval().requires_grad_(False)
    if hasattr(model, 'unrolled'):
        model.unrolled = True  # the exported graph, and what the fixtures differentiate
    return model, weights


def forward(model, ids, mask):
    with torch.no_grad():
        return model(ids, mask)


def forward_backward(model, ids, mask):
    """dp(y_hat)/de and dp(y_hat)/d(attention), exactly as the reference fixtures compute them."""
    return probability_gradients(model, ids, mask)


def integrated_gradients(model, e, ids, mask, target, steps):
    """Zero baseline, midpoint Riemann sum, all steps in one batch (training/fixtures.py's integrated_gradients
    without its completeness check)."""
    alphas = (torch.arange(steps, dtype=e.dtype) + 0.5) / steps
    scaled = (alphas[:, None, None] * e).requires_grad_(True)
    logits = model.forward_embedded(scaled, ids.expand(steps, -1), mask.expand(steps, -1))[0]
    (grad,) = torch.autograd.grad(torch.softmax(logits, -1)[:, target].sum(), scaled)
    return (e[0] * grad.mean(0)).sum(-1)


def timed(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000.0


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    torch.set_num_threads(request['threads'])
    model, weights = build_model(request['model'])
    steps = request.get('ig_steps', 20)
    sentences = []
    for seq in request['ids']:
        ids = torch.tensor([seq])
        mask = torch.ones_like(ids)
        with torch.no_grad():
            e = model.embed(ids)
            target = int(model.forward_embedded(e, ids, mask)[0][0].argmax())  # y_hat, fixed for IG
        sentences.append((ids, mask, e, target))

    def run(ids, mask, e, target):
        return (timed(forward, model, ids, mask), timed(forward_backward, model, ids, mask),
                timed(integrated_gradients, model, e, ids, mask, target, steps))

    for _ in range(2):
        run(*sentences[0])
    times = [run(*s) for _ in range(request['repeats']) for s in sentences]
    print(f'{request["model"]}: {len(times)} timed runs, {torch.get_num_threads()} threads, torch '
          f'{torch.__version__}', file=sys.stderr)
    print(json.dumps({
        'model': request['model'],
        'weights': weights,
        'threads': torch.get_num_threads(),
        'forward_ms': statistics.median(t[0] for t in times),
        'forward_backward_ms': statistics.median(t[1] for t in times),
        'ig_ms': statistics.median(t[2] for t in times),
        'samples': len(times),
    }))


if __name__ == '__main__':
    main()
