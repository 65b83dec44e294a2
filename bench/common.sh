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
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The server's CPU time so far, in clock ticks ($SERVER is its pid).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
# wrk's latencies ("850.00us", "1.23ms", "1.02s", "1.50m") in milliseconds.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 0;
  printf (n * f < 10 ? "%.2f" : "%.1f"), n * f }'; }
