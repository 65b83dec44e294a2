#!/usr/bin/env bash
# The priority inbox with 10^6 posts on SQLite: latency of its first page and of a page deep in the list over the
# API, and of the HTML page a community manager reads. Usage: bench/inbox.sh [seconds] [connections] [posts] [items]
#
# Builds Hearth in release mode (unless SKIP_BUILD is set), makes a fresh community, has two members who signed up
# write a real question and a reply so that the server itself makes inbox items (their facts and reasons JSON are
# the templates of the rest), then writes members, topics, posts up to the post count and inbox items straight
# into the database, and runs wrk with --latency on 127.0.0.1. The aim (inbox issue): the inbox page and
# GET /api/v1/inbox with p99 under 50 ms with 10^6 posts on SQLite.
#
# Shape (environment): MEMBERS=300 members, TOPICS=50000 topics in two categories, the posts spread evenly over
# them (numbers 1..n per topic), bodies of about 200 characters; ITEMS inbox items on distinct posts, 80 % open
# (2 % of those snoozed), 10 % handled, 10 % closed, scores spread over -3 … 7. The seeded posts are not in the
# search index and have no readings: the inbox reads neither. Every awaiting question is older than the wait
# (6 h) and already counted as waited, so the inbox's clock has nothing to write during the run.
# DEEP_PAGES=50 pages of 100 are followed through nextCursor for the deep cursor (item ~5,000 of the list); a
# second cursor, 100 items before the end of the list, is read from the database.
# PAGE_CONN=2 connections for the HTML page.
#
# The seeding is one transaction from recursive CTEs, written with synchronous = OFF (a throwaway database; with the
# default the commit and checkpoint of ~550 MB wait on fsync: 108 s against 35 s while a build shared the machine,
# 9-12 s on a quiet one). The server is started before it, so the readings backfill (which
# `hearth serve` schedules at start when posts have no reading) does not run: restarting a server on this data
# folder would spend minutes reading 10^6 posts in the background. ANALYZE runs at the end: it mattered to no
# plan (EXPLAIN QUERY PLAN of the inbox's list, cursor and count queries, the page's post and topic reads, with
# and without sqlite_stat1: the same), and stays so that the planner sees what an old community's database has.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
CONN=${2:-8}
POSTS=${3:-1000000}
ITEMS=${4:-200000}
MEMBERS=${MEMBERS:-300}
TOPICS=${TOPICS:-50000}
DEEP_PAGES=${DEEP_PAGES:-50}
OURS=/tmp/hearth-inbox-bench
PORT=${PORT:-8092}
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
api /categories '{"name": "Support", "description": "Benchmark"}' >/dev/null

# Two members sign up; one asks, the other replies with a question of their own: the server reads both and puts
# them in the inbox as it would any member's posts (the first one answered by the second, the second waiting).
csrf() { curl -sf -c "$1" -b "$1" "$URL$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4; }
signup() {
  local jar=$OURS/$1.cookies
  curl -sf -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$(csrf "$jar" /signup)" \
    --data-urlencode "name=$2" --data-urlencode "email=$1@example.org" \
    --data-urlencode "password=a long enough password" "$URL/signup"
}
signup asker "Ada Asker"
signup replier "Rémi Replier"
JAR=$OURS/asker.cookies
TOPIC_URL=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w '%{redirect_url}' \
  --data-urlencode "csrf=$(csrf "$JAR" /new-topic)" --data-urlencode "category=2" \
  --data-urlencode "title=Exporting my reading list" \
  --data-urlencode "body=How do I export my reading list to a spreadsheet? I looked everywhere in the settings." \
  "$URL/new-topic")
TOPIC_PATH=$(echo "$TOPIC_URL" | sed -n 's#^[a-z]*://[^/]*\(/t/[0-9]*\).*#\1#p')
[ -n "$TOPIC_PATH" ] || { echo "The member's topic was not created (got '$TOPIC_URL')." >&2; exit 1; }
JAR=$OURS/replier.cookies
curl -sf -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$(csrf "$JAR" "$TOPIC_PATH")" \
  --data-urlencode "body=Same here: since the last update the export button does nothing on my phone. Is there another way to get a CSV file?" \
  "$URL$TOPIC_PATH/replies"
DB=$OURS/data/hearth.sqlite
REAL=$(sqlite3 "$DB" "SELECT COUNT(*) FROM inbox_items WHERE kind = 'post'")
[ "$REAL" -gt 0 ] || { echo "The members' posts made no inbox item: nothing to copy." >&2; exit 1; }
echo "$REAL real inbox item(s) as templates:" >&2
sqlite3 "$DB" "SELECT '  ' || id || ' awaiting=' || awaiting_answer || ' score=' || round(score, 2) || ' ' || reasons FROM inbox_items" >&2

