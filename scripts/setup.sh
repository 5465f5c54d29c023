#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine, idempotently, and
# caches it under the user cache directory. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go is required (https://go.dev/dl/); the module says which version" >&2
  exit 1
fi

echo "== go mod download"
go mod download
