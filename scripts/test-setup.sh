#!/usr/bin/env bash
# Installs what the tests need, before the first test runs (npm test calls it first): Debian's chromium (the webview
# page tests and the e2e browser), ripgrep and build tools (apt), then code-server 4.100.3 (= VS Code 1.100.3) from
# the npm registry through the shared, idempotent installer. Prints the code-server launcher's path on stdout;
# everything else goes to stderr. A second run takes well under a second.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="${POLARITY_LENS_E2E_TOOLS:-$here/../shared/tools/vscode-e2e}"
[ -x "$tools/install-code-server.sh" ] || { echo "test-setup: $tools/install-code-server.sh not found (set POLARITY_LENS_E2E_TOOLS)" >&2; exit 1; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
{ [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ]; } || missing+=(libkrb5-dev)
command -v g++ >/dev/null && command -v make >/dev/null || missing+=(build-essential)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "test-setup: installing ${missing[*]} with apt" >&2
  $sudo apt-get update -qq >&2 || echo "test-setup: apt-get update failed; trying the install anyway" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
bash "$tools/install-code-server.sh" | tail -n 1
