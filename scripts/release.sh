#!/usr/bin/env bash
# Release binaries: static (CGO_ENABLED=0), stripped (-s -w), reproducible
# (-trimpath, no VCS stamp, file times from the last commit) fourc builds for
# linux, darwin and windows on amd64 and arm64, written to dist/ with a
# SHA256SUMS file. `fourc version` prints the stamped version.
#
#   bash scripts/release.sh                      # all six targets
#   bash scripts/release.sh --only linux/amd64   # one target (repeatable)
#   VERSION=v1.2.3 OUT=/tmp/dist bash scripts/release.sh
#
# VERSION defaults to `git describe --tags --always --dirty`. No network is
# used beyond the Go module proxy (GOFLAGS=-mod=mod is never set; go.sum rules).
# See docs/release.md for sizes and timings.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
only=()
while [ $# -gt 0 ]; do
	case "$1" in
	--only)
		[ $# -ge 2 ] || { echo "release.sh: --only needs a target such as linux/amd64" >&2; exit 2; }
		only+=("$2"); shift 2 ;;
	--only=*) only+=("${1#--only=}"); shift ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "release.sh: unknown argument \"$1\" (use --only OS/ARCH)" >&2; exit 2 ;;
	esac
done
if [ ${#only[@]} -gt 0 ]; then
	for t in "${only[@]}"; do
		case " ${targets[*]} " in
		*" $t "*) ;;
		*) echo "release.sh: unknown target \"$t\" (one of: ${targets[*]})" >&2; exit 2 ;;
		esac
	done
	targets=("${only[@]}")
fi

version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
out=${OUT:-dist}
# The last commit's time: file times in dist/ do not depend on when the build ran.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

ldflags="-s -w -X github.com/fourc-dev/fourc/internal/cli.version=$version"
mkdir -p "$out"
rm -f "$out/SHA256SUMS"

names=()
for t in "${targets[@]}"; do
	goos=${t%/*} goarch=${t#*/}
	name="fourc_${version}_${goos}_${goarch}"
	[ "$goos" = windows ] && name="$name.exe"
	start=$(date +%s)
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch \
		go build -trimpath -buildvcs=false -ldflags="$ldflags" -o "$out/$name" ./cmd/fourc
	touch -d "@$SOURCE_DATE_EPOCH" "$out/$name"
	echo "$name  $(wc -c <"$out/$name") bytes  $(( $(date +%s) - start )) s"
	names+=("$name")
done

if command -v sha256sum >/dev/null; then sum=(sha256sum); else sum=(shasum -a 256); fi
(cd "$out" && "${sum[@]}" "${names[@]}" >SHA256SUMS)
touch -d "@$SOURCE_DATE_EPOCH" "$out/SHA256SUMS"
echo "$out/SHA256SUMS"
