#!/usr/bin/env bash
# The review queue with 10,000 pending items on SQLite: latency of the queue's first page over the API and as the
# HTML page a moderator reads. Usage: bench/review-queue.sh [seconds] [connections] [items]
#
# Builds Hearth in release mode, makes a fresh community, flags real posts so that each item has a post, an
# author and flags behind it, then pads the queue to the item count with flagged posts of one topic, and runs wrk
# with --latency on 127.0.0.1. The aim (moderation issue): p99 under 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
CONN=${2:-8}
ITEMS=${3:-10000}
OURS=/tmp/hearth-review-bench
PORT=${PORT:-8091}
URL=http://127.0.0.1:$PORT

[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product hearth >&2
BIN=$(swift build -c release --show-bin-path)/hearth
[ -f "$OURS/server.pid" ] && kill "$(cat "$OURS/server.pid")" 2>/dev/null || true
rm -rf "$OURS" && mkdir -p "$OURS"
export HEARTH_DATA_DIR=$OURS/data HEARTH_PORT=$PORT HEARTH_PUBLIC_URL=$URL HEARTH_LOG_LEVEL=warning
echo "a long enough password" | "$BIN" create-admin --email cm@example.org --name "Camille" >/dev/null
KEY=$("$BIN" api-key create --name bench --scope write 2>/dev/null)
"$BIN" serve >"$OURS/server.log" 2>&1 &
echo $! >"$OURS/server.pid"
trap 'kill "$(cat "$OURS/server.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done

api() { curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" -d "$2" "$URL/api/v1$1"; }
api /categories '{"name": "General", "description": "Benchmark"}' >/dev/null
api /topics '{"categoryId": 1, "title": "A heated benchmark thread", "body": "The opening post."}' >/dev/null
echo "Writing $ITEMS posts and as many review items…" >&2
DB=$OURS/data/hearth.sqlite
# Posts and their flagged items straight into the database (the server reads them like any other): one topic,
# ITEMS replies by the community manager, each with an open review item of its own, scores spread out.
sqlite3 "$DB" <<SQL
PRAGMA busy_timeout = 10000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $ITEMS + 1)
-- A post's content, uncompressed: its Markdown, NUL, its HTML (see PostContent).
INSERT INTO posts (topic_id, number, author_id, content, created_at, edit_count, moderation)
SELECT 1, i, 1, CAST(X'00' || 'Reply ' || i || ' with a few words to review.' || X'00' ||
  '<p>Reply ' || i || ' with a few words to review.</p>' AS BLOB), 1790000000000 + i, 0, 'visible' FROM n;
UPDATE topics SET highest_number = $ITEMS + 1, post_count = $ITEMS + 1 WHERE id = 1;
INSERT INTO review_items (kind, post_id, open_key, reasons, score, created_at, updated_at)
SELECT 'flagged_post', id, 'flagged_post:p' || id, '["inappropriate ×2","“rude”"]', (id % 97) / 10.0,
  1790000000000 + id, 1790000000000 + id FROM posts WHERE number > 1;
COMMIT;
SQL
sqlite3 "$DB" "SELECT COUNT(*) || ' open items' FROM review_items WHERE handled_at IS NULL" >&2

# A moderator's session for the page.
JAR=$OURS/cookies
curl -sf -c "$JAR" -b "$JAR" "$URL/login" >"$OURS/login.html"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OURS/login.html" | head -1)
curl -sf -c "$JAR" -b "$JAR" -o /dev/null -d "csrf=$CSRF&email=cm%40example.org&password=a+long+enough+password" "$URL/login"
SESSION=$(awk '$6 == "hearth_session" {print $7}' "$JAR")

echo "== GET /api/v1/review (first page of $ITEMS items)"
wrk -t2 -c"$CONN" -d"${DUR}s" --latency -H "Authorization: Bearer $KEY" "$URL/api/v1/review" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /review with ${PAGE_CONN:-2} connections (the moderator's page: 30 items, each with its post, context, flags and author)"
wrk -t1 -c"${PAGE_CONN:-2}" -d"${DUR}s" --latency -H "Cookie: hearth_session=$SESSION" "$URL/review" | sed -n '/Latency Distribution/,/Requests\/sec/p'
curl -s -o /dev/null -w "page status %{http_code}, %{size_download} bytes\n" -H "Cookie: hearth_session=$SESSION" "$URL/review"
