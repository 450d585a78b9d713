"""Step 2 of the model build: train each shipped model on the ids made by build-tokenizers.ts, export it to ONNX,
check the export contract with onnxruntime-node, and write the PyTorch-autograd reference fixtures.

Run with Debian's interpreter: /usr/bin/python3 training/train.py --build training/build --models models \
    --fixtures test/fixtures/reference [--only NAME ...]
"""
import argparse
import json
import os
import random
import shutil
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from polarity_models import ARCHITECTURES, pad_batch  # noqa: E402
from export_onnx import export_and_check  # noqa: E402
from fixtures import write_fixtures  # noqa: E402

SEED = 1234

# name -> dataset, tokenizer variant, architecture, max length, optimiser settings. Chosen on dev accuracy only.
SPECS = {
    'sst2-bilstm-tanh': dict(dataset='sst2', tokenizer='plain', arch='bilstm-tanh', max_length=64,
                             epochs=12, lr=1e-3, weight_decay=1e-5, batch=32, optimizer='adam'),
    'sst2-cnn-dot': dict(dataset='sst2', tokenizer='plain', arch='cnn-dot', max_length=64,
                         epochs=12, lr=1e-3, weight_decay=1e-5, batch=32, optimizer='adam'),
    'sst2-transformer': dict(dataset='sst2', tokenizer='cls', arch='transformer', max_length=128,
                             epochs=12, lr=5e-4, weight_decay=0.01, batch=32, optimizer='adamw', warmup=0.1,
                             embedding_warmup_epochs=5),
    'trec-transformer': dict(dataset='trec', tokenizer='cls', arch='transformer', max_length=128,
                             epochs=30, lr=5e-4, weight_decay=0.01, batch=32, optimizer='adamw', warmup=0.1),
}


def seed_everything(seed):
    random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(2)


def accuracy(model, seqs, labels, batch=256):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(seqs), batch):
            ids, mask = pad_batch(seqs[start:start + batch])
            pred = model(ids, mask)[0].argmax(-1)
            correct += (pred == torch.tensor(labels[start:start + batch])).sum().item()
    return correct / len(seqs)


def warm_up_embeddings(embed, num_classes, train_x, train_y, spec):
    """Trains the word embeddings first inside a bag-of-embeddings classifier (mean of the embeddings -> linear),
    on the same train split. A transformer trained from scratch on a few thousand sentences otherwise spends its
    data learning what single words mean, and overfits before it does."""
    head = torch.nn.Linear(embed.embedding_dim, num_classes)
    opt = torch.optim.Adam(list(embed.parameters()) + list(head.parameters()), lr=1e-3)
    gen = torch.Generator().manual_seed(SEED + 1)
    for _ in range(spec['embedding_warmup_epochs']):
        order = torch.randperm(len(train_x), generator=gen).tolist()
        for start in range(0, len(order), spec['batch']):
            idx = order[start:start + spec['batch']]
            ids, mask = pad_batch([train_x[i] for i in idx])
            m = mask.unsqueeze(-1).float()
            mean = (F.dropout(embed(ids), 0.3) * m).sum(1) / m.sum(1)
            loss = F.cross_entropy(head(mean), torch.tensor([train_y[i] for i in idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()


def train(name, spec, data):
    seed_everything(SEED)
    splits = data['splits']
    train_x, train_y = splits['train'][spec['tokenizer']], splits['train']['labels']
    dev_x, dev_y = splits['dev'][spec['tokenizer']], splits['dev']['labels']
    model = ARCHITECTURES[spec['arch']](data['vocabSize'], len(data['labels']), spec['max_length'])
    if spec.get('embedding_warmup_epochs'):
        warm_up_embeddings(model.embed, len(data['labels']), train_x, train_y, spec)
    if spec['optimizer'] == 'adam':
        # The paper's settings (section 4.2): Adam with amsgrad, weight decay off on the attention parameters.
        att = [p for n, p in model.named_parameters() if n.startswith(('att_', 'query'))]
        rest = [p for n, p in model.named_parameters() if not n.startswith(('att_', 'query'))]
        opt = torch.optim.Adam([{'params': rest, 'weight_decay': spec['weight_decay']},
                                {'params': att, 'weight_decay': 0.0}], lr=spec['lr'], amsgrad=True)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=spec['lr'], weight_decay=spec['weight_decay'])
    steps_per_epoch = (len(train_x) + spec['batch'] - 1) // spec['batch']
    total = steps_per_epoch * spec['epochs']
    warm = int(total * spec.get('warmup', 0.0))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)) if warm else 1.0)
    gen = torch.Generator().manual_seed(SEED)
    best = (-1.0, 0, None)
    history = []
    started = time.time()
    for epoch in range(1, spec['epochs'] + 1):
        model.train()
        order = torch.randperm(len(train_x), generator=gen).tolist()
        loss_sum = 0.0
        for start in range(0, len(order), spec['batch']):
            idx = order[start:start + spec['batch']]
            ids, mask = pad_batch([train_x[i] for i in idx])
            loss = F.cross_entropy(model(ids, mask)[0], torch.tensor([train_y[i] for i in idx]))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
        dev_acc = accuracy(model, dev_x, dev_y)
        history.append({'epoch': epoch, 'train_loss': round(loss_sum / len(order), 4), 'dev_accuracy': round(dev_acc, 4)})
        print(f'{name}: epoch {epoch} loss {loss_sum / len(order):.4f} dev {dev_acc:.4f}', file=sys.stderr)
        if dev_acc > best[0]:
            best = (dev_acc, epoch, {k: v.clone() for k, v in model.state_dict().items()})
    model.load_state_dict(best[2])
    model.eval()
    return model, {'selected_epoch': best[1], 'dev_accuracy_torch': round(best[0], 4), 'history': history,
                   'train_seconds': round(time.time() - started, 1), 'train_examples': len(train_x),
                   'dev_examples': len(dev_x)}


