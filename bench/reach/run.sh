#!/usr/bin/env bash
# Benchmark: the cost of Go call-path analysis (reachability) in `fourc scan`, side by side with
# govulncheck, the reference tool, on the same modules and the same OSV records, offline:
#   - examples/shop: fourc without reachability, with it (cold cache, then cached), and
#     govulncheck -scan symbol on its Go module;
#   - a generated repository of four Go services (separate modules, each calling or importing
#     vulnerable golang.org/x/net code): fourc with reachability (cold, cached) and govulncheck
#     run once per service, as a user of govulncheck would.
# Not a test: prints wall time, CPU time, peak RSS, ratios, and the reachability fourc found.
#
#   bash bench/reach/run.sh
#
# Env: BENCH_HOME (default: $XDG_CACHE_HOME/fourc-bench). Needs go and GNU time (/usr/bin/time).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
BIN=$BENCH_HOME/bin
WORK=$BENCH_HOME/reach
VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0

log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$BIN" "$WORK"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

log "building fourc and govulncheck"
(cd "$ROOT" && go build -trimpath -ldflags="-s -w" -o "$WORK/fourc" ./cmd/fourc)
[ -x "$BIN/govulncheck" ] || GOBIN=$BIN go install "$GOVULNCHECK"

osvdir=$(go mod download -json "$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')/data/osv
[ -s "$WORK/fourc.db" ] || "$WORK/fourc" db import --db "$WORK/fourc.db" "$osvdir" >/dev/null

# --- the multi-module repository --------------------------------------------------------
repo=$WORK/services
rm -rf "$repo"
mkdir -p "$repo"
service() { # NAME IMPORT CALL
	mkdir -p "$repo/$1"
	printf 'module example.com/%s\n\ngo 1.21\n\nrequire golang.org/x/net v0.16.0\n\nrequire golang.org/x/text v0.13.0 // indirect\n' "$1" >"$repo/$1/go.mod"
	cp "$ROOT/internal/vuln/testdata/reach/app/go.sum" "$repo/$1/go.sum"
	printf 'package main\n\nimport (\n\t"net"\n\t"os"\n\n\t%s\n)\n\nfunc main() {\n\tln, _ := net.Listen("tcp", "127.0.0.1:0")\n\tc, _ := ln.Accept()\n\t_ = c\n\t_ = os.Args\n\t%s\n}\n' "$2" "$3" >"$repo/$1/main.go"
}
service api '"golang.org/x/net/http2"' '(&http2.Server{}).ServeConn(c, &http2.ServeConnOpts{})'
service web '"golang.org/x/net/html"' 'html.Parse(os.Stdin)'
service worker '"golang.org/x/net/http2"' '_ = http2.ErrFrameTooLarge'
service gateway '"golang.org/x/net/idna"' 'idna.ToASCII(os.Args[0])'
for s in api web worker gateway; do (cd "$repo/$s" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download && go mod tidy >/dev/null 2>&1 || true); done
(cd "$ROOT/examples/shop/app" && go mod download)

# Wrappers that GNU time can run: fourc on the vulnerability scanner only, offline; "cold" gives
# every run a fresh reachability cache.
cat >"$WORK/scan" <<EOS
#!/usr/bin/env bash
exec "$WORK/fourc" scan "\$@" --db "$WORK/fourc.db" --offline --format json --scanners vuln
EOS
cat >"$WORK/scan-cold" <<EOS
#!/usr/bin/env bash
XDG_CACHE_HOME=\$(mktemp -d "$WORK/cache.XXXX") exec "$WORK/scan" "\$@"
EOS
cat >"$WORK/scan-warm" <<EOS
#!/usr/bin/env bash
XDG_CACHE_HOME="$WORK/warm" exec "$WORK/scan" "\$@"
EOS
chmod +x "$WORK/scan" "$WORK/scan-cold" "$WORK/scan-warm"
rm -rf "$WORK"/cache.* "$WORK/warm"

settle
echo "== examples/shop (1 Go module), vulnerabilities only, offline"
measure shop-noreach "$WORK/shop-noreach.json" "$WORK/scan" "$ROOT/examples/shop" --reachability=false
measure shop-reach-cold "$WORK/shop-reach.json" "$WORK/scan-cold" "$ROOT/examples/shop"
"$WORK/scan-warm" "$ROOT/examples/shop" >/dev/null
measure shop-reach-cached "$WORK/shop-reach-cached.json" "$WORK/scan-warm" "$ROOT/examples/shop"
measure shop-govulncheck "$WORK/shop-govulncheck.json" "$BIN/govulncheck" -C "$ROOT/examples/shop/app" -db "file://$osvdir" -format json -scan symbol ./...
ratio shop-noreach shop-reach-cold
ratio shop-noreach shop-reach-cached
ratio shop-govulncheck shop-reach-cold

echo "== four Go services (4 modules), vulnerabilities only, offline"
measure services-noreach "$WORK/services-noreach.json" "$WORK/scan" "$repo" --reachability=false
measure services-reach-cold "$WORK/services-reach.json" "$WORK/scan-cold" "$repo"
"$WORK/scan-warm" "$repo" >/dev/null
measure services-reach-cached "$WORK/services-reach-cached.json" "$WORK/scan-warm" "$repo"
measure services-govulncheck "$WORK/services-govulncheck.json" bash -c 'for s in api web worker gateway; do "$0" -C "$1/$s" -db "file://$2" -format json -scan symbol ./... || true; done' "$BIN/govulncheck" "$repo" "$osvdir"
ratio services-noreach services-reach-cold
ratio services-govulncheck services-reach-cold
ratio services-govulncheck services-reach-cached

echo "== what fourc found"
for f in shop-reach services-reach; do
	printf '%s: ' "$f"
	grep -o '"level": *"[a-z_]*"' "$WORK/$f.json" | sort | uniq -c | tr '\n' ' ' || true
	echo
	grep -o 'Go call paths[^"]*' "$WORK/$f.json" | sort -u || true
done
