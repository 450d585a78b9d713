#!/bin/bash
# Packs the dataset benchmark to run on another x86-64 Linux machine that has no npm or internet (how the README's
# 16-core figures were measured): this Node binary, the bench and the outcome worker bundled by esbuild, and the
# linux-x64 native modules. The models and package.json come from a checkout of this repository on that machine.
#
#   bash bench/portable.sh                      # writes out/bench-portable.tar.xz (about 36 MB)
#   # there, in the checkout:  mkdir -p /tmp/pl && tar -C /tmp/pl -xJf bench-portable.tar.xz
#   #   cp -r /tmp/pl/node_modules . && mkdir -p dist && cp /tmp/pl/dist/*.js dist/
#   #   ORT_DISABLE_TELEMETRY=1 POLARITY_LENS_DATA=/tmp/pl/data /tmp/pl/node dist/bench.js --skip-stream
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
bundle() { npx esbuild "$1" --bundle --platform=node --target=node20 --format=cjs --external:onnxruntime-node --external:tokenizers --log-level=warning --outfile="$STAGE/dist/$2"; }
bundle bench/datasetThroughput.ts bench.js
bundle src/core/datasetRun/outcomeWorker.ts outcomeWorker.js
mkdir -p "$STAGE/node_modules/onnxruntime-node/bin/napi-v6/linux" "$STAGE/node_modules/tokenizers" "$STAGE/data/sst2"
cp -r node_modules/onnxruntime-node/{package.json,dist,lib} "$STAGE/node_modules/onnxruntime-node/"
cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 "$STAGE/node_modules/onnxruntime-node/bin/napi-v6/linux/"
cp -r node_modules/onnxruntime-common "$STAGE/node_modules/"
cp node_modules/tokenizers/{package.json,index.js,tokenizers.linux-x64-gnu.node} "$STAGE/node_modules/tokenizers/"
cp "${POLARITY_LENS_DATA:-../shared/data}/sst2/test.csv" "$STAGE/data/sst2/"
strip -o "$STAGE/node" "$(command -v node)" 2>/dev/null || cp "$(command -v node)" "$STAGE/node"
mkdir -p out
tar -C "$STAGE" -cJf out/bench-portable.tar.xz .
echo "wrote out/bench-portable.tar.xz ($(du -h out/bench-portable.tar.xz | cut -f1))"
