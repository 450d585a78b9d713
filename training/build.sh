#!/usr/bin/env bash
# Rebuilds every shipped model from ../shared/data: tokenizers (Node, official `tokenizers`), training, ONNX export,
# export checks and reference fixtures (PyTorch), then accuracy on the exported files (onnxruntime-node) and model
# cards. Usage: training/build.sh [--only MODEL ...]   (needs `npm ci` done and the apt packages in training/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${POLARITY_LENS_DATA:-$(cd ../shared/data && pwd)}"
PY="${PYTHON:-/usr/bin/python3}"
export PYTHONUNBUFFERED=1 PYTHONHASHSEED=0
start=$SECONDS
npm run build --silent
npx tsx training/build-tokenizers.ts "$DATA" training/build
"$PY" training/train.py --build training/build --models models --fixtures test/fixtures/reference "$@"
"$PY" training/write_cards.py --data "$DATA" --build training/build --models models "$@"
echo "training/build.sh: done in $((SECONDS - start)) s" >&2
