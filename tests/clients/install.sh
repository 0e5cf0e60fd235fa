#!/usr/bin/env bash
# Install the real client programs the route tests run (tests/test_routes_real_clients.py):
# Claude Code from the npm registry, at the version package-lock.json pins. Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
# npm may hold back the package's postinstall (it copies the native binary over bin/claude.exe);
# the tests run the native binary from the platform package directly, so that step is optional.
test -n "$(ls node_modules/@anthropic-ai/claude-code-linux-*/claude 2>/dev/null)" || {
  echo "tests/clients/install.sh: no native Claude Code binary for this platform" >&2
  exit 1
}
