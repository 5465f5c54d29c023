#!/usr/bin/env bash
# browser-test.sh — a real headless Chromium for the HTML report's browser test.
#
# usage:
#   scripts/browser-test.sh chromium   install Debian's chromium package when it is missing
#                                      (apt-get, needs root) and print the browser's path
#   scripts/browser-test.sh [run]      install it if needed, then run the HTML report's browser
#                                      test (go test -run TestHTMLInBrowser ./internal/report);
#                                      the screenshot goes to $FOURC_ARTIFACTS (or a temp dir)
#                                      and its path is printed
#
# The Go test calls "scripts/browser-test.sh chromium" itself, so `go test ./internal/report`
# works on a fresh machine too. Logs go to stderr; stdout carries only the answer.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'browser-test: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_chromium() {
	local b
	for b in chromium chromium-browser; do
		if command -v "$b" >/dev/null 2>&1; then
			command -v "$b"
			return 0
		fi
	done
	return 1
}

install_chromium() {
	find_chromium && return 0
	[[ $(id -u) == 0 ]] || die "chromium is missing and installing it with apt-get needs root"
	log "installing chromium with apt-get (once; this takes a few minutes)"
	# Several people may install at once on a shared machine: wait for dpkg's lock.
	local apt=(apt-get -o DPkg::Lock::Timeout=900 -qq)
	DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >&2
	DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends chromium fonts-dejavu-core >&2
	find_chromium || die "chromium still missing after apt-get install chromium"
}

case "${1:-run}" in
chromium)
	install_chromium
	;;
run)
	install_chromium >/dev/null
	go test -count=1 -run 'TestHTMLInBrowser' -v ./internal/report >&2
	;;
*)
	die "unknown command ${1} (want chromium or run)"
	;;
esac
