#!/usr/bin/env bash
# Polling outside sources (issue 22): what a round of polls costs `hearth serve` in CPU.
# Usage: bench/sources.sh [sources] [entries per feed]
#   sources   500 (default);  entries 20 (default), two in five of them saying the keyword
#
# What it does, on SQLite:
#   1. a feed server on loopback (Python's ThreadingHTTPServer, answering If-Modified-Since with 304), one feed
#      file of that many entries, each source reading it under its own address (?source=N);
#   2. `hearth serve` (HEARTH_SOURCES_ALLOW_PRIVATE=true), that many feed sources added through the API, keyword
#      "Hearth", an hour apart;
#   3. the first round: every source due at once (written into the database, so that no request is counted), the
#      server's CPU time until every source was read: the entries fetched, parsed, deduplicated, matched, read by
#      the engine and put into the inbox;
#   4. the unchanged round, the aim's: every source due again, nothing changed (each poll a conditional GET
#      answered 304), the server's CPU time until every source was read again; then the server idle for as long,
#      which is subtracted (the clock's other jobs);
#   5. the peer: the same conditional GETs made by a bare Python loop (http.client, one connection per request as
#      Hearth makes), its CPU time, for the ratio.
# The aim: an unchanged round of 500 sources under 1 s of CPU in total.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SOURCES=${1:-500}
ENTRIES=${2:-20}
OURS=${OURS:-/tmp/hearth-sources}
CLK_TCK=$(getconf CLK_TCK)
. "$ROOT/bench/common.sh"
need curl "apt-get install curl"
need sqlite3 "apt-get install sqlite3"
need python3 "apt-get install python3"

hearth_bin
rm -rf "$OURS"
mkdir -p "$OURS/feeds"
PIDS_TO_STOP=()
trap 'for p in "${PIDS_TO_STOP[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

python3 - "$ENTRIES" >"$OURS/feeds/feed.xml" <<'PY'
import sys, datetime
n = int(sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc)
print('<?xml version="1.0" encoding="UTF-8"?>')
print('<rss version="2.0"><channel><title>A neighbouring forum</title>')
for i in range(n):
    said = "Hearth" if i % 5 < 2 else "the club software"
    when = (now - datetime.timedelta(hours=i)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    print(f'<item><title>Thread {i}: about {said}</title><link>https://forum.example/t/{i}</link>'
          f'<guid>t-{i}</guid><pubDate>{when}</pubDate><description>Someone wrote about {said}: the export, '
          f'the French translation and the dark mode, with a question at the end of post {i}?</description></item>')
print('</channel></rss>')
PY
FEED_PORT=$(free_port)
python3 - "$FEED_PORT" "$OURS/feeds" >"$OURS/feeds.log" 2>&1 <<'PY' &
import sys, functools
from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), functools.partial(Quiet, directory=sys.argv[2])).serve_forever()
PY
PIDS_TO_STOP+=($!)

PORT=${PORT:-$(free_port)}
URL=http://127.0.0.1:$PORT
export HEARTH_DATA_DIR=$OURS/data HEARTH_PORT=$PORT HEARTH_PUBLIC_URL=$URL HEARTH_LOG_LEVEL=warning
export HEARTH_SOURCES_ALLOW_PRIVATE=true
unset HEARTH_DATABASE_URL
DB=$HEARTH_DATA_DIR/hearth.sqlite
"$BIN" migrate >/dev/null || die "hearth migrate failed."
echo "a long enough password" | "$BIN" create-admin --email cm@example.org --name "Camille" >/dev/null ||
  die "hearth create-admin failed."
KEY=$("$BIN" api-key create --name bench --scope write 2>/dev/null | tail -1)
[ -n "$KEY" ] || die "hearth api-key create printed no key."
start_server

