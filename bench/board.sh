#!/usr/bin/env bash
# The feedback board at 100,000 items (issue 20): how long placing a new post takes, and the board's latency.
# Usage: bench/board.sh [items] [seconds] [connections]
#   items        100000 (default)
#   seconds      of each wrk run (10); connections of each wrk run (4; threads: 2)
#
# What it does, on SQLite:
#   1. python3 bench/duplicates-data.py writes bench/out/se-posts.txt once: every post of the Stack Exchange dumps
#      in ../shared/data, one a line;
#   2. InsightBench board (release, pinned to one core) builds the grouping index over that many item texts made
#      from those posts, then places 1,000 held-out posts as the board does (gist, then look-up), timing each;
#   3. a fresh community in $OURS (/tmp/hearth-board) gets that many items straight into its database with sqlite3
#      (titles and bodies of about 200 characters, the three kinds, every status, votes 0-499, one in ten tagged
#      with one of eight areas), then `hearth serve` and wrk --latency on the board page (a visitor's), a status's
#      and an area's page, and GET /api/v1/feedback newest first and deep behind a cursor.
# The aims: placing under 1 ms at 100,000 items; the board page's p99 under 50 ms.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ITEMS=${1:-100000}
DUR=${2:-10}
CONN=${3:-4}
OURS=${OURS:-/tmp/hearth-board}
. "$ROOT/bench/common.sh"
[[ "$ITEMS" =~ ^[1-9][0-9]*$ ]] || die "items is a whole number, not '$ITEMS'."
need wrk "apt-get install wrk"
need curl "apt-get install curl"
need sqlite3 "apt-get install sqlite3"
need python3 "apt-get install python3"

[ -f bench/out/se-posts.txt ] || python3 bench/duplicates-data.py >&2
say "placing a post among $ITEMS items (InsightBench board, one core)"
swift build -c release --product InsightBench >&2
taskset -c 0 .build/release/InsightBench board bench/out/se-posts.txt "$ITEMS"

[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product hearth >&2
BIN=${BIN:-$(swift build -c release --show-bin-path)/hearth}
PORT=${PORT:-$(free_port)}
URL=http://127.0.0.1:$PORT
PIDS_TO_STOP=()
trap 'for p in "${PIDS_TO_STOP[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
rm -rf "$OURS" && mkdir -p "$OURS"
export HEARTH_DATA_DIR=$OURS/data HEARTH_PUBLIC_URL=$URL HEARTH_LOG_LEVEL=warning
echo "a long enough password" | "$BIN" create-admin --email cm@example.org --name "Camille" >/dev/null
KEY=$("$BIN" api-key create --name bench --scope write 2>/dev/null)
DB=$OURS/data/hearth.sqlite
say "writing $ITEMS items"
NOW_MS=$(($(date +%s) * 1000))
sqlite3 "$DB" >/dev/null <<SQL
PRAGMA busy_timeout = 10000;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $ITEMS - 1)
INSERT INTO feedback_items (title, body, kind, status, language, vote_count, post_count, status_note, created_by,
  created_at, updated_at)
SELECT 'Item ' || i || ': export the reading list as a spreadsheet, option ' || (i % 97),
  'Members asked for this in thread ' || i || '. ' || substr(hex(randomblob(80)), 1, 160),
  CASE i % 3 WHEN 0 THEN 'suggestion' WHEN 1 THEN 'bug' ELSE 'complaint' END,
  CASE i % 7 WHEN 0 THEN 'planned' WHEN 1 THEN 'done' WHEN 2 THEN 'declined' WHEN 3 THEN 'under_review'
    WHEN 4 THEN 'started' ELSE 'open' END,
  'en', (i * 7919) % 500, 0, '', NULL, $NOW_MS - (($ITEMS - i) * 60000), $NOW_MS - (($ITEMS - i) * 60000)
FROM n;
INSERT INTO feedback_tags (item_id, tag)
SELECT id, CASE id % 8 WHEN 0 THEN 'mobile' WHEN 1 THEN 'billing' WHEN 2 THEN 'search' WHEN 3 THEN 'export'
  WHEN 4 THEN 'editor' WHEN 5 THEN 'login' WHEN 6 THEN 'notifications' ELSE 'profile' END
FROM feedback_items WHERE id % 10 = 0;
COMMIT;
ANALYZE;
SQL
start_server
CURSOR=$(curl -sf "$URL/api/v1/feedback?limit=100" | python3 -c 'import json,sys; print(json.load(sys.stdin)["nextCursor"])')
for _ in $(seq 40); do
  CURSOR=$(curl -sf "$URL/api/v1/feedback?limit=100&cursor=$CURSOR" | python3 -c 'import json,sys; print(json.load(sys.stdin)["nextCursor"])')
done
run() {
  say "$1"
  wrk -t2 -c"$CONN" -d"${DUR}s" --latency "$URL$2" | sed -n '/Latency Distribution/,/Requests\/sec/p'
}
run "GET /feedback (a visitor's board page, most voted first)" /feedback
run "GET /feedback?status=planned" "/feedback?status=planned"
run "GET /feedback?tag=mobile&sort=new" "/feedback?tag=mobile&sort=new"
run "GET /api/v1/feedback?sort=new" "/api/v1/feedback?sort=new"
run "GET /api/v1/feedback?cursor=… (after 41 pages of 100)" "/api/v1/feedback?cursor=$CURSOR"
curl -s -o /dev/null -w "board page status %{http_code}, %{size_download} bytes\n" "$URL/feedback"
