#!/usr/bin/env bash
# Static checks beyond go vet, each with a pinned version installed into the
# cache (${XDG_CACHE_HOME:-~/.cache}/fourc/tools/NAME@VERSION) on first use:
#   - staticcheck: bugs, deprecated APIs, unused code, style (error strings)
#   - deadcode: functions no path from cmd/fourc reaches (see below)
#   - gocyclo: no non-test function above cyclomatic complexity 25
# Run by scripts/test.sh; runs alone as `bash scripts/lint.sh`. About two
# minutes warm on two busy cores (staticcheck and deadcode each load and
# type-check the whole module).
set -euo pipefail
cd "$(dirname "$0")/.."

staticcheck_version=v0.8.2 # honnef.co/go/tools
deadcode_version=v0.52.0   # golang.org/x/tools
gocyclo_version=v0.6.0     # github.com/fzipp/gocyclo
max_complexity=25

tools="${XDG_CACHE_HOME:-$HOME/.cache}/fourc/tools"

# tool NAME VERSION PACKAGE prints the path of NAME at VERSION, installing
# it first when the cache does not hold it.
tool() {
  local dir="$tools/$1@$2"
  if [ ! -x "$dir/$1" ]; then
    mkdir -p "$dir"
    GOBIN="$dir" GOFLAGS= go install "$3@$2" >&2
  fi
  echo "$dir/$1"
}

staticcheck=$(tool staticcheck "$staticcheck_version" honnef.co/go/tools/cmd/staticcheck)
deadcode=$(tool deadcode "$deadcode_version" golang.org/x/tools/cmd/deadcode)
gocyclo=$(tool gocyclo "$gocyclo_version" github.com/fzipp/gocyclo/cmd/gocyclo)

status=0

echo "== staticcheck"
"$staticcheck" ./... || status=1

# deadcode follows calls from main, so the packages that exist only to
# support tests (real servers and fixtures started by tests of several
# packages) are all "unreachable" by design: they are not production code
# and are left out of the verdict. Everything else it reports is dead.
echo "== deadcode"
test_support='^internal/(corpus|testenv|[a-z]+/(imagetest|miniotest|hosttest|hostiletest|checktest))/'
dead=$("$deadcode" ./... | grep -Ev "$test_support" || true)
if [ -n "$dead" ]; then
  echo "unreachable from cmd/fourc (wire it or delete it):"; echo "$dead"; status=1
fi

# Test files and the benchmark SBOM generator's flat main are not held to it.
echo "== gocyclo (over $max_complexity)"
complex=$("$gocyclo" -over "$max_complexity" -ignore '_test\.go$|^bench/vuln/gensbom\.go$' . || true)
if [ -n "$complex" ]; then
  echo "functions to split:"; echo "$complex"; status=1
fi

exit $status
