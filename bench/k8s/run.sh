#!/usr/bin/env bash
# Benchmark: fourc's live-cluster scan of 10,000 generated objects (pods, workloads, services,
# RBAC, network policies, ingresses, secrets) loaded into a real kube-apiserver, and the manifest
# scan of the same objects written as YAML, against kube-score and `trivy config` on that YAML.
# Not a test: one run each, in turn; it prints wall time, CPU, peak RSS and objects per second.
#
#   bash bench/k8s/run.sh            # N=10000 by default
#
# Env: N (objects), BENCH_HOME (default: $XDG_CACHE_HOME/fourc-bench) holds kube-score, trivy and
# the outputs. Needs go and GNU time; scripts/k8s-testenv.sh builds the control plane (cached).
# trivy v0.74.0 imports encoding/json/v2: Go 1.26 builds it only with GOEXPERIMENT=jsonv2.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=${N:-10000}
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
BIN=$BENCH_HOME/bin
WORK=$BENCH_HOME/k8s
KUBESCORE_V=v1.20.0
TRIVY_V=v0.74.0

log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$BIN"
rm -rf "$WORK" && mkdir -p "$WORK"

# --- tools ----------------------------------------------------------------------
have() { go version -m "$BIN/$1" 2>/dev/null | grep -q "$2[[:space:]]*$3"; }
if ! have kube-score github.com/zegl/kube-score "$KUBESCORE_V"; then
	log "installing kube-score $KUBESCORE_V"
	GOBIN=$BIN GOFLAGS=-mod=mod go install "github.com/zegl/kube-score/cmd/kube-score@$KUBESCORE_V"
fi
if ! have trivy github.com/aquasecurity/trivy "$TRIVY_V"; then
	log "installing trivy $TRIVY_V (first time: many minutes)"
	GOBIN=$BIN GOEXPERIMENT=jsonv2 GOFLAGS=-buildvcs=false go install \
		-ldflags="-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_V#v}" \
		"github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_V"
fi
bash "$ROOT/scripts/k8s-testenv.sh" >/dev/null
(cd "$ROOT" && go build -o "$WORK/k8sbench" ./bench/k8s)

# --- a loaded API server -----------------------------------------------------------
log "starting etcd + kube-apiserver and loading $N objects"
# k8sbench finds the control plane through scripts/k8s-testenv.sh above its working directory.
(cd "$ROOT" && exec "$WORK/k8sbench" serve -n "$N" -dir "$WORK") >"$WORK/serve.out" 2>"$WORK/serve.err" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
until grep -q ready "$WORK/serve.out" 2>/dev/null; do
	kill -0 $server 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
	sleep 1
done
grep loaded "$WORK/serve.err" >&2
files=$(find "$WORK/manifests" -name '*.yaml' | sort)

# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

echo "== $N objects: live scan through the API (all namespaces, 500 per page) and manifest scans of the same objects"
measure fourc-live "$WORK/live.txt" "$WORK/k8sbench" scan -kubeconfig "$WORK/kubeconfig"
measure fourc-manifests "$WORK/manifests.txt" "$WORK/k8sbench" manifests "$WORK/manifests"
# shellcheck disable=SC2086
measure kube-score "$WORK/kube-score.txt" "$BIN/kube-score" score --output-format ci $files
measure trivy-config "$WORK/trivy.json" "$BIN/trivy" config --skip-check-update --skip-version-check \
	--disable-telemetry --quiet --format json "$WORK/manifests"
cat "$WORK/live.txt" "$WORK/manifests.txt"
echo "kube-score: $(grep -c '^\[CRITICAL\]\|^\[WARNING\]' "$WORK/kube-score.txt" || true) critical/warning lines"
echo "trivy config: $(grep -o '"Status": "FAIL"' "$WORK/trivy.json" | wc -l) failures"