say "adding $SOURCES feed sources"
python3 - "$URL" "$KEY" "$SOURCES" "$FEED_PORT" <<'PY' || die "the sources could not be added."
import json, sys, urllib.request
url, key, count, feed = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
for n in range(count):
    body = json.dumps({"kind": "feed", "name": f"Forum {n}", "url": f"http://127.0.0.1:{feed}/feed.xml?source={n}",
                       "keywords": ["Hearth"], "intervalSeconds": 3600}).encode()
    request = urllib.request.Request(url + "/api/v1/sources", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
PY

# Makes every source due now and waits until each was read after that moment; prints the server's CPU ticks spent
# and the seconds it took.
round() {
  local start before after millis
  millis=$(($(date +%s%3N)))
  before=$(cpu_ticks)
  start=$(date +%s.%N)
  sqlite3 "$DB" "PRAGMA busy_timeout = 10000; UPDATE sources SET next_poll_at = $millis" >/dev/null
  for _ in $(seq 1200); do
    left=$(sqlite3 "$DB" "PRAGMA busy_timeout = 10000; SELECT COUNT(*) FROM sources WHERE last_polled_at IS NULL OR last_polled_at < $millis" | tail -1)
    [ "$left" = 0 ] && break
    sleep 0.25
  done
  [ "$left" = 0 ] || die "$left sources were not read within 5 minutes: see $OURS/server.log"
  after=$(cpu_ticks)
  echo "$((after - before)) $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
}
seconds() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'; }

say "first round: $SOURCES sources, $ENTRIES entries each, all new"
read -r FIRST FIRST_WALL < <(round)
ITEMS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM inbox_items WHERE kind = 'outside'")
SEEN=$(sqlite3 "$DB" "SELECT COUNT(*) FROM outside_items")
FAILING=$(sqlite3 "$DB" "SELECT COUNT(*) FROM sources WHERE last_error IS NOT NULL")
[ "$FAILING" = 0 ] || die "$FAILING sources failed: $(sqlite3 "$DB" "SELECT last_error FROM sources WHERE last_error IS NOT NULL LIMIT 1")"
echo "first round: $(seconds "$FIRST") s of CPU over ${FIRST_WALL} s; $SEEN entries kept, $ITEMS in the inbox" >&2

say "unchanged round: the same $SOURCES sources, nothing new"
read -r SECOND SECOND_WALL < <(round)
AFTER=$(sqlite3 "$DB" "SELECT COUNT(*) FROM outside_items")
[ "$AFTER" = "$SEEN" ] || die "the unchanged round brought $((AFTER - SEEN)) entries in."
before=$(cpu_ticks)
sleep "$SECOND_WALL"
IDLE=$(($(cpu_ticks) - before))
NET=$((SECOND - IDLE))
echo "unchanged round: $(seconds "$SECOND") s of CPU over ${SECOND_WALL} s; idle for as long: $(seconds "$IDLE") s; net $(seconds "$NET") s" >&2

say "peer: $SOURCES conditional GETs from a bare Python loop"
PEER=$(python3 - "$FEED_PORT" "$SOURCES" <<'PY'
import http.client, os, sys, email.utils, time
port, count = int(sys.argv[1]), int(sys.argv[2])
since = email.utils.formatdate(time.time() + 60, usegmt=True)
start = os.times()
for n in range(count):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", f"/feed.xml?source={n}", headers={"If-Modified-Since": since})
    response = connection.getresponse()
    response.read()
    assert response.status == 304, response.status
    connection.close()
end = os.times()
print(f"{end.user + end.system - start.user - start.system:.2f}")
PY
)
echo "peer: $PEER s of CPU" >&2
RSS=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$SERVER/status")
{
  echo "bench/sources.sh $SOURCES $ENTRIES — $(date -u +%Y-%m-%dT%H:%MZ), build $(git rev-parse --short HEAD)"
  echo
  echo "| round | server CPU, s | wall, s | idle for as long, s | net CPU, s | per source, ms |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| first ($SEEN entries kept, $ITEMS in the inbox) | $(seconds "$FIRST") | $FIRST_WALL | | | $(awk -v t="$FIRST" -v hz="$CLK_TCK" -v n="$SOURCES" 'BEGIN { printf "%.2f", t * 1000 / hz / n }') |"
  echo "| unchanged (each a 304) | $(seconds "$SECOND") | $SECOND_WALL | $(seconds "$IDLE") | $(seconds "$NET") | $(awk -v t="$NET" -v hz="$CLK_TCK" -v n="$SOURCES" 'BEGIN { printf "%.2f", t * 1000 / hz / n }') |"
  echo
  echo "Peer, the same $SOURCES conditional GETs from a bare Python loop: $PEER s of CPU; Hearth's unchanged round (net)"
  echo "is $(awk -v h="$NET" -v hz="$CLK_TCK" -v p="$PEER" 'BEGIN { printf "%.1f", (h / hz) / (p > 0 ? p : 0.01) }')× that. Peak RSS $RSS MiB."
} | tee "$OURS/result.md"
