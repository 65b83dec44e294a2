# Shared by the benchmark scripts (sourced, not run): messages, checks and small measures.
# The sourcing script's name prefixes its messages.
BENCH_NAME=${BENCH_NAME:-$(basename "$0")}
die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
# Whatever else stops the script says where (set -e alone leaves without a word).
trap 'echo "$BENCH_NAME: line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
say() { echo "== $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: $2"; }
# Starts "$BIN serve --port $PORT" (log in $OURS/server.log, pid in SERVER, stopped with PIDS_TO_STOP) and waits up
# to 120 s for /healthz.
start_server() {
  "$BIN" serve --port "$PORT" >"$OURS/server.log" 2>&1 &
  SERVER=$!
  PIDS_TO_STOP+=("$SERVER")
  for _ in $(seq 600); do
    curl -sf "$URL/healthz" >/dev/null 2>&1 && return
    kill -0 "$SERVER" 2>/dev/null || { tail -5 "$OURS/server.log" >&2; die "hearth serve stopped: see $OURS/server.log"; }
    sleep 0.2
  done
  die "hearth serve did not answer /healthz in 120 s: see $OURS/server.log"
}
# Sets BIN: as given, or the release build (made here unless SKIP_BUILD is set); dies when there is none.
hearth_bin() {
  if [ -z "${BIN:-}" ]; then
    [ -n "${SKIP_BUILD:-}" ] || swift build -c release --product hearth >&2 || die "the release build failed."
    BIN=$ROOT/.build/release/hearth
  fi
  [ -x "$BIN" ] || die "no hearth binary at $BIN (build it, or set BIN)."
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The server's CPU time so far, in clock ticks ($SERVER is its pid).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
# wrk's latencies ("850.00us", "1.23ms", "1.02s", "1.50m") in milliseconds.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 0;
  printf (n * f < 10 ? "%.2f" : "%.1f"), n * f }'; }
# Logs in as cm@example.org and prints the Cookie header's value for its session.
manager_cookie() {
  JAR=$OURS/cookies
  curl -s -c "$JAR" "$URL/login" >"$OURS/login.html"
  CSRF=$(grep -o 'name="csrf" value="[^"]*"' "$OURS/login.html" | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "email=cm@example.org" \
    --data-urlencode "password=a long enough password" --data-urlencode "csrf=$CSRF" "$URL/login"
  # curl writes HttpOnly cookies as comments ("#HttpOnly_host …"): read them too.
  sed 's/^#HttpOnly_//' "$JAR" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }'
}
# wrk --latency on a path (curl's options after it, such as -H), with the server's CPU time per request; appends a
# Markdown row to ROWS. Needs OURS, URL, SERVER, THREADS, CONN, DUR and CLK_TCK.
measure() {
  local name=$1 path=$2
  shift 2
  local code
  code=$(curl -s -o "$OURS/last-body" -w '%{http_code}' "$@" "$URL$path")
  [ "$code" = 200 ] || die "$path answered $code (see $OURS/last-body)."
  local before after out requests rps p50 p99 errors cpu
  before=$(cpu_ticks)
  out=$(wrk --latency --timeout 30s -t"$THREADS" -c"$CONN" -d"${DUR}s" "$@" "$URL$path") || true
  after=$(cpu_ticks)
  requests=$(echo "$out" | awk '/requests in/ { print $1 }')
  rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
  p50=$(ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
  errors=$(echo "$out" | awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }')
  cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.2f", t * 1000 / hz / (n > 0 ? n : 1) }')
  printf '%-40s %7s ms/req  p50 %7s ms  p99 %7s ms  %8s req/s  %s errors\n' "$name" "$cpu" "$p50" "$p99" "$rps" "$errors" >&2
  ROWS+=("| $name | $cpu | $p50 | $p99 | $rps | $errors |")
}
