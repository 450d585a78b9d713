"""Step 3 of the model build: measure every model's dev and test accuracy on the exported model.onnx with
onnxruntime-node (the project's own CLI, so the numbers are the ones users reproduce) and write MODEL_CARD.md."""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import SPECS  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE = os.environ.get('NODE', 'node')

DATASETS = {
    'sst2': {
        'title': 'SST-2 (Stanford Sentiment Treebank, binary, sentence level)',
        'citation': 'Socher et al., EMNLP 2013; the sentence-level stsa.binary split of Kim (2014)',
        'task': 'sentiment of a movie-review sentence (negative / positive)',
        'dev': 'sst2/dev.csv', 'dev_note': 'the official dev split',
    },
    'trec': {
        'title': 'TREC question classification, coarse labels (TREC-6)',
        'citation': 'Li & Roth, COLING 2002',
        'task': 'the kind of answer a question asks for (abbreviation, description, entity, human, location, numeric)',
        'dev': 'trec/train.csv (held-out 10%)',
        'dev_note': 'TREC has no dev split: 10% of train per class, seeded, held out before building the vocabulary',
    },
}

ARCH_TEXT = {
    'bilstm-tanh-attention': 'embedding (100-d, [PAD] row fixed at zero) -> one bidirectional LSTM layer (128 per '
                             'direction) -> additive attention s_i = v^T tanh(W h_i + b) -> alpha = masked softmax -> '
                             'context = sum_i alpha_i h_i -> linear -> softmax. The paper\'s "LSTM+TanhAtt" '
                             '(Liu et al., ICML 2022, after Jain & Wallace 2019). The LSTM is unrolled into plain ONNX ops for 64 steps.',
    'cnn-dot-attention': 'embedding (100-d) -> 1-D convolutions of widths 1, 3, 5, 7 (32 filters each, ReLU, same '
                         'padding) -> 128-d hidden state per token, zeroed where attention_mask is 0 -> scaled dot '
                         'attention with a learned query u: s_i = u^T h_i / sqrt(128) -> context -> linear -> softmax. '
                         'The paper\'s "CNN+DotAtt".',
    'bert-style-transformer': 'word embedding + learned position embedding -> LayerNorm -> 4 post-LN encoder layers '
                              '(4 heads of 32, hidden 128, GELU feed-forward 256) -> [CLS] (position 0) -> dense + '
                              'tanh pooler -> linear -> softmax. Trained from scratch (no pre-training).',
}


def measure(model_dir, files):
    cmd = [NODE, os.path.join(REPO, 'dist', 'cli.js'), 'accuracy', '--model', model_dir, '--json']
    for f in files:
        cmd += ['--data', f]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return json.loads(proc.stdout)


