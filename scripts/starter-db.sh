#!/usr/bin/env bash
# Build fourc's offline starter vulnerability database from the real OSV
# records of the Go vulnerability database (golang.org/x/vulndb, pinned),
# fetched through the Go module proxy like any module.
#
#   scripts/starter-db.sh                 # into $FOURC_DB or the user cache dir
#   scripts/starter-db.sh --db /tmp/x.db  # anywhere else
#
# Needs only the go command. The import is atomic: a failure leaves any
# existing database as it was.
set -euo pipefail

VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=$(go mod download -json "$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$dir" ] || [ ! -d "$dir/data/osv" ]; then
	echo "starter-db: could not download $VULNDB" >&2
	exit 2
fi
exec go run ./cmd/fourc db import "$@" "$dir/data/osv"
