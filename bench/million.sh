#!/usr/bin/env bash
# A community of 10^6 posts, imported and measured (issue 17, "Stay fast at a million posts").
# Usage: bench/million.sh [posts] [engine] [seconds] [connections]
#   posts        1000000 (default), 20000, 20k, 1m …; `real` or `17k` imports the five real dumps instead
#   engine       sqlite (default) or postgres (a throwaway cluster started here and stopped at the end)
#   seconds      of each wrk run (10)
#   connections  of each wrk run (4; threads: THREADS=2)
#
# What it does, in order:
#   1. builds Hearth in release mode (`swift build -c release --product hearth`) unless SKIP_BUILD is set, or uses
#      BIN=/path/to/hearth (its *.resources bundles beside it, as in the release build folder);
#   2. generates a synthetic Stack Exchange dump of that many posts with bench/se-synth.py, once: it is kept in
#      bench/out/synth-<posts> (gitignored) and reused. SEED and SITES change the draw (their own folder);
#   3. makes a fresh community in $OURS (/tmp/hearth-million-<engine>): for postgres, initdb + pg_ctl on a free
#      loopback port (Debian's /usr/lib/postgresql/<newest>/bin, or PGBIN; PG_OPTS adds server options, for
#      example PG_OPTS="-c fsync=off" as the test harness runs it); a community manager and a read API key;
#   4. imports the dump with `hearth import stackexchange`, timed (posts a second, peak memory); then
#      `hearth insight backfill`, timed, so that the server does not read every post in the background while it
#      is measured (NO_BACKFILL=1 skips it and the server does it during the run); prints bytes per post
#      (SQLite file + WAL, or pg_database_size);
#   5. starts `hearth serve` and runs wrk --latency on each scenario, reading the server's CPU time from
#      /proc/<pid>/stat before and after: CPU ms per request, p50, p99, requests a second, non-2xx answers; on
#      PostgreSQL also the cluster's CPU per request (postmaster and backends), which the server's leaves out;
#   6. isolation: a cached anonymous topic page alone (wrk -c$ISO_CONN), then the same while wrk -c$NOISE_CONN
#      hammers the scenario with the fewest requests a second; the ratio of the two (aim: ≥ 80 %);
#   7. the server's resident memory (VmRSS, VmHWM) and one markdown table, also written to $OURS/report.md.
#
# The deep pages follow the "next" link DEEP_PAGES=50 times (30 topics a page: about topic 1,500), on the page and
# through the API's nextCursor. The profiles are the member with the most posts and one with the fewest (at least
# one). The server, the background wrk and the PostgreSQL cluster are stopped on exit, whatever happens; the data
# folder is kept for a look afterwards (the next run removes it).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

POSTS_ARG=${1:-1000000}
ENGINE=${2:-sqlite}
DUR=${3:-10}
CONN=${4:-4}
THREADS=${THREADS:-2}
SEED=${SEED:-42}
SITES=${SITES:-5}
DEEP_PAGES=${DEEP_PAGES:-50}
ISO_CONN=${ISO_CONN:-8}
NOISE_CONN=${NOISE_CONN:-2}
# wrk gives up on a request after 2 s by default and then records no latency for it; pages at 10^6 may be slower.
WRK_TIMEOUT=${WRK_TIMEOUT:-30s}
OURS=${OURS:-/tmp/hearth-million-$ENGINE}
DUMPS=${DUMPS:-$(cd "$ROOT/.." && pwd)/shared/data/forums/stackexchange}
CLK_TCK=$(getconf CLK_TCK)

. "$ROOT/bench/common.sh"

case "$ENGINE" in sqlite | postgres) ;; *) die "engine is sqlite or postgres, not '$ENGINE'." ;; esac
case "$POSTS_ARG" in
  real | 17k) POSTS=real ;;
  *[0-9][kK]) POSTS=$((${POSTS_ARG%[kK]} * 1000)) ;;
  *[0-9][mM]) POSTS=$((${POSTS_ARG%[mM]} * 1000000)) ;;
  *[!0-9]* | "") die "posts is a whole number (20000, 20k, 1m) or 'real', not '$POSTS_ARG'." ;;
  *) POSTS=$POSTS_ARG ;;
esac
[[ "$DUR" =~ ^[1-9][0-9]*$ ]] || die "seconds is a whole number, not '$DUR'."
[[ "$CONN" =~ ^[1-9][0-9]*$ ]] || die "connections is a whole number, not '$CONN'."

