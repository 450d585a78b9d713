#!/usr/bin/env bash
# The end-to-end tests in a real VS Code (code-server + headless Chromium), on the build and compiled tests in dist/
# and out/ (npm test makes both first). Installs what it needs on first use (scripts/e2e-setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${POLARITY_LENS_E2E_TOOLS:-$PWD/../shared/tools/vscode-e2e}"
CODE_SERVER_BIN="$(bash scripts/e2e-setup.sh)"
export CODE_SERVER_BIN
export POLARITY_LENS_CACHE_DIR="$PWD/out/gradient-cache"
mkdir -p out/e2e
echo "e2e: in-process checks in the VS Code extension host" >&2
timeout 900 node "$tools/run-ext-tests.js" --extensionDevelopmentPath="$PWD" \
  --extensionTestsPath="$PWD/out/test/electron/suite.js" --screenshot=out/e2e/in-process.png --timeout=600
echo "e2e: the user's path through the workbench (Playwright)" >&2
timeout 900 node --test --test-concurrency=1 out/test/e2e/*.e2e.js
