#!/usr/bin/env bash
# People at scale (issue 18): the people pass on 100,000 members and 10^6 posts, and /people's latency.
# Usage: bench/people.sh [posts] [members] [seconds] [connections]
#   posts        1000000 (default)
#   members      100000 (default): the synthetic dump gets posts/members posts per member
#   seconds      of each wrk run (10); connections of each wrk run (4; threads: THREADS=2)
#
# What it does, on SQLite:
#   1. builds Hearth in release mode unless SKIP_BUILD is set (or uses BIN=/path/to/hearth);
#   2. generates a synthetic Stack Exchange dump with bench/se-synth.py, once (bench/out/synth-<posts>-m<members>,
#      gitignored), its questions spread from 2016 to about now so that the last weeks hold activity;
#   3. imports it into a fresh community in $OURS (/tmp/hearth-people), then writes what an import cannot bring:
#      the members who never wrote (up to the count asked for), days visited (twelve draws over the last 120 days for
#      two members in three) and read positions (a topic for every member), with sqlite3;
#   4. runs `hearth people refresh` twice, timed with /usr/bin/time (seconds, peak memory): the first pass moves
#      every member up the trust ladder, the second is the hourly pass of a settled community;
#   5. starts `hearth serve` and runs wrk --latency on /api/v1/people for each segment and on the /people page
#      (logged in as the community manager), with the server's CPU time per request from /proc.
# REUSE=1 skips steps 2 and 3 and measures the community a previous run left in $OURS.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

POSTS=${1:-1000000}
MEMBERS=${2:-100000}
DUR=${3:-10}
CONN=${4:-4}
THREADS=${THREADS:-2}
OURS=${OURS:-/tmp/hearth-people}
DUMPS=${DUMPS:-$(cd "$ROOT/.." && pwd)/shared/data/forums/stackexchange}
CLK_TCK=$(getconf CLK_TCK)

. "$ROOT/bench/common.sh"
[[ "$POSTS" =~ ^[1-9][0-9]*$ ]] || die "posts is a whole number, not '$POSTS'."
[[ "$MEMBERS" =~ ^[1-9][0-9]*$ ]] || die "members is a whole number, not '$MEMBERS'."
need wrk "apt-get install wrk"
need curl "apt-get install curl"
need sqlite3 "apt-get install sqlite3"
need python3 "apt-get install python3"

if [ -z "${BIN:-}" ]; then
  if [ -z "${SKIP_BUILD:-}" ]; then
    say "swift build -c release --product hearth"
    swift build -c release --product hearth >&2 || die "the release build failed."
  fi
  BIN=$ROOT/.build/release/hearth
fi
[ -x "$BIN" ] || die "no hearth binary at $BIN (build it, or set BIN)."

PIDS_TO_STOP=()
cleanup() { for pid in "${PIDS_TO_STOP[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
PORT=${PORT:-$(free_port)}
URL=http://127.0.0.1:$PORT
export HEARTH_DATA_DIR=$OURS/data HEARTH_PORT=$PORT HEARTH_PUBLIC_URL=$URL HEARTH_LOG_LEVEL=warning
unset HEARTH_DATABASE_URL
DB=$HEARTH_DATA_DIR/hearth.sqlite
q() { sqlite3 "$DB" "$1"; }

if [ -z "${REUSE:-}" ]; then
  PER_MEMBER=$(awk -v p="$POSTS" -v m="$MEMBERS" 'BEGIN { printf "%.3f", p / m }')
  OUT=$ROOT/bench/out/synth-$POSTS-m$MEMBERS
  if [ ! -f "$OUT/SOURCE.md" ]; then
    say "se-synth.py: $POSTS posts, $PER_MEMBER a member, into $OUT"
    python3 "$ROOT/bench/se-synth.py" --posts "$POSTS" --out "$OUT" --seed 42 --sites 5 \
      --posts-per-member "$PER_MEMBER" --years 10.9 --real "$DUMPS" >&2 || die "se-synth.py failed."
  fi
  rm -rf "$OURS" && mkdir -p "$OURS"
  echo "a long enough password" | "$BIN" create-admin --email cm@example.org --name "Camille" >/dev/null ||
    die "hearth create-admin failed."
  say "hearth import stackexchange"
  /usr/bin/time -f "%e %M" -o "$OURS/import.time" "$BIN" import stackexchange "$OUT"/synth* \
    >"$OURS/import.log" 2>&1 || { tail -5 "$OURS/import.log" >&2; die "the import failed: see $OURS/import.log"; }
  say "visits and read positions"
  TODAY=$(( $(date +%s) / 86400 ))
  q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
     INSERT OR IGNORE INTO member_visits (member_id, day)
     SELECT m.id, $TODAY - abs(random()) % 120 FROM members m, n WHERE m.id % 3 <> 0;
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
     INSERT OR IGNORE INTO topic_reads (member_id, topic_id, last_read_number)
     SELECT m.id, t.id, t.highest_number FROM members m, n
     JOIN topics t ON t.id = 1 + abs(random()) % (SELECT MAX(id) FROM topics);"
fi
# An import brings only the members who wrote; a community also has those who only read. They make up the count.
HAVE=$(q "SELECT COUNT(*) FROM members")
if [ "$HAVE" -lt "$MEMBERS" ]; then
  say "$((MEMBERS - HAVE)) members who never wrote"
  NOW_MS=$(($(date +%s) * 1000))
  q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $((MEMBERS - HAVE)))
     INSERT INTO members (email, handle, display_name, role, password_hash, created_at, trust_level)
     SELECT 'reader' || i || '@bench.invalid', 'bench_reader_' || i, 'Reader ' || i, 'member', '!bench',
       $NOW_MS - abs(random()) % (730 * 86400000), 'basic' FROM n;
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
     INSERT OR IGNORE INTO member_visits (member_id, day)
     SELECT m.id, $(($(date +%s) / 86400)) - abs(random()) % 120 FROM members m, n
     WHERE m.email LIKE '%@bench.invalid' AND m.id % 3 <> 0;"
