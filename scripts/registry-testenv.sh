#!/usr/bin/env bash
# registry-testenv.sh — a real OCI registry for image tests and benchmarks: Debian's
# docker-registry package (distribution 2.8), on 127.0.0.1 and a random free port, with its
# storage in a temporary directory. The Go tests start their own through
# internal/image/imagetest; this script is for people and benchmarks.
#
# usage:
#   scripts/registry-testenv.sh start    start a registry; prints shell assignments:
#                                        REGISTRY=127.0.0.1:PORT REGISTRY_DIR=... REGISTRY_PID=...
#   scripts/registry-testenv.sh stop DIR stop the registry started with REGISTRY_DIR=DIR, remove DIR
#   scripts/registry-testenv.sh rootfs   build (once) and print the path of the cached Debian
#                                        bookworm minbase root file system tarball
#
#   eval "$(scripts/registry-testenv.sh start)"; ...; scripts/registry-testenv.sh stop "$REGISTRY_DIR"
#
# Missing tools (docker-registry, debootstrap) are installed with apt-get. Logs go to stderr.
set -euo pipefail

log() { printf 'registry-testenv: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need() { # need BINARY PACKAGE
	command -v "$1" >/dev/null && return 0
	[[ $(id -u) == 0 ]] || die "$1 is missing and installing $2 needs root"
	log "installing $2"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2
	command -v "$1" >/dev/null || die "$1 still missing after installing $2"
}

free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	die "no free port found"
}

start() {
	need docker-registry docker-registry
	local dir port
	dir=$(mktemp -d "${TMPDIR:-/tmp}/fourc-registry.XXXXXX")
	port=$(free_port)
	cat >"$dir/config.yml" <<CFG
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CFG
	docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
	local pid=$!
	echo "$pid" >"$dir/pid"
	for _ in $(seq 1 150); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			log "registry on 127.0.0.1:$port (pid $pid, storage $dir/data)"
			printf 'REGISTRY=127.0.0.1:%s\nREGISTRY_DIR=%s\nREGISTRY_PID=%s\n' "$port" "$dir" "$pid"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || { cat "$dir/registry.log" >&2; die "docker-registry exited at start-up"; }
		sleep 0.1
	done
	kill "$pid" 2>/dev/null || true
	die "docker-registry not listening on 127.0.0.1:$port after 15s"
}

stop() {
	local dir=${1:?usage: registry-testenv.sh stop REGISTRY_DIR}
	[[ -f $dir/pid ]] || die "no registry started in $dir"
	local pid
	pid=$(cat "$dir/pid")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	rm -rf "$dir"
	log "stopped registry pid $pid"
}

# mirror prints the first main-archive Debian URI from apt's own sources.
mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[[ -f $f ]] || continue
		if [[ $f == *.sources ]]; then
			awk 'function flush() { if (deb && on) for (i = 1; i <= n; i++) print u[i]; deb = 0; on = 1; n = 0 }
				BEGIN { on = 1 }
				/^[ \t]*$/ { flush(); next }
				/^Types:/ { deb = ((" " $0 " ") ~ / deb /) }
				/^Enabled:/ { if ($2 == "no") on = 0 }
				/^URIs:/ { for (i = 2; i <= NF; i++) u[++n] = $i }
				END { flush() }' "$f"
		else
			awk '$1=="deb" { i=2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i }' "$f"
		fi
	done | grep -v security | grep -E '^https?://.*/debian/?$' | awk 'NR == 1' # reads everything: no SIGPIPE under pipefail
}

rootfs() {
	local dir=${XDG_CACHE_HOME:-$HOME/.cache}/fourc/rootfs
	local out=$dir/debian-bookworm-minbase.tar
	mkdir -p "$dir"
	exec 9>"$out.lock"
	flock 9
	if [[ -s $out ]]; then echo "$out"; return 0; fi
	need debootstrap debootstrap
	local m build
	m=$(mirror)
	[[ -n $m ]] || die "no Debian archive in apt's sources"
	build=$(mktemp -d "$dir/build-XXXXXX")
	trap 'rm -rf "$build"' RETURN
	log "debootstrap --variant=minbase bookworm (a few minutes)"
	debootstrap --variant=minbase bookworm "$build/root" "$m" >&2
	rm -rf "$build"/root/var/cache/apt/archives/*.deb "$build"/root/var/lib/apt/lists/* "$build"/root/dev/*
	tar --numeric-owner --sort=name -C "$build/root" -cf "$out.tmp" .
	mv -f "$out.tmp" "$out"
	echo "$out"
}

case ${1:-} in
start) start ;;
stop) stop "${2:-}" ;;
rootfs) rootfs ;;
*) die "usage: registry-testenv.sh start | stop REGISTRY_DIR | rootfs" ;;
esac
