#!/usr/bin/env bash
# The weekly letter and the health dashboard at 10^6 posts (issue 21).
# Usage: bench/letters.sh [posts] [members] [seconds] [connections]
#   posts        1000000 (default);  members 100000 (default)
#   seconds      of each wrk run (10); connections of each wrk run (4; threads: THREADS=2)
#
# What it does, on SQLite:
#   1. makes the community bench/people.sh makes (PREPARE_ONLY: a synthetic Stack Exchange dump of that many posts
#      spread from 2016 to about now, imported, with members who only read and days visited) in $OURS
#      (/tmp/hearth-letters), unless REUSE is set;
#   2. `hearth letter preview --week <last week>` three times, timed: the first counts every day of the community's
#      past into the daily roll-ups, the next ones only recount the last 14 days, as `hearth serve` does every ten
#      minutes; each prints how long the counting and the drafting took;
#   3. `hearth serve`, then wrk --latency on /health?range=quarter (the page, as the community manager) and on
#      GET /api/v1/health?range=quarter, with the server's CPU time per request.
# The aims: drafting a letter in under 2 s; /health for a quarter with a p99 under 300 ms.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
POSTS=${1:-1000000}
MEMBERS=${2:-100000}
DUR=${3:-10}
CONN=${4:-4}
THREADS=${THREADS:-2}
OURS=${OURS:-/tmp/hearth-letters}
CLK_TCK=$(getconf CLK_TCK)
. "$ROOT/bench/common.sh"
need wrk "apt-get install wrk"
need curl "apt-get install curl"
need sqlite3 "apt-get install sqlite3"

hearth_bin
if [ -z "${REUSE:-}" ]; then
  OURS=$OURS PREPARE_ONLY=1 BIN=$BIN bench/people.sh "$POSTS" "$MEMBERS" || die "bench/people.sh could not make the community."
fi
PIDS_TO_STOP=()
trap 'for p in "${PIDS_TO_STOP[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
PORT=${PORT:-$(free_port)}
URL=http://127.0.0.1:$PORT
export HEARTH_DATA_DIR=$OURS/data HEARTH_PORT=$PORT HEARTH_PUBLIC_URL=$URL HEARTH_LOG_LEVEL=warning
unset HEARTH_DATABASE_URL
DB=$HEARTH_DATA_DIR/hearth.sqlite
"$BIN" migrate >/dev/null || die "hearth migrate failed."
WEEK=$(python3 -c 'import datetime; d = datetime.date.today() - datetime.timedelta(days=7); y, w, _ = d.isocalendar(); print(f"{y}-W{w:02d}")')
POST_COUNT=$(sqlite3 "$DB" "SELECT COUNT(*) FROM posts")
WEEK_POSTS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM posts WHERE created_at >= (strftime('%s', 'now') - 14 * 86400) * 1000")
echo "community: $POST_COUNT posts, $WEEK_POSTS in the last 14 days; the letter for $WEEK" >&2

DRAFTS=()
for run in first second third; do
  say "hearth letter preview --week $WEEK ($run run)"
  /usr/bin/time -f "%e %M" -o "$OURS/preview.time" "$BIN" letter preview --week "$WEEK" --html "$OURS/letter.html" \
    >"$OURS/letter.txt" 2>"$OURS/preview.log" || { tail -5 "$OURS/preview.log" >&2; die "the preview failed."; }
  read -r S KB <"$OURS/preview.time"
  TIMES=$(grep -o 'counted in [0-9.]* s; letter drafted in [0-9.]* s' "$OURS/preview.log")
  echo "$run run: $TIMES; the whole command $S s, peak $((KB / 1024)) MiB" >&2
  DRAFTS+=("| $run | $(echo "$TIMES" | awk '{ print $3 }') | $(echo "$TIMES" | awk '{ print $8 }') | $S | $((KB / 1024)) |")
done
DAYS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM health_days")

KEY=$("$BIN" api-key create --name bench --scope read 2>/dev/null | tail -1)
[ -n "$KEY" ] || die "hearth api-key create printed no key."
start_server
COOKIE=$(manager_cookie)
ROWS=()
measure "GET /health?range=quarter (page)" "/health?range=quarter" -H "Cookie: $COOKIE"
measure "GET /api/v1/health?range=quarter" "/api/v1/health?range=quarter" -H "Authorization: Bearer $KEY"
measure "GET /health?range=month (page)" "/health?range=month" -H "Cookie: $COOKIE"
RSS=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$SERVER/status")
{
  echo "bench/letters.sh $POSTS $MEMBERS $DUR $CONN — $(date -u +%Y-%m-%dT%H:%MZ), build $(git rev-parse --short HEAD)"
  echo
  echo "$POST_COUNT posts, $WEEK_POSTS in the last 14 days; $DAYS days rolled up; the letter for $WEEK."
  echo
  echo "| hearth letter preview | health counted, s | letter drafted, s | whole command, s | peak MiB |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s\n' "${DRAFTS[@]}"
  echo
  echo "| request (wrk -t$THREADS -c$CONN -d${DUR}s) | server CPU ms/req | p50 ms | p99 ms | req/s | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Server peak resident memory: $RSS MiB."
} | tee "$OURS/report.md"
