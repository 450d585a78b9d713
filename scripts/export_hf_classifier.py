#!/usr/bin/env python3
"""Writes a Polarity Lens model folder from a Hugging Face sequence classifier, without optimum.

    python3 scripts/export_hf_classifier.py CHECKPOINT OUT_DIR [--opset 14]

CHECKPOINT is a hub id or a local folder (AutoModelForSequenceClassification). Needs torch and transformers. Writes
OUT_DIR/model.onnx (inputs input_ids, attention_mask and token_type_ids if the model takes them; output logits only;
dynamic batch and sequence), config.json and the fast tokenizer's tokenizer.json. Attention is exported in its eager
form (explicit softmax), so Polarity Lens can read the attention probabilities. Check the folder with
`node dist/cli.js doctor OUT_DIR` (from the Polarity Lens folder).
"""
import argparse
import os

import torch


def export_logits(model, sample, path, opset=14):
    """Exports `model(**inputs).logits` (or the model's own output when it returns a tensor) with the inputs named as
    in `sample` (a dict of int64 [1, seq] tensors), dynamic batch and sequence axes, logits only."""
    names = list(sample)

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            out = self.inner(**dict(zip(names, args)))
            return out if torch.is_tensor(out) else out.logits

    axes = {n: {0: 'batch_size', 1: 'sequence_length'} for n in names}
    axes['logits'] = {0: 'batch_size'}
    model.eval()
    with torch.no_grad():
        torch.onnx.export(Logits(model), tuple(sample[n] for n in names), path, input_names=names, output_names=['logits'],
                          dynamic_axes=axes, opset_version=opset, do_constant_folding=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    parser.add_argument('--opset', type=int, default=14)
    args = parser.parse_args()
    from transformers import AutoModelForSequenceClassification, AutoTokenizer  # the user's install, not ours

    tokenizer = AutoTokenizer.from_pretrained(args.checkpoint)
    if not tokenizer.is_fast:
        raise SystemExit(f'{args.checkpoint} has no fast tokenizer (tokenizer.json), which Polarity Lens needs.')
    model = AutoModelForSequenceClassification.from_pretrained(args.checkpoint, attn_implementation='eager')
    encoded = tokenizer(['a sample sentence to trace the graph with'], return_tensors='pt')
    sample = {k: encoded[k] for k in ('input_ids', 'attention_mask', 'token_type_ids') if k in encoded}
    os.makedirs(args.out, exist_ok=True)
    export_logits(model, sample, os.path.join(args.out, 'model.onnx'), args.opset)
    model.config.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    print(f'wrote {args.out}; check it with: node dist/cli.js doctor {args.out}')


if __name__ == '__main__':
    main()
