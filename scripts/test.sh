#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs and starts what the
# tests need (scripts/setup.sh, cached between runs), then vets and tests
# every package. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== go vet"
go vet ./...

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' | grep -v /testdata/) 2>/dev/null || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

bash scripts/lint.sh

echo "== go test"
go test -count=1 -timeout 45m ./...

# The race detector on the engine (its worker pool, deadlines and abandoned
# units), the scan root, the budgets and the cheap scanners. Measured on 2
# busy cores: about 3 min for engine, source, limits and ignore (mostly the
# race-instrumented build), 20 s more for secret and dockerfile. kube was
# left out: over 5 min under -race.
echo "== go test -race"
go test -count=1 -race -timeout 15m \
  ./internal/engine ./internal/source ./internal/limits ./internal/ignore \
  ./internal/secret ./internal/dockerfile
