#!/usr/bin/env bash
# Installs the reference IaC scanners the recall benchmark (bench/iac/recall)
# compares fourc with, pinned, through the Go module proxy with the ordinary
# go command, into $FOURC_BENCH_BIN (default ~/.cache/fourc-bench/bin).
# Idempotent: a binary already built from the pinned module version is kept.
# Cold, on 2 cores: tfsec takes a few minutes, trivy 15-25 minutes.
#
#   bash bench/iac/install.sh            # both
#   bash bench/iac/install.sh tfsec      # one
set -euo pipefail

BIN=${FOURC_BENCH_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench/bin}
TFSEC_V=v1.26.0
TRIVY_V=v0.74.0
mkdir -p "$BIN"

log() { printf '[bench/iac] %s\n' "$*" >&2; }

# have NAME MODULE VERSION: 0 when $BIN/NAME was built from MODULE@VERSION.
have() {
	go version -m "$BIN/$1" 2>/dev/null |
		awk -v m="$2" -v v="$3" '$1 == "mod" && $2 == m && $3 == v { f = 1 } END { exit !f }'
}

# install NAME MODULE VERSION PACKAGE LDFLAGS [ENV=VALUE...]
install() {
	local name=$1 mod=$2 ver=$3 pkg=$4 ldflags=$5
	shift 5
	if have "$name" "$mod" "$ver"; then
		log "$name $ver already installed in $BIN"
		return 0
	fi
	log "installing $name $ver into $BIN"
	local t0=$SECONDS
	env GOBIN="$BIN" GOFLAGS=-buildvcs=false "$@" go install -ldflags="-s -w $ldflags" "$pkg@$ver"
	log "$name $ver installed in $((SECONDS - t0))s"
}

tfsec() {
	install tfsec github.com/aquasecurity/tfsec "$TFSEC_V" github.com/aquasecurity/tfsec/cmd/tfsec \
		"-X github.com/aquasecurity/tfsec/version.Version=$TFSEC_V"
}

# trivy v0.74.0 imports encoding/json/v2, which Go 1.26 builds only with
# GOEXPERIMENT=jsonv2. Its Terraform checks (trivy-checks) are compiled into
# the binary, so `trivy config` works offline.
trivy() {
	install trivy github.com/aquasecurity/trivy "$TRIVY_V" github.com/aquasecurity/trivy/cmd/trivy \
		"-X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_V#v}" GOEXPERIMENT=jsonv2
}

case "${1:-all}" in
all) tfsec && trivy ;;
tfsec) tfsec ;;
trivy) trivy ;;
*) echo "usage: $0 [all|tfsec|trivy]" >&2; exit 2 ;;
esac
