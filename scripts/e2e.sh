#!/usr/bin/env bash
# The end-to-end tests in a real VS Code (code-server + headless Chromium), on the build and compiled tests in dist/
# and out/ (npm test makes both first). Installs what it needs on first use (scripts/test-setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${POLARITY_LENS_E2E_TOOLS:-$PWD/../shared/tools/vscode-e2e}"
CODE_SERVER_BIN="$(bash scripts/test-setup.sh)"
export CODE_SERVER_BIN
export POLARITY_LENS_CACHE_DIR="$PWD/out/gradient-cache"
mkdir -p out/e2e
echo "e2e: in-process checks in the VS Code extension host" >&2
timeout 900 node "$tools/run-ext-tests.js" --extensionDevelopmentPath="$PWD" \
  --extensionTestsPath="$PWD/out/test/electron/suite.js" --screenshot=out/e2e/in-process.png --timeout=600
echo "e2e: the packaged VSIX, installed into a clean extensions folder, passes the same checks" >&2
# This machine's VSIX only; test/packaging/vsix.test.ts builds and lists every platform's.
npm run --silent package -- --target linux-x64 >/dev/null
# The runner insists on a development extension; an empty manifest stands in, so only the installed VSIX can answer.
dummy="$(mktemp -d)"
trap 'rm -rf "$dummy"' EXIT
printf '{"name":"placeholder","publisher":"polarity-lens-test","version":"0.0.0","engines":{"vscode":"*"}}\n' >"$dummy/package.json"
timeout 900 node "$tools/run-ext-tests.js" --extensionDevelopmentPath="$dummy" \
  --install-extension="$PWD/polarity-lens-linux-x64.vsix" \
  --extensionTestsPath="$PWD/out/test/electron/suite.js" --timeout=600 | tee out/e2e/vsix.log
grep -q 'polarity-lens loaded from an installed VSIX' out/e2e/vsix.log \
  || { echo "e2e: the VSIX run did not load the installed extension" >&2; exit 1; }
echo "e2e: the user's path through the workbench (Playwright)" >&2
timeout 900 node --test --test-concurrency=1 out/test/e2e/*.e2e.js
