#!/usr/bin/env bash
# Benchmark: `fourc k8s operator` (in-process scan mode) against a real kube-apiserver holding
# WORKLOADS generated workloads that run IMAGES distinct small images from a registry
# (go-containerregistry's in-process registry, in the serve process). Prints the time to the
# first full report set, the operator's API requests (counted by a transport wrapper) and its
# peak memory. Not a test: one run. README.md holds the numbers.
#
#   bash bench/operator/run.sh                         # WORKLOADS=10000 IMAGES=2000
#   WORKLOADS=2000 IMAGES=400 bash bench/operator/run.sh
#   OPERATOR_GOMEMLIMIT=450MiB bash bench/operator/run.sh   # the operator under a memory limit
#
# Needs go; scripts/k8s-testenv.sh builds the control plane (cached).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORKLOADS=${WORKLOADS:-10000}
IMAGES=${IMAGES:-2000}
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
WORK=$BENCH_HOME/operator

log() { printf '[bench] %s\n' "$*" >&2; }
rm -rf "$WORK" && mkdir -p "$WORK"
bash "$ROOT/scripts/k8s-testenv.sh" >/dev/null
(cd "$ROOT" && go build -o "$WORK/operatorbench" ./bench/operator)

log "starting etcd + kube-apiserver, pushing $IMAGES images, creating $WORKLOADS workloads"
# OPERATOR_GOMEMLIMIT is the operator's memory limit only: GOMEMLIMIT would also bind the API
# server and etcd the serve process starts.
(cd "$ROOT" && exec env -u GOMEMLIMIT "$WORK/operatorbench" serve -workloads "$WORKLOADS" -images "$IMAGES" -dir "$WORK") >"$WORK/serve.out" 2>"$WORK/serve.err" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
until grep -q ready "$WORK/serve.out" 2>/dev/null; do
	kill -0 $server 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
	sleep 1
done
grep -E 'pushed|created' "$WORK/serve.err" >&2
env ${OPERATOR_GOMEMLIMIT:+GOMEMLIMIT=$OPERATOR_GOMEMLIMIT} "$WORK/operatorbench" run -dir "$WORK" 2>"$WORK/run.err" | tee "$WORK/run.out"