# Members, topics, posts and inbox items straight into the database (the server reads them like any other), in
# one transaction. Post k (0-based) is number k / TOPICS + 1 of topic k % TOPICS, written by member k·7919 mod
# MEMBERS, 30 s after post k - 1; the last one 7 h ago. Item i points at post i·(posts / items).
echo "Writing $MEMBERS members, $TOPICS topics, posts up to $POSTS and $ITEMS inbox items…" >&2
NOW_MS=$(($(date +%s) * 1000))
START=$(date +%s%N)
sqlite3 "$DB" >/dev/null <<SQL
PRAGMA busy_timeout = 10000;
PRAGMA cache_size = -1000000;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE bench AS SELECT
  (SELECT MAX(id) FROM members) AS m0, (SELECT MAX(id) FROM topics) AS t0, (SELECT MAX(id) FROM posts) AS p0,
  (SELECT MAX(id) FROM inbox_items) AS i0, $POSTS - (SELECT COUNT(*) FROM posts) AS s,
  $NOW_MS - 7 * 3600000 AS last, $TOPICS AS t, $MEMBERS AS m;
CREATE TEMP TABLE tpl AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS r, facts, reasons, awaiting_answer
  FROM inbox_items WHERE kind = 'post';

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $MEMBERS)
INSERT INTO members (id, email, display_name, role, password_hash, created_at, handle, bio, last_seen_at)
SELECT m0 + i, 'bench' || i || '@example.org', 'Bench Member ' || i, 'member', '!',
  $NOW_MS - 400 * 86400000 + i * 60000, 'bench' || i, '', $NOW_MS FROM n, bench;

WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < $TOPICS - 1)
INSERT INTO topics (id, category_id, author_id, title, created_at, last_posted_at, last_poster_id, post_count,
  highest_number)
SELECT t0 + 1 + j, 1 + j % 2, m0 + 1 + (j * 7919) % m,
  CASE j % 6 WHEN 0 THEN 'Export to a spreadsheet, ' WHEN 1 THEN 'Notifications arrive twice, '
    WHEN 2 THEN 'Dark mode for the reader, ' WHEN 3 THEN 'The app closes on login, '
    WHEN 4 THEN 'Which plan for a small team, ' ELSE 'Meet-up ideas for the spring, ' END || 'thread ' || j,
  last - (s - 1 - j) * 30000, last - (s - 1 - j) * 30000, m0 + 1 + (j * 7919) % m, 0, 0
FROM n, bench;

WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < (SELECT s FROM bench) - 1),
body(k, number, text) AS (SELECT k, k / t + 1,
  CASE k % 6
    WHEN 0 THEN 'Since the last update the export page takes a long time to open on my phone, and sometimes it closes. '
    WHEN 1 THEN 'I agree with the previous reply: the settings page could say more clearly where each option lives. '
    WHEN 2 THEN 'Thanks for the tip, it worked for me after I signed out and back in again on both of my devices. '
    WHEN 3 THEN 'Would it be possible to choose which notifications arrive by mail and which only in the app itself? '
    WHEN 4 THEN 'We tried this with our reading group last month and the shared lists were the part people liked. '
    ELSE 'Could someone explain how the reading statistics are counted? The numbers on my profile look odd. ' END ||
  CASE (k / 6) % 5
    WHEN 0 THEN 'I am on the latest version, with the default settings.'
    WHEN 1 THEN 'Happy to send more details or a screenshot if it helps.'
    WHEN 2 THEN 'It has been like this for about two weeks now, I think.'
    WHEN 3 THEN 'Does anyone else see the same thing on a tablet too?'
    ELSE 'Reply ' || (k / t + 1) || ' in this thread, for what it is worth.' END
  FROM n, bench)
-- A post's content, uncompressed: its Markdown, NUL, its HTML (see PostContent).
INSERT INTO posts (id, topic_id, number, author_id, content, created_at, edit_count, moderation)
SELECT p0 + 1 + k, t0 + 1 + k % t, number, m0 + 1 + (k * 7919) % m,
  CAST(X'00' || text || X'00' || '<p>' || text || '</p>' AS BLOB),
  last - (s - 1 - k) * 30000, 0, 'visible'
FROM body, bench;

UPDATE topics SET
  highest_number = (SELECT MAX(number) FROM posts p WHERE p.topic_id = topics.id),
  post_count = (SELECT COUNT(*) FROM posts p WHERE p.topic_id = topics.id),
  last_posted_at = (SELECT p.created_at FROM posts p WHERE p.topic_id = topics.id ORDER BY p.number DESC LIMIT 1),
  last_poster_id = (SELECT p.author_id FROM posts p WHERE p.topic_id = topics.id ORDER BY p.number DESC LIMIT 1)
WHERE id > (SELECT t0 FROM bench);

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $ITEMS - 1),
chosen(i, id, k, state) AS (SELECT i, i0 + 1 + i, i * (s / $ITEMS),
  CASE i % 10 WHEN 3 THEN 'handled' WHEN 7 THEN 'closed' ELSE 'open' END FROM n, bench)