def card(name, spec, config, report, dev, test):
    ds = DATASETS[spec['dataset']]
    labels = ', '.join(config['id2label'].values())
    outputs = ', '.join(f'`{o}`' for o in config['outputs']['attentions'])
    training = config['training']
    checks = report['export_checks']
    lines = [
        f'# {name}',
        '',
        f'A small attention classifier shipped with Polarity Lens so the extension works offline, out of the box. '
        f'It predicts {ds["task"]}.',
        '',
        '## Data',
        f'- {ds["title"]} ({ds["citation"]}), from `shared/data/{spec["dataset"]}/`.',
        f'- Trained on {report["train_examples"]} train examples; model selected on {report["dev_examples"]} dev '
        f'examples ({ds["dev_note"]}); the test split was used once, for the numbers below.',
        f'- Classes (index: name): {", ".join(f"{k}: {v}" for k, v in config["id2label"].items())}.',
        '',
        '## Architecture',
        ARCH_TEXT[config['architecture']],
        '',
        f'- Inputs: `input_ids`, `attention_mask` (int64, [batch, seq], dynamic axes). Outputs: `logits` '
        f'[batch, {len(config["id2label"])}] (pre-softmax) and {outputs} {config["outputs"]["attention_shape"]}.',
        f'- Tokenizer: `tokenizer.json`, a Hugging Face WordPiece tokenizer of whole words (BERT normalizer, '
        f'lower-cased; words seen fewer than 2 times in train become `[UNK]`); vocabulary {config["vocab_size"]}. '
        + ('Adds `[CLS]` ... `[SEP]`.' if config['special_tokens'] else 'Adds no special tokens.'),
        f'- Maximum input: {config["max_length"]} tokens (longer texts are truncated by the tokenizer).',
        f'- ONNX opset 17, {checks["nodes"]} nodes, ops: {", ".join(checks["ops"])}.',
        '',
        '## Training',
        f'- Optimiser: {training["optimizer"]}, learning rate {training["lr"]}, weight decay {training["weight_decay"]}, '
        f'batch {training["batch"]}, {training["epochs"]} epochs'
        + (f', linear warm-up over {int(training["warmup"] * 100)}% of steps then linear decay' if 'warmup' in training else '')
        + f'; cross-entropy; gradient norm clipped at 5; seed {config["seed"]}.',
        *([f'- Word embeddings warm-started: first trained for {training["embedding_warmup_epochs"]} epochs inside a '
           'bag-of-embeddings classifier (mean of the embeddings -> linear) on the same train split, then the whole '
           'transformer is trained. No outside data or pre-training.'] if 'embedding_warmup_epochs' in training else []),
        f'- Selected epoch {report["selected_epoch"]} (best dev accuracy in PyTorch: {report["dev_accuracy_torch"]:.4f}); '
        f'training took {report["train_seconds"]:.0f} s on 2 CPU cores.',
        '- Rebuild: `training/build.sh` (see training/README.md).',
        '',
        '## Measured accuracy',
        'Measured by the build on this folder\'s `model.onnx` with onnxruntime-node and this `tokenizer.json` '
        '(`polarity-lens accuracy`); `npm test` re-measures the test row and fails if it drifts by more than 0.5 points.',
        '',
        '| split | file | examples | accuracy |',
        '|---|---|---|---|',
        f'| dev | {ds["dev"]} | {dev["examples"]} | {dev["accuracy"]:.4f} |',
        f'| test | {spec["dataset"]}/test.csv | {test["examples"]} | {test["accuracy"]:.4f} |',
        '',
        '## Export checks (run by the build)',
        f'- ONNX vs PyTorch logits: max |difference| {checks["onnx_vs_torch_max_abs_logit_diff"]:.1e}.',
        f'- Padding: each sample alone vs inside a padded batch of 8: max |difference| {checks["padding_max_abs_logit_diff"]:.1e} (must be <= 1e-5).',
        f'- Erasure by attention mask and by zeroed word embedding both run and match PyTorch '
        f'(max |difference| {max(checks["attention_mask_erasure_vs_torch"], checks["zero_embedding_erasure_vs_torch"]):.1e}).',
        '',
        '## Intended use',
        'A default model for trying Polarity Lens, for its tests, and for teaching what the faithfulness violation '
        'test shows. Its attention is a real, trained attention layer, so explainers behave as they do on models of '
        'the paper\'s kind.',
        '',
        '## Limits',
        '- Small and trained from scratch on a few thousand examples: far below pre-trained models, and brittle '
        'outside its domain (' + ('movie-review sentences' if spec['dataset'] == 'sst2' else 'short English questions') + ').',
        '- Only words seen at least twice in training have their own embedding; the rest read as `[UNK]`.',
        '- English only; text is lower-cased and accents are stripped.',
        '- Not for decisions about people.',
        '',
    ]
    return '\n'.join(lines)


def update_readme(models_dir, readme):
    """Regenerates the README's shipped-model table from the cards, so no number there is typed by hand."""
    rows = ['| model | data | architecture | dev accuracy | test accuracy |', '|---|---|---|---|---|']
    for name, spec in SPECS.items():
        with open(os.path.join(models_dir, name, 'MODEL_CARD.md')) as f:
            text = f.read()
        acc = dict(re.findall(r'^\| (dev|test) \| [^|]+ \| \d+ \| ([01]\.\d+) \|', text, re.M))
        with open(os.path.join(models_dir, name, 'config.json')) as f:
            arch = json.load(f)['architecture']
        rows.append(f'| [`{name}`](models/{name}/MODEL_CARD.md) | {DATASETS[spec["dataset"]]["title"].split(" (")[0]} '
                    f'| {arch} | {acc.get("dev", "-")} | {acc.get("test", "-")} |')
    with open(readme) as f:
        text = f.read()
    start, end = '<!-- accuracy-table:start -->\n', '<!-- accuracy-table:end -->'
    head, rest = text.split(start)
    text = head + start + '\n'.join(rows) + '\n' + end + rest.split(end)[1]
    with open(readme, 'w') as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--build', required=True)
    ap.add_argument('--models', required=True)
    ap.add_argument('--only', nargs='*')
    ap.add_argument('--reuse-checkpoints', action='store_true', help='accepted so build.sh can pass its arguments on')
    args = ap.parse_args()
    for name in args.only or SPECS:
        spec = SPECS[name]
        out = os.path.join(args.models, name)
        with open(os.path.join(out, 'config.json')) as f:
            config = json.load(f)
        with open(os.path.join(args.build, f'{name}.report.json')) as f:
            report = json.load(f)
        dev_file = os.path.join(args.data, 'sst2', 'dev.csv') if spec['dataset'] == 'sst2' \
            else os.path.join(args.build, 'trec', 'dev.csv')
        dev, test = measure(out, [dev_file, os.path.join(args.data, spec['dataset'], 'test.csv')])
        with open(os.path.join(out, 'MODEL_CARD.md'), 'w') as f:
            f.write(card(name, spec, config, report, dev, test))
        print(f'{name}: dev {dev["accuracy"]:.4f} test {test["accuracy"]:.4f}', file=sys.stderr)
    update_readme(args.models, os.path.join(REPO, 'README.md'))


if __name__ == '__main__':
    main()
