#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine, idempotently, and
# caches it under the user cache directory (${XDG_CACHE_HOME:-~/.cache}/fourc):
#   - Go modules (go mod download)
#   - Debian packages: docker-registry (a real OCI registry), debootstrap (a
#     real Debian root filesystem for image and host tests), chromium (the
#     HTML report's browser test), libxml2-utils (xmllint validates the JUnit
#     report against its XSD), yara (the reference YARA engine the rule engine
#     is checked against, match for match)
#   - etcd, kube-apiserver, kubectl, kube-controller-manager built from the Go
#     module proxy (scripts/k8s-testenv.sh; ~10 minutes cold, seconds warm)
#   - MinIO built from the Go module proxy (scripts/minio-testenv.sh; ~9 minutes cold)
# The Go test helpers start these servers themselves on 127.0.0.1 per test
# package; this script only makes sure the binaries are there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go is required; go.mod says which version" >&2
  exit 1
fi

echo "== go mod download"
go mod download

need=()
command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v git >/dev/null 2>&1 || need+=(git)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v yara >/dev/null 2>&1 || need+=(yara)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

echo "== Kubernetes control plane binaries"
bash scripts/k8s-testenv.sh >/dev/null

echo "== MinIO"
bash scripts/minio-testenv.sh >/dev/null

echo "== setup done"