INSERT INTO inbox_items (id, source_key, kind, post_id, topic_id, category_id, author_id, facts, reasons, score,
  state, awaiting_answer, waited, snoozed_until, decided_by, decision, decided_at, created_at, updated_at)
SELECT c.id, 'post:' || (p0 + 1 + c.k), 'post', p0 + 1 + c.k, t0 + 1 + c.k % t, 1 + (c.k % t) % 2,
  m0 + 1 + (c.k * 7919) % m,
  CASE WHEN c.state = 'open' AND tpl.awaiting_answer = 1 THEN json_set(tpl.facts, '\$.waited', json('true'))
    ELSE tpl.facts END,
  tpl.reasons, ((c.id * 7919) % 10000) / 1000.0 - 3, c.state,
  CASE WHEN c.state = 'open' THEN tpl.awaiting_answer ELSE 0 END,
  CASE WHEN c.state = 'open' THEN tpl.awaiting_answer ELSE 0 END,
  CASE WHEN c.state = 'open' AND c.i % 50 = 11 THEN $NOW_MS + 86400000 END,
  CASE WHEN c.state = 'handled' THEN 1 END, CASE WHEN c.state = 'handled' THEN 'handled' END,
  CASE WHEN c.state = 'handled' THEN last - (s - 1 - c.k) * 30000 + 3600000 END,
  last - (s - 1 - c.k) * 30000, last - (s - 1 - c.k) * 30000
FROM chosen c, bench JOIN tpl ON tpl.r = c.i % (SELECT COUNT(*) FROM tpl);
COMMIT;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "Seeded in $((($(date +%s%N) - START) / 1000000)) ms" >&2
sqlite3 "$DB" "SELECT (SELECT COUNT(*) FROM posts) || ' posts, ' || (SELECT COUNT(*) FROM topics) || ' topics, ' ||
  (SELECT COUNT(*) FROM members) || ' members, ' || (SELECT COUNT(*) FROM inbox_items) || ' inbox items, ' ||
  (SELECT COUNT(*) FROM inbox_items WHERE state = 'open' AND snoozed_until IS NULL) || ' listed'" >&2
echo "Database: $(du -sh "$OURS/data" | cut -f1) ($(stat -c %s "$DB") bytes in hearth.sqlite)" >&2

# A cursor deep in the list: follow nextCursor through DEEP_PAGES pages of 100.
CURSOR=$(python3 - "$URL" "$KEY" "$DEEP_PAGES" <<'PY'
import json, sys, urllib.parse, urllib.request
url, key, pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
cursor = None
for _ in range(pages):
    query = url + "/api/v1/inbox?limit=100" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
    request = urllib.request.Request(query, headers={"Authorization": "Bearer " + key})
    cursor = json.load(urllib.request.urlopen(request))["nextCursor"]
print(urllib.parse.quote(cursor))
PY
)

# And one near the end of the list, 100 items before its last, straight from the database (following nextCursor
# that far means some 1,500 requests): what a page costs when the keyset range does not start at the cursor.
LAST=$(sqlite3 "$DB" "SELECT printf('%.17g', score) || '_' || id FROM inbox_items WHERE state = 'open' AND
  snoozed_until IS NULL ORDER BY score, id LIMIT 1 OFFSET 100")

# A community manager's session for the page.
JAR=$OURS/cookies
curl -sf -c "$JAR" -b "$JAR" "$URL/login" >"$OURS/login.html"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OURS/login.html" | head -1)
curl -sf -c "$JAR" -b "$JAR" -o /dev/null -d "csrf=$CSRF&email=cm%40example.org&password=a+long+enough+password" "$URL/login"
SESSION=$(awk '$6 == "hearth_session" {print $7}' "$JAR")

echo "== GET /api/v1/inbox (first page of 20)"
wrk -t2 -c"$CONN" -d"${DUR}s" --latency -H "Authorization: Bearer $KEY" "$URL/api/v1/inbox" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/inbox?cursor=$CURSOR (after $DEEP_PAGES pages of 100)"
wrk -t2 -c"$CONN" -d"${DUR}s" --latency -H "Authorization: Bearer $KEY" "$URL/api/v1/inbox?cursor=$CURSOR" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/inbox?cursor=$LAST (100 items before the end of the list)"
wrk -t2 -c"$CONN" -d"${DUR}s" --latency -H "Authorization: Bearer $KEY" "$URL/api/v1/inbox?cursor=$LAST" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /inbox with ${PAGE_CONN:-2} connections (the community manager's page: 20 items, each with its post, thread and forms)"
wrk -t1 -c"${PAGE_CONN:-2}" -d"${DUR}s" --latency -H "Cookie: hearth_session=$SESSION" "$URL/inbox" | sed -n '/Latency Distribution/,/Requests\/sec/p'
curl -s -o /dev/null -w "page status %{http_code}, %{size_download} bytes\n" -H "Cookie: hearth_session=$SESSION" "$URL/inbox"
