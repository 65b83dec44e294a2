#!/usr/bin/env bash
# Reading the imported Stack Exchange dumps with the triage engine: `hearth insight backfill` on the five dumps
# of ../shared/data/forums/stackexchange, in a fresh SQLite community. Usage: bench/backfill.sh [batch]
# The aim (moderation issue): at least 20,000 posts a second.
set -euo pipefail
cd "$(dirname "$0")/.."
BATCH=${1:-10000}
OURS=/tmp/hearth-backfill-bench
DUMPS=$(cd ../shared/data/forums/stackexchange && pwd)
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product hearth >&2
BIN=$(swift build -c release --show-bin-path)/hearth
rm -rf "$OURS" && mkdir -p "$OURS"
export HEARTH_DATA_DIR=$OURS/data HEARTH_LOG_LEVEL=warning
"$BIN" import stackexchange "$DUMPS"/*/ >/dev/null
echo "== hearth insight backfill (batch $BATCH)"
/usr/bin/time -f "%e s elapsed, %M KiB peak resident" "$BIN" insight backfill --batch "$BATCH"