need wrk "apt-get install wrk"
need curl "apt-get install curl"
need python3 "apt-get install python3"
if [ "$ENGINE" = sqlite ]; then
  need sqlite3 "apt-get install sqlite3 (to find the largest category and the profiles)"
else
  need psql "apt-get install postgresql-client"
  PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
  [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] ||
    die "PostgreSQL's initdb and pg_ctl are missing (looked in '${PGBIN:-/usr/lib/postgresql/*/bin}'): apt-get install postgresql, or set PGBIN."
fi

# 1. The binary.
BIN_GIVEN=${BIN:-}
if [ -n "${BIN:-}" ]; then
  [ -x "$BIN" ] || die "BIN=$BIN is not an executable."
  ls -d "$(dirname "$BIN")"/*.resources >/dev/null 2>&1 ||
    echo "million.sh: warning: no *.resources bundle beside $BIN; the server may miss its templates." >&2
else
  need swift "install Swift 6.2, or set BIN=/path/to/hearth"
  if [ -z "${SKIP_BUILD:-}" ]; then
    say "swift build -c release --product hearth"
    swift build -c release --product hearth >&2 || die "the release build failed."
  fi
  BIN=$(swift build -c release --show-bin-path)/hearth
  [ -x "$BIN" ] || die "$BIN is missing: build it (without SKIP_BUILD) or set BIN."
fi
# What was measured: the last commit that changed Hearth itself (bench/ changes nothing it runs), or the binary given.
if [ -n "${BIN_GIVEN:-}" ]; then
  HEARTH="Hearth at $BIN"
else
  COMMIT=$(git -C "$ROOT" log -1 --format=%h -- Sources Package.swift Package.resolved 2>/dev/null || echo unknown)
  [ -z "$(git -C "$ROOT" status --porcelain -- Sources Package.swift Package.resolved 2>/dev/null)" ] ||
    COMMIT="$COMMIT with uncommitted changes"
  HEARTH="Hearth $COMMIT"
fi

# 2. The dump.
if [ "$POSTS" = real ]; then
  [ -d "$DUMPS" ] || die "no real dumps in $DUMPS (set DUMPS)."
  SITE_DIRS=()
  for dir in "$DUMPS"/*/; do [ -f "$dir/Posts.xml" ] && SITE_DIRS+=("${dir%/}"); done
  [ ${#SITE_DIRS[@]} -gt 0 ] || die "no dump (a folder with Posts.xml) in $DUMPS."
  DUMP_NAME="the ${#SITE_DIRS[@]} real dumps in $DUMPS"
else
  [ "$POSTS" -ge 100 ] || die "posts must be at least 100."
  OUT=$ROOT/bench/out/synth-$POSTS
  [ "$SEED" = 42 ] && [ "$SITES" = 5 ] || OUT=$OUT-seed$SEED-sites$SITES
  if [ -d "$OUT" ]; then
    say "reusing the dump in ${OUT#"$ROOT"/}"
  else
    say "generating ${OUT#"$ROOT"/}"
    python3 "$ROOT/bench/se-synth.py" --posts "$POSTS" --out "$OUT" --seed "$SEED" --sites "$SITES" --real "$DUMPS" ||
      die "the dump could not be generated."
  fi
  SITE_DIRS=("$OUT"/*/)
  SITE_DIRS=("${SITE_DIRS[@]%/}")
  DUMP_NAME="${OUT#"$ROOT"/} (seed $SEED, $SITES sites)"
fi

# 3. A fresh community.
PIDS_TO_STOP=()
PG_DATA=
cleanup() {
  local pid
  for pid in "${PIDS_TO_STOP[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS_TO_STOP[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$PG_DATA" ]; then as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root; Debian's package has a postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -f "$OURS/server.pid" ]; then kill "$(cat "$OURS/server.pid")" 2>/dev/null || true; fi
if [ -f "$OURS/pg/data/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$OURS/pg/data" -m fast -w stop >/dev/null 2>&1 || true; fi
# REUSE=1 measures again the community a previous run left in $OURS (its SQLite file, or its PostgreSQL cluster,
# started again): no import, no backfill.
REUSE=${REUSE:-}
if [ -n "$REUSE" ]; then
  case "$ENGINE" in sqlite) KEPT=$OURS/data/hearth.sqlite ;; postgres) KEPT=$OURS/pg/data/PG_VERSION ;; esac
  [ -f "$OURS/import.time" ] && [ -f "$KEPT" ] || die "REUSE needs a previous $ENGINE run's data in $OURS."
else
  rm -rf "$OURS" && mkdir -p "$OURS"
fi
PORT=${PORT:-$(free_port)}
URL=http://127.0.0.1:$PORT
export HEARTH_DATA_DIR=$OURS/data HEARTH_PORT=$PORT HEARTH_PUBLIC_URL=$URL HEARTH_LOG_LEVEL=warning
unset HEARTH_DATABASE_URL

if [ "$ENGINE" = postgres ]; then
  mkdir -p "$OURS/pg"
  [ "$(id -u)" != 0 ] || chown -R postgres "$OURS/pg"
  PG_DATA=$OURS/pg/data
  PG_PORT=$(free_port)
  say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') in $OURS/pg on port $PG_PORT ${PG_OPTS:+($PG_OPTS)}"
  if [ -z "$REUSE" ]; then
    as_pg "$PGBIN/initdb" -D "$PG_DATA" -U hearth --auth=trust -E UTF8 --locale=C.UTF-8 >"$OURS/pg/initdb.log" 2>&1 ||
      die "initdb failed: see $OURS/pg/initdb.log"
  fi
  as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$OURS/pg/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $OURS/pg -c listen_addresses=127.0.0.1 ${PG_OPTS:-}" start >/dev/null ||
    { PG_DATA= ; die "PostgreSQL did not start: see $OURS/pg/server.log"; }
  if [ -z "$REUSE" ]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U hearth -d postgres -qAtc "CREATE DATABASE hearth" >/dev/null ||
      die "could not create the database."
  fi
  export HEARTH_DATABASE_URL="postgres://hearth@127.0.0.1:$PG_PORT/hearth?sslmode=disable"
fi

# The community's own questions, on either engine: one value, or rows separated by '|'.
q() {
  if [ "$ENGINE" = sqlite ]; then
    sqlite3 -readonly "$HEARTH_DATA_DIR/hearth.sqlite" "$1"
  else
    psql -h 127.0.0.1 -p "$PG_PORT" -U hearth -d hearth -qAt -c "$1"
  fi
}

if [ -z "$REUSE" ]; then
  echo "a long enough password" | "$BIN" create-admin --email cm@example.org --name "Camille" >/dev/null ||
    die "hearth create-admin failed."
fi
KEY=$("$BIN" api-key create --name bench --scope read 2>/dev/null | tail -1)
[ -n "$KEY" ] || die "hearth api-key create printed no key."

# 4. Import, readings, size.
if [ -z "$REUSE" ]; then
  say "hearth import stackexchange: $DUMP_NAME"
  /usr/bin/time -f "%e %M" -o "$OURS/import.time" "$BIN" import stackexchange "${SITE_DIRS[@]}" \
    >"$OURS/import.log" 2>&1 || { tail -5 "$OURS/import.log" >&2; die "the import failed: see $OURS/import.log"; }
fi
read -r IMPORT_S IMPORT_KB <"$OURS/import.time"
POST_COUNT=$(q "SELECT COUNT(*) FROM posts")
TOPIC_COUNT=$(q "SELECT COUNT(*) FROM topics")
MEMBER_COUNT=$(q "SELECT COUNT(*) FROM members")
IMPORT_RATE=$(awk -v n="$POST_COUNT" -v s="$IMPORT_S" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 1) }')
echo "imported $POST_COUNT posts, $TOPIC_COUNT topics, $MEMBER_COUNT members in $IMPORT_S s: $IMPORT_RATE posts/s, peak $((IMPORT_KB / 1024)) MiB" >&2

BACKFILL_LINE="skipped (NO_BACKFILL)"
if [ -n "$REUSE" ]; then
  BACKFILL_LINE="from the earlier run (REUSE)"
elif [ -z "${NO_BACKFILL:-}" ]; then
  say "hearth insight backfill"
  /usr/bin/time -f "%e %M" -o "$OURS/backfill.time" "$BIN" insight backfill >"$OURS/backfill.log" 2>&1 ||
    { tail -5 "$OURS/backfill.log" >&2; die "the backfill failed: see $OURS/backfill.log"; }
  read -r BACKFILL_S BACKFILL_KB <"$OURS/backfill.time"
  BACKFILL_LINE="$BACKFILL_S s, $(awk -v n="$POST_COUNT" -v s="$BACKFILL_S" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 1) }') posts/s, peak $((BACKFILL_KB / 1024)) MiB"
  echo "backfill: $BACKFILL_LINE" >&2
fi

if [ "$ENGINE" = sqlite ]; then
  DB_BYTES=0
  for f in "$HEARTH_DATA_DIR"/hearth.sqlite "$HEARTH_DATA_DIR"/hearth.sqlite-wal; do
    [ -f "$f" ] && DB_BYTES=$((DB_BYTES + $(stat -c %s "$f")))
  done
  SIZE_WHAT="SQLite file + WAL"
else
  q "CHECKPOINT" >/dev/null 2>&1 || true
  DB_BYTES=$(q "SELECT pg_database_size('hearth')")
  SIZE_WHAT="pg_database_size"
fi
BYTES_PER_POST=$(awk -v b="$DB_BYTES" -v n="$POST_COUNT" 'BEGIN { printf "%.0f", b / (n > 0 ? n : 1) }')
DB_MIB=$(awk -v b="$DB_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "data: $DB_MIB MiB ($SIZE_WHAT), $BYTES_PER_POST bytes per post" >&2

# What to ask for: the largest category, the busiest and a quiet member, a topic with a full first page.
IFS='|' read -r CAT_ID CAT_SLUG CAT_TOPICS <<<"$(q "SELECT c.id, c.slug, COUNT(*) AS n FROM topics t JOIN categories c ON c.id = t.category_id GROUP BY c.id, c.slug ORDER BY n DESC, c.id LIMIT 1")"
IFS='|' read -r BUSY_ID BUSY_HANDLE BUSY_POSTS <<<"$(q "SELECT m.id, m.handle, COUNT(*) AS n FROM posts p JOIN members m ON m.id = p.author_id GROUP BY m.id, m.handle ORDER BY n DESC, m.id LIMIT 1")"
IFS='|' read -r QUIET_ID QUIET_HANDLE QUIET_POSTS <<<"$(q "SELECT m.id, m.handle, COUNT(*) AS n FROM posts p JOIN members m ON m.id = p.author_id GROUP BY m.id, m.handle ORDER BY n, m.id LIMIT 1")"
TOPIC_ID=$(q "SELECT id FROM topics WHERE category_id = $CAT_ID AND post_count >= 20 ORDER BY id LIMIT 1")
[ -n "$TOPIC_ID" ] || TOPIC_ID=$(q "SELECT id FROM topics ORDER BY post_count DESC, id LIMIT 1")
[ -n "$CAT_SLUG" ] && [ -n "$BUSY_HANDLE" ] && [ -n "$QUIET_HANDLE" ] && [ -n "$TOPIC_ID" ] ||
  die "the imported community has no category, member or topic to measure."
echo "largest category /c/$CAT_SLUG ($CAT_TOPICS topics); busiest member @$BUSY_HANDLE ($BUSY_POSTS posts), a quiet one @$QUIET_HANDLE ($QUIET_POSTS); topic $TOPIC_ID" >&2

# 5. The server.
start_server
echo "$SERVER" >"$OURS/server.pid"
AUTH=(-H "Authorization: Bearer $KEY")

# PostgreSQL's CPU: the postmaster with the backends it has reaped, and the live backends (its children). The
# command name is "postgres", without spaces, so fields count as in proc(5).
pg_ticks() {
  local postmaster
  postmaster=$(head -1 "$PG_DATA/postmaster.pid")
  # A process may end between the glob and the read: cat then fails, and that is no error here.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$postmaster" '
    $1 == pm { t += $14 + $15 + $16 + $17 } $4 == pm { t += $14 + $15 } END { print t + 0 }'
}

ROWS=()
SLOWEST_URL= SLOWEST_NAME= SLOWEST_RPS= SLOWEST_AUTH=
LAST_RPS=0
# measure NAME PATH [curl/wrk header options…]: one wrk run, one table row.
measure() {
  local name=$1 path=$2
  shift 2
  local code
  code=$(curl -s -o "$OURS/last-body" -w '%{http_code}' "$@" "$URL$path")
  if [ "$code" != 200 ]; then
    echo "$name: $path answered $code, not measured" >&2
    ROWS+=("| $name | HTTP $code |$([ "$ENGINE" != postgres ] || echo ' |') | | | |")
    LAST_RPS=0
    return
  fi
  local before after out pg_before=0 pg_after=0
  [ "$ENGINE" != postgres ] || pg_before=$(pg_ticks)
  before=$(cpu_ticks)
  out=$(wrk --latency --timeout "$WRK_TIMEOUT" -t"$THREADS" -c"${MEASURE_CONN:-$CONN}" -d"${DUR}s" "$@" "$URL$path") || true
  after=$(cpu_ticks)
  [ "$ENGINE" != postgres ] || pg_after=$(pg_ticks)
  echo "$out" >>"$OURS/wrk.log"
  local requests rps p50 p99 errors cpu pg_cpu=""
  requests=$(echo "$out" | awk '/requests in/ { print $1 }')
  rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
  p50=$(ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
  errors=$(echo "$out" | awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }')
  cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.2f", t * 1000 / hz / (n > 0 ? n : 1) }')
  [ "$ENGINE" != postgres ] ||
    pg_cpu=$(awk -v t=$((pg_after - pg_before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.2f", t * 1000 / hz / (n > 0 ? n : 1) }')
  printf '%-44s %8s ms/req%s  p50 %8s ms  p99 %8s ms  %9s req/s  %s errors\n' "$name" "$cpu" \
    "${pg_cpu:+ (+ $pg_cpu in PostgreSQL)}" "$p50" "$p99" "$rps" "$errors" >&2
  ROWS+=("| $name | $cpu |${pg_cpu:+ $pg_cpu |} $p50 | $p99 | $rps | $errors |")
  LAST_RPS=$rps
  if [ -z "${NOT_SLOWEST:-}" ] && { [ -z "$SLOWEST_RPS" ] || awk -v a="$rps" -v b="$SLOWEST_RPS" 'BEGIN { exit !(a < b) }'; }; then
    SLOWEST_RPS=$rps SLOWEST_NAME=$name SLOWEST_URL=$path
    SLOWEST_AUTH=$([ $# -gt 0 ] && echo yes || true)
  fi
}

# The "next" link of an HTML list, followed DEEP_PAGES times (fewer when the list ends); prints the last path.
deep_page() {
  local path=$1 next hops=0
  while [ "$hops" -lt "$DEEP_PAGES" ]; do
    next=$(curl -sf "$URL$path" | grep -o '<a href="[^"]*" rel="next"' | head -1 | sed 's/^<a href="//; s/" rel="next"$//; s/&amp;/\&/g') || true
    [ -n "$next" ] || break
    path=$next
    hops=$((hops + 1))
  done
  echo "$hops $path"
}
# The API's nextCursor, followed DEEP_PAGES times.
deep_cursor() {
  local path=$1 sep=$2 cursor hops=0 current=$1
  while [ "$hops" -lt "$DEEP_PAGES" ]; do
    cursor=$(curl -sf "${AUTH[@]}" "$URL$current" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("nextCursor") or "")') || true
    [ -n "$cursor" ] || break
    current="$path${sep}cursor=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$cursor")"
    hops=$((hops + 1))
  done
  echo "$hops $current"
}

# Other work on the machine moves every number here: say how busy it was.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "wrk -t$THREADS -c$CONN -d${DUR}s on $URL (server pid $SERVER, load average $LOAD_BEFORE)"
read -r HOPS DEEP_PATH <<<"$(deep_page "/c/$CAT_SLUG")"
read -r API_HOPS API_DEEP_PATH <<<"$(deep_cursor "/api/v1/topics?categoryId=$CAT_ID" "&")"

measure "/latest" "/latest"
measure "/c/$CAT_SLUG ($CAT_TOPICS topics)" "/c/$CAT_SLUG"
measure "/c/$CAT_SLUG, page $((HOPS + 1)) (?after=)" "$DEEP_PATH"
measure "profile, $QUIET_POSTS posts (@$QUIET_HANDLE)" "/u/$QUIET_HANDLE"
measure "profile, $BUSY_POSTS posts (@$BUSY_HANDLE)" "/u/$BUSY_HANDLE"
measure "search xor" "/search?q=xor"
measure "search bicycle" "/search?q=bicycle"
measure "search bi" "/search?q=bi"
measure "search question" "/search?q=question"
measure "search the" "/search?q=the"
measure "search question, category $CAT_SLUG" "/search?q=question&category=$CAT_ID"
measure "search the, author @$BUSY_HANDLE" "/search?q=the&author=$BUSY_HANDLE"
measure "search the, page 50" "/search?q=the&page=50"
measure "API topics" "/api/v1/topics" "${AUTH[@]}"
measure "API topics, category $CAT_SLUG" "/api/v1/topics?categoryId=$CAT_ID" "${AUTH[@]}"
measure "API topics, category, page $((API_HOPS + 1)) (cursor)" "$API_DEEP_PATH" "${AUTH[@]}"
measure "API member (@$BUSY_HANDLE)" "/api/v1/members/$BUSY_ID" "${AUTH[@]}"
measure "API search xor" "/api/v1/search?q=xor" "${AUTH[@]}"
measure "API search bi" "/api/v1/search?q=bi" "${AUTH[@]}"
measure "API search the" "/api/v1/search?q=the" "${AUTH[@]}"
measure "API search question, category" "/api/v1/search?q=question&category=$CAT_ID" "${AUTH[@]}"
measure "API search the, author" "/api/v1/search?q=the&author=$BUSY_HANDLE" "${AUTH[@]}"
measure "API search the, page 50 (cursor 980)" "/api/v1/search?q=the&cursor=980" "${AUTH[@]}"

# 6. Isolation.
say "isolation: /t/$TOPIC_ID alone, then beside wrk -c$NOISE_CONN on '$SLOWEST_NAME'"
NOT_SLOWEST=1 MEASURE_CONN=$ISO_CONN measure "topic /t/$TOPIC_ID, anonymous (cached), c$ISO_CONN" "/t/$TOPIC_ID"
ALONE=$LAST_RPS
NOISE_AUTH=()
[ -z "$SLOWEST_AUTH" ] || NOISE_AUTH=("${AUTH[@]}")
wrk --timeout "$WRK_TIMEOUT" -t1 -c"$NOISE_CONN" -d"$((DUR + 3))s" "${NOISE_AUTH[@]}" "$URL$SLOWEST_URL" >"$OURS/noise.log" 2>&1 &
NOISE=$!
PIDS_TO_STOP+=("$NOISE")
sleep 1
NOT_SLOWEST=1 MEASURE_CONN=$ISO_CONN measure "topic /t/$TOPIC_ID beside $SLOWEST_NAME" "/t/$TOPIC_ID"
BESIDE=$LAST_RPS
wait "$NOISE" 2>/dev/null || true
NOISE_RPS=$(awk '/^Requests\/sec/ { print $2 }' "$OURS/noise.log")
ISOLATION=$(awk -v a="$ALONE" -v b="$BESIDE" 'BEGIN { if (a > 0) printf "%.0f %%", 100 * b / a; else print "n/a" }')

# 7. Memory and the report.
RSS=$(awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$SERVER/status")
HWM=$(awk '/^VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$SERVER/status")
{
  echo
  echo "$HEARTH, $ENGINE, $DUMP_NAME: $POST_COUNT posts, $TOPIC_COUNT topics, $MEMBER_COUNT members"
  echo "wrk -t$THREADS -c$CONN -d${DUR}s --latency, 127.0.0.1, $(nproc) cores (load average at the start of the runs: $LOAD_BEFORE), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  if [ "$ENGINE" = postgres ]; then
    echo "| scenario | CPU ms/req | PostgreSQL CPU ms/req | p50 ms | p99 ms | req/s | non-2xx |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
  else
    echo "| scenario | CPU ms/req | p50 ms | p99 ms | req/s | non-2xx |"
    echo "|---|---:|---:|---:|---:|---:|"
  fi
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "- import: $IMPORT_RATE posts/s ($POST_COUNT posts in $IMPORT_S s, peak $((IMPORT_KB / 1024)) MiB)"
  echo "- readings backfill: $BACKFILL_LINE"
  echo "- data: $DB_MIB MiB ($SIZE_WHAT), $BYTES_PER_POST bytes per post"
  echo "- server memory after the run: VmRSS $RSS, VmHWM $HWM"
  echo "- isolation: the cached topic page keeps $ISOLATION of its rate ($BESIDE against $ALONE req/s) while wrk -c$NOISE_CONN runs '$SLOWEST_NAME' (${NOISE_RPS:-?} req/s); aim ≥ 80 %"
} | tee "$OURS/report.md"
