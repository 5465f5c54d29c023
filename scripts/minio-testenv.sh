#!/usr/bin/env bash
# minio-testenv.sh — build (once) and cache the MinIO server that the live object-storage tests
# (internal/objectstore) run against.
#
# MinIO comes from the Go module proxy: `go install github.com/minio/minio@<pinned version>` into
# ${XDG_CACHE_HOME:-$HOME/.cache}/fourc/minio/<version>/minio. A second run finds the binary and
# only prints its path. The path of the binary is the only line on stdout; logs go to stderr.
# Concurrent runs serialise on a lock file in the cache directory. A cold build takes about nine
# minutes on two idle cores.
#
# usage: scripts/minio-testenv.sh [--print-path]
#   --print-path   print where the binary is (or would be) cached and exit without building
# env:
#   FOURC_MINIO_VERSION   github.com/minio/minio version (default below; the module has no tags,
#                         so it is a pseudo-version)
set -euo pipefail

MINIO_VERSION=${FOURC_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}

DIR=${XDG_CACHE_HOME:-$HOME/.cache}/fourc/minio/$MINIO_VERSION
BIN=$DIR/minio
if [[ ${1:-} == --print-path ]]; then echo "$BIN"; exit 0; fi

log() { printf 'minio-testenv: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go not found in PATH"
command -v flock >/dev/null || die "flock not found in PATH"
mkdir -p "$DIR"

exec 9>"$DIR/.lock"
flock 9

if [[ -x $BIN ]] && "$BIN" --version >/dev/null 2>&1; then
	echo "$BIN"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

log "building github.com/minio/minio@$MINIO_VERSION (takes several minutes on a cold cache)"
start=$SECONDS
# GOWORK=off and a neutral working directory: the build must not see the caller's module.
(cd "$tmp" && GOWORK=off GOFLAGS=-buildvcs=false GOBIN="$tmp/bin" CGO_ENABLED=0 \
	go install -trimpath "github.com/minio/minio@$MINIO_VERSION") ||
	die "go install github.com/minio/minio@$MINIO_VERSION failed"
[[ -x $tmp/bin/minio ]] || die "go install left no minio binary in $tmp/bin"
"$tmp/bin/minio" --version >/dev/null 2>&1 || die "the built minio binary does not run"
mv -f "$tmp/bin/minio" "$BIN.new"
mv -f "$BIN.new" "$BIN"
log "built $BIN in $((SECONDS - start))s"
echo "$BIN"