def write_model(name, spec, data, model, report, build, models_dir):
    out = os.path.join(models_dir, name)
    os.makedirs(out, exist_ok=True)
    shutil.copyfile(os.path.join(build, spec['dataset'], f'tokenizer-{spec["tokenizer"]}.json'),
                    os.path.join(out, 'tokenizer.json'))
    labels = data['labels']
    attention_outputs = ['attention'] if spec['arch'] != 'transformer' else \
        [f'attention_{i}' for i in range(len(model.layers))]
    config = {
        'polarity_lens_format': 1,
        'name': name,
        'architecture': model.arch,
        'id2label': {str(i): l for i, l in enumerate(labels)},
        'label2id': {l: i for i, l in enumerate(labels)},
        'max_length': spec['max_length'],
        'vocab_size': data['vocabSize'],
        'pad_token_id': 0,
        # Never pre-trained with [MASK]; [UNK] stood for every rare training word, so it is the neutral stand-in.
        'mask_token': '[UNK]',
        'inputs': ['input_ids', 'attention_mask'],
        'outputs': {'logits': 'logits [batch, classes], pre-softmax',
                    'attentions': attention_outputs,
                    'attention_shape': '[batch, seq]' if spec['arch'] != 'transformer' else '[batch, heads, seq, seq]'},
        'word_embeddings_tensor': 'word_embeddings',
        'special_tokens': ['[CLS]', '[SEP]'] if spec['tokenizer'] == 'cls' else [],
        'model': model.config(),
        'training': {k: v for k, v in spec.items() if k not in ('dataset', 'tokenizer', 'arch', 'max_length')},
        'seed': SEED,
    }
    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
        f.write('\n')
    with open(os.path.join(build, f'{name}.report.json'), 'w') as f:
        json.dump(report, f, indent=2)
    return out, attention_outputs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--models', required=True)
    ap.add_argument('--fixtures', required=True)
    ap.add_argument('--only', nargs='*', help='models to build, in this order (default: all)')
    ap.add_argument('--reuse-checkpoints', action='store_true',
                    help='skip training where training/build/<name>.pt exists (to redo only export and fixtures)')
    args = ap.parse_args()
    for name in args.only or SPECS:
        spec = SPECS[name]
        with open(os.path.join(args.build, spec['dataset'], 'encoded.json')) as f:
            data = json.load(f)
        checkpoint = os.path.join(args.build, f'{name}.pt')
        if args.reuse_checkpoints and os.path.exists(checkpoint):
            saved = torch.load(checkpoint)
            model = ARCHITECTURES[spec['arch']](data['vocabSize'], len(data['labels']), spec['max_length'])
            model.load_state_dict(saved['state'])
            model.eval()
            report = saved['report']
        else:
            model, report = train(name, spec, data)
            torch.save({'state': model.state_dict(), 'report': report}, checkpoint)
        out, attention_outputs = write_model(name, spec, data, model, report, args.build, args.models)
        report['export_checks'] = export_and_check(model, spec, data, out, attention_outputs, args.build)
        with open(os.path.join(args.build, f'{name}.report.json'), 'w') as f:
            json.dump(report, f, indent=2)
        write_fixtures(name, model, spec, data, attention_outputs, args.fixtures)


if __name__ == '__main__':
    main()
