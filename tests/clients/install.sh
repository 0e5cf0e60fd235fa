#!/usr/bin/env bash
# Install the real client programs the route tests run (tests/test_routes_real_clients.py):
# Claude Code from the npm registry, at the version package-lock.json pins. Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")"
# --ignore-scripts: the package's postinstall only copies the native binary over bin/claude.exe (and
# newer npm holds it back anyway); the tests run the binary from the platform package directly.
if [ -f package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
else
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
fi
test -n "$(ls node_modules/@anthropic-ai/claude-code-linux-*/claude 2>/dev/null)" || {
  echo "tests/clients/install.sh: no native Claude Code binary for this platform" >&2
  exit 1
}
