#!/usr/bin/env bash
# k8s-testenv.sh — build (once) and cache the Kubernetes control-plane binaries that the
# live-cluster tests run: etcd + etcdctl, kube-apiserver, kubectl and kube-controller-manager.
#
# Everything comes from the Go module proxy: a throw-away consumer module in a temp dir requires
# k8s.io/kubernetes (resp. go.etcd.io/etcd/*) and builds the commands with the version ldflags.
# Binaries land in ${XDG_CACHE_HOME:-$HOME/.cache}/fourc/k8s/<k8s version>/ and are reused: a
# second run only checks their versions and prints the directory (stdout, one line). Logs go to
# stderr. Concurrent runs serialise on a lock file in the cache directory.
#
# usage: scripts/k8s-testenv.sh [--print-dir]
#   --print-dir   print the cache directory and exit without building
# env:
#   FOURC_K8S_VERSION   k8s.io/kubernetes version (default v1.37.2)
#   FOURC_ETCD_VERSION  go.etcd.io/etcd version   (default v3.7.3)
#   FOURC_K8S_KCM       1 (default) also build kube-controller-manager; 0 skips it
set -euo pipefail

K8S_VERSION=${FOURC_K8S_VERSION:-v1.37.2}
ETCD_VERSION=${FOURC_ETCD_VERSION:-v3.7.3}
WITH_KCM=${FOURC_K8S_KCM:-1}
FALLBACK_TOOLCHAIN=go1.27.3   # used only when a module declares a newer go than the local one

DIR=${XDG_CACHE_HOME:-$HOME/.cache}/fourc/k8s/$K8S_VERSION
if [[ ${1:-} == --print-dir ]]; then echo "$DIR"; exit 0; fi

log() { printf 'k8s-testenv: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go not found in PATH"
mkdir -p "$DIR"
export GOWORK=off GOFLAGS=-buildvcs=false

# version probes: print the version a cached binary reports, or nothing.
k8s_bin_version() {
	[[ -x $DIR/$1 ]] || return 0
	case $1 in
	kubectl) "$DIR/kubectl" version --client 2>/dev/null | awk '/^Client Version/{print $3}' ;;
	*) "$DIR/$1" --version 2>/dev/null | awk '/^Kubernetes /{print $2}' ;;
	esac
}
etcd_ok() {
	# Read the whole output first: grep -q exiting early would kill etcd with
	# SIGPIPE, and pipefail would then fail the check at random.
	local out
	[[ -x $DIR/etcd && -x $DIR/etcdctl ]] || return 1
	out=$("$DIR/etcd" --version 2>/dev/null) || return 1
	grep -qx "etcd Version: ${ETCD_VERSION#v}" <<<"$out"
}

k8s_wanted() {
	echo kube-apiserver kubectl
	[[ $WITH_KCM == 1 ]] && echo kube-controller-manager
	return 0
}
k8s_missing() {
	local b
	for b in $(k8s_wanted); do
		[[ "$(k8s_bin_version "$b")" == "$K8S_VERSION" ]] || echo "$b"
	done
}

