#!/usr/bin/env bash
# Rebuilds the model zoo test fixtures under test/fixtures/zoo/ (training/zoo/README.md): tokenizers (Node, official
# `tokenizers` binding), tiny HF-style models, ONNX export, onnxruntime-node checks, float64 reference fixtures.
# Usage: training/zoo/build.sh                      everything, tokenizers retrained from scratch (about 2 minutes)
#        training/zoo/build.sh --only bert roberta  some fixtures, cached tokenizers (training/zoo/build/)
#        training/zoo/build.sh --size base --out DIR   base-size models for benchmarks (never commit these)
# Needs `npm ci` done and the apt packages named in training/README.md (python3-torch, python3-onnx, python3-numpy).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-/usr/bin/python3}"
export PYTHONUNBUFFERED=1 PYTHONHASHSEED=0 ORT_DISABLE_TELEMETRY=1
start=$SECONDS
if [ "$#" -eq 0 ]; then
  rm -rf training/zoo/build/tokenizers
fi
"$PY" training/zoo/build_zoo.py "$@"
echo "training/zoo/build.sh: done in $((SECONDS - start)) s" >&2
