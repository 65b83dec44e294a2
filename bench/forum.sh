#!/usr/bin/env bash
# The forum side by side with Spirit (../shared/bench/peers): same data shape (200 topics × 20 posts), same
# wrk scenarios, one run. Usage: bench/forum.sh [seconds] [connections]
#
# Builds Hearth in release mode, seeds a fresh SQLite community through the JSON API, logs a member in,
# writes /tmp/ours/peer.env with the keys bench-peer.sh reads, starts Spirit if it is not running, and
# prints both tables. Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
CONN=${2:-16}
PEERS=$(cd ../shared/bench/peers && pwd)
OURS=/tmp/ours
PORT=${PORT:-8090}
URL=http://127.0.0.1:$PORT
N_TOPICS=${N_TOPICS:-200}
M_POSTS=${M_POSTS:-20}

swift build -c release --product hearth >&2
BIN=$(swift build -c release --show-bin-path)/hearth

[ -f "$OURS/server.pid" ] && kill "$(cat "$OURS/server.pid")" 2>/dev/null || true
rm -rf "$OURS" && mkdir -p "$OURS"
export HEARTH_DATA_DIR=$OURS/data HEARTH_PORT=$PORT HEARTH_PUBLIC_URL=$URL HEARTH_LOG_LEVEL=warning
echo "a long enough password" | "$BIN" create-admin --email cm@example.org --name "Camille" >/dev/null
KEY=$("$BIN" api-key create --name bench --scope write 2>/dev/null)
"$BIN" serve >"$OURS/server.log" 2>&1 &
echo $! >"$OURS/server.pid"
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done

api() { curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" -d "$2" "$URL/api/v1$1"; }
echo "Seeding $N_TOPICS topics × $M_POSTS posts…" >&2
api /categories '{"name": "General", "description": "Benchmark"}' >/dev/null
for t in $(seq "$N_TOPICS"); do
  api /topics "{\"categoryId\": 1, \"title\": \"Benchmark topic $t about latency\", \"body\": \"Opening post of topic $t: **latency**, throughput and memory, with a [link](https://example.org/$t).\"}" >/dev/null
  for p in $(seq 2 "$M_POSTS"); do
    api "/topics/$t/posts" "{\"body\": \"Reply $p in topic $t. Search should find latency and queue; *emphasis* and \`code\` too.\"}" >/dev/null
  done
done

# Moderation on the posting path: two watched words (every reply is matched against them), and the poster a
# member who signed up just now, so the gate reads each reply as it would a newcomer's (staff pass it untouched).
api /watched-words '{"pattern": "crapware", "action": "block"}' >/dev/null
api /watched-words '{"pattern": "\\bpromo[0-9]+\\b", "regex": true, "action": "flag"}' >/dev/null

# A logged-in member: the session cookie and the CSRF token its forms carry.
JAR=$OURS/cookies.txt
SIGNUP_CSRF=$(curl -s -c "$JAR" -b "$JAR" "$URL/signup" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$SIGNUP_CSRF" --data-urlencode "name=Bench Member" \
  --data-urlencode "email=member@example.org" --data-urlencode "password=a long enough password" "$URL/signup"
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$URL/" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
COOKIE=$(awk '$6 ~ /^hearth_/ {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$JAR")
TOPIC=$(curl -s "$URL/t/1" -o /dev/null -w '%{redirect_url}'; true)
cat >"$OURS/peer.env" <<ENV
PEER=hearth
PEER_URL=$URL
TOPIC_PATH=/t/1
LIST_PATH=/c/general
SEARCH_PATH='/search?q=latency'
POST_PATH=/t/2/replies
POST_FIELD=body
COOKIE='$COOKIE'
CSRF_TOKEN=$CSRF
CSRF_FIELD=csrf
SERVER_PIDFILE=$OURS/server.pid
ENV

if ! curl -sf http://127.0.0.1:8000/ >/dev/null; then "$PEERS/spirit.sh" start >&2; fi
"$PEERS/bench-peer.sh" /tmp/peers/spirit/peer.env "$DUR" "$CONN"
echo
"$PEERS/bench-peer.sh" "$OURS/peer.env" "$DUR" "$CONN"
kill "$(cat "$OURS/server.pid")"
