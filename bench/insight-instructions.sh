#!/usr/bin/env bash
# Instructions per post of the triage engine, for comparing two builds on a machine whose neighbours make timings
# noisy: valgrind's lackey counts the instructions of 1,000 and of 3,000 posts (five rounds each, after the same
# model load and warm-up), and the difference over 2,000 is the cost of one post. Needs valgrind (Debian package).
# Usage: bench/insight-instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
swift build -c release --product InsightBench >&2
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
# valgrind cannot read the DWARF 5 that Swift writes, so it runs a stripped copy.
strip -o "$stripped" .build/release/InsightBench
chmod +x "$stripped"
count() {
    valgrind --tool=lackey --basic-counts=yes "$stripped" "$1" 2>&1 | awk '/guest instrs:/ { gsub(",", "", $NF); print $NF }'
}
few=$(count 1000)
many=$(count 3000)
echo "instructions per post  $(((many - few) / 2000))"