fi
# PREPARE_ONLY=1: the community is what another bench (letters.sh) wanted; stop here.
[ -z "${PREPARE_ONLY:-}" ] || exit 0
read -r IMPORT_S IMPORT_KB <"$OURS/import.time"
POST_COUNT=$(q "SELECT COUNT(*) FROM posts")
MEMBER_COUNT=$(q "SELECT COUNT(*) FROM members")
RECENT=$(q "SELECT COUNT(*) FROM posts WHERE created_at > (strftime('%s', 'now') - 182 * 86400) * 1000")
VISITS=$(q "SELECT COUNT(*) FROM member_visits")
READS=$(q "SELECT COUNT(*) FROM topic_reads")
echo "community: $POST_COUNT posts ($RECENT in the last 26 weeks), $MEMBER_COUNT members, $VISITS days visited, $READS read positions; imported in $IMPORT_S s" >&2

# Migrations first, so that the passes time only themselves.
"$BIN" migrate >/dev/null || die "hearth migrate failed."
PASSES=()
for pass in first second; do
  say "hearth people refresh ($pass pass)"
  /usr/bin/time -f "%e %M %U %S" -o "$OURS/pass-$pass.time" "$BIN" people refresh >"$OURS/pass-$pass.log" 2>&1 ||
    { tail -5 "$OURS/pass-$pass.log" >&2; die "the people pass failed: see $OURS/pass-$pass.log"; }
  read -r S KB USER SYS <"$OURS/pass-$pass.time"
  echo "$pass pass: $S s wall, $USER s user + $SYS s system CPU, peak $((KB / 1024)) MiB" >&2
  PASSES+=("| $pass pass | $S | $USER + $SYS | $((KB / 1024)) |")
done
SEGMENTS=$(q "SELECT group_concat(segment || ' ' || n, ', ') FROM (SELECT segment, COUNT(*) AS n FROM people_segments GROUP BY segment)")
LEVELS=$(q "SELECT group_concat('level ' || level || ' ' || n, ', ') FROM (SELECT level, COUNT(*) AS n FROM member_levels WHERE week = (SELECT week FROM people_passes) GROUP BY level)")
TRUST=$(q "SELECT group_concat(trust_level || ' ' || n, ', ') FROM (SELECT trust_level, COUNT(*) AS n FROM members GROUP BY trust_level)")
echo "segments: $SEGMENTS; $LEVELS; trust: $TRUST" >&2

KEY=$("$BIN" api-key create --name bench --scope read 2>/dev/null | tail -1)
[ -n "$KEY" ] || die "hearth api-key create printed no key."
start_server

COOKIE=$(manager_cookie)

ROWS=()
AUTH=(-H "Authorization: Bearer $KEY")
for segment in power newcomers shy slipping penalised; do
  measure "GET /api/v1/people?segment=$segment" "/api/v1/people?segment=$segment" "${AUTH[@]}"
done
# A page deep in the largest segment, by its cursor.
DEEP=$(q "SELECT rank || '_' || member_id FROM people_segments WHERE segment = 'shy' ORDER BY rank, member_id LIMIT 1 OFFSET 25")
[ -z "$DEEP" ] || measure "GET /api/v1/people (shy, last page)" "/api/v1/people?segment=shy&cursor=$DEEP" "${AUTH[@]}"
measure "GET /people?segment=shy (page)" "/people?segment=shy" -H "Cookie: $COOKIE"
RSS=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$SERVER/status")

{
  echo "bench/people.sh $POSTS $MEMBERS $DUR $CONN — $(date -u +%Y-%m-%dT%H:%MZ), build $(git rev-parse --short HEAD)"
  echo
  echo "$POST_COUNT posts ($RECENT in the last 26 weeks), $MEMBER_COUNT members, $VISITS days visited, $READS read positions."
  echo "Segments: $SEGMENTS. Engagement: $LEVELS. Trust: $TRUST."
  echo
  echo "| people pass | wall s | CPU s (user + system) | peak MiB |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${PASSES[@]}"
  echo
  echo "| request (wrk -t$THREADS -c$CONN -d${DUR}s) | server CPU ms/req | p50 ms | p99 ms | req/s | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Server peak resident memory: $RSS MiB."
} | tee "$OURS/report.md"