# use_go_for GOMOD: switch to the fallback toolchain only if GOMOD asks for a newer go.
use_go_for() {
	local need have
	need=$(awk '$1=="go"{print $2; exit}' "$1")
	have=$(go env GOVERSION); have=${have#go}
	if [[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]]; then
		log "module needs go $need, local go is $have: using $FALLBACK_TOOLCHAIN"
		export GOTOOLCHAIN=$FALLBACK_TOOLCHAIN
	fi
}

build_etcd() {
	etcd_ok && return 0
	local work=$1/etcd gomod start=$SECONDS
	mkdir -p "$work"
	log "building etcd $ETCD_VERSION (about 2 minutes)"
	cat >"$work/go.mod" <<-MOD
	module fourc.local/etcdbuild

	go 1.26

	require (
		go.etcd.io/etcd/etcdctl/v3 $ETCD_VERSION
		go.etcd.io/etcd/server/v3 $ETCD_VERSION
	)
	MOD
	printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "go.etcd.io/etcd/etcdctl/v3"\n\t_ "go.etcd.io/etcd/server/v3"\n)\n' >"$work/tools.go"
	gomod=$(cd "$work" && go mod download -json "go.etcd.io/etcd/server/v3@$ETCD_VERSION" | awk -F'"' '$2=="GoMod"{print $4}')
	[[ -f $gomod ]] || die "cannot download go.etcd.io/etcd/server/v3@$ETCD_VERSION"
	use_go_for "$gomod"
	(cd "$work" && go mod tidy >&2 &&
		go build -trimpath -ldflags='-s -w' -o "$work/etcd" go.etcd.io/etcd/server/v3 &&
		go build -trimpath -ldflags='-s -w' -o "$work/etcdctl" go.etcd.io/etcd/etcdctl/v3) ||
		die "building etcd $ETCD_VERSION failed"
	mv -f "$work/etcd" "$work/etcdctl" "$DIR/"
	etcd_ok || die "built etcd does not report version $ETCD_VERSION"
	log "etcd $ETCD_VERSION built in $((SECONDS - start))s"
}

build_k8s() {
	local missing; missing=$(k8s_missing)
	[[ -z $missing ]] && return 0
	local work=$1/k8s gomod minor ld p b pkgs=() start=$SECONDS
	mkdir -p "$work/bin"
	log "building $(echo $missing) $K8S_VERSION (about 10 minutes on 2 cores)"
	gomod=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | awk -F'"' '$2=="GoMod"{print $4}')
	[[ -f $gomod ]] || die "cannot download k8s.io/kubernetes@$K8S_VERSION"
	use_go_for "$gomod"
	# k8s.io/kubernetes requires its staging repos at v0.0.0 and replaces them with local paths;
	# a consumer module replaces each with the published tag v0.<minor>.<patch>.
	{
		printf 'module fourc.local/k8sbuild\n\ngo %s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' \
			"$(awk '$1=="go"{print $2; exit}' "$gomod")" "$K8S_VERSION"
		awk -v v="v0.${K8S_VERSION#v1.}" '$1 ~ /^k8s\.io\/[a-z0-9-]+$/ && $2=="v0.0.0" {printf "\t%s => %s %s\n", $1, $1, v}' "$gomod"
		printf ')\n'
	} >"$work/go.mod"
	# every command must be imported before tidy, or its build misses go.sum entries
	{
		printf '//go:build tools\n\npackage tools\n\nimport (\n'
		for b in $(k8s_wanted); do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
		printf ')\n'
	} >"$work/tools.go"
	(cd "$work" && go mod tidy >&2) || die "resolving k8s.io/kubernetes@$K8S_VERSION modules failed"
	minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
	ld="-s -w"
	for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
		ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
		ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
	done
	for b in $missing; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
	(cd "$work" && go build -trimpath -ldflags="$ld" -o "$work/bin/" "${pkgs[@]}") ||
		die "building $(echo $missing) $K8S_VERSION failed"
	for b in $missing; do mv -f "$work/bin/$b" "$DIR/$b"; done
	[[ -z $(k8s_missing) ]] || die "built binaries do not report version $K8S_VERSION: $(echo $(k8s_missing))"
	log "$(echo $missing) built in $((SECONDS - start))s"
}

exec 9>"$DIR/.lock"
flock 9
if ! etcd_ok || [[ -n $(k8s_missing) ]]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/fourc-k8s-build.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	build_etcd "$work"
	build_k8s "$work"
fi
# the stamp lets internal/testenv skip the version probes when nothing changed
echo "$K8S_VERSION $ETCD_VERSION" >"$DIR/.ready"
log "binaries ready: etcd $ETCD_VERSION, $(echo $(k8s_wanted)) $K8S_VERSION"
echo "$DIR"
