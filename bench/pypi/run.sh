#!/usr/bin/env bash
# Comparison: fourc and osv-scanner (the reference), offline, on the same real PyPI advisories
# (shared/data/pypi-osv/all.zip) and the same requirements file of old packages. Prints both
# tools' time and memory and how their (package, version, advisory) sets compare.
# Not a test.
#
#   bash bench/pypi/run.sh
#
# Env: BENCH_HOME (default: $XDG_CACHE_HOME/fourc-bench); ANCHORS_BIN (default: the anchors'
# install directory), where shared/anchors/install.sh puts osv-scanner.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${FOURC_TEST_DATA:-$ROOT/../shared/data}
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
ANCHORS_BIN=${ANCHORS_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-anchors/bin}
WORK=$BENCH_HOME/pypi

log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
if [ ! -x "$ANCHORS_BIN/osv-scanner" ]; then
	log "installing osv-scanner (shared/anchors/install.sh)"
	ANCHORS_BIN=$ANCHORS_BIN ANCHORS_SKIP="trivy gitleaks syft grype kube-score conftest tfsec govulncheck" \
		bash "$ROOT/../shared/anchors/install.sh" >&2
fi
mkdir -p "$WORK/db/osv-scalibr/PyPI" "$WORK/proj"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

(cd "$ROOT" && go build -trimpath -ldflags="-s -w" -o "$WORK/fourc" ./cmd/fourc)
cp "$DATA/pypi-osv/all.zip" "$WORK/db/osv-scalibr/PyPI/all.zip"
rm -f "$WORK/fourc.db"
"$WORK/fourc" db import --db "$WORK/fourc.db" "$DATA/pypi-osv/all.zip" >/dev/null
printf '%s\n' django==2.2.0 urllib3==1.24.1 requests==2.19.0 jinja2==2.10 pyyaml==5.1 flask==0.12 \
	pillow==6.0.0 cryptography==2.3 >"$WORK/proj/requirements.txt"

cat >"$WORK/osv-scanner" <<EOS
#!/usr/bin/env bash
OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$WORK/db" exec "$ANCHORS_BIN/osv-scanner" scan source --offline-vulnerabilities --format json -r "$WORK/proj"
EOS
chmod +x "$WORK/osv-scanner"

echo "== requirements.txt of 8 old PyPI packages, real PyPI OSV records, offline"
measure fourc "$WORK/fourc.json" "$WORK/fourc" scan "$WORK/proj" --db "$WORK/fourc.db" --offline --scanners vuln --format json
measure osv-scanner "$WORK/osv.json" "$WORK/osv-scanner"
ratio osv-scanner fourc
python3 - "$WORK/fourc.json" "$WORK/osv.json" <<'PY'
import json, sys
ours = {(f["vulnerability"]["package"].lower(), f["vulnerability"]["installed_version"], f["vulnerability"]["id"])
        for f in json.load(open(sys.argv[1]))["findings"] if f.get("vulnerability")}
theirs = {(p["package"]["name"].lower(), p["package"]["version"], v["id"])
          for r in json.load(open(sys.argv[2])).get("results", []) for p in r["packages"] for v in p["vulnerabilities"]}
print(f"fourc {len(ours)}, osv-scanner {len(theirs)}, both {len(ours & theirs)}")
print("only fourc:", sorted(ours - theirs))
print("only osv-scanner:", sorted(theirs - ours))
PY
