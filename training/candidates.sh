#!/usr/bin/env bash
# The feedback board's candidate detection on labelled sets it never trained on: of the posts labelled a
# suggestion, a bug report or a complaint, the share the engine proposes (found), and of the posts it proposes, the
# share labelled otherwise (wrong). One markdown row per set, with the bundled models (or those in MODELS).
#   training/candidates.sh [MODELS]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product hearth >&2
bin=.build/release/hearth
models=()
if [ $# -gt 0 ]; then models=(--models "$1"); fi
out=training/out
[ -f $out/dev-issues.csv ] || { echo "candidates.sh: run training/prepare.py first" >&2; exit 1; }
scored=$(mktemp -d)
trap 'rm -rf "$scored"' EXIT
row() { # file what
    $bin insight score --data "$out/$1" --text-column text "${models[@]}" --out "$scored/$(basename "$1")" 2>/dev/null
    python3 - "$scored/$(basename "$1")" "$1" "$2" <<'PY'
import csv, sys
path, name, what = sys.argv[1:]
feedback = {"suggestion", "bug", "complaint"}
rows = list(csv.DictReader(open(path, encoding="utf-8")))
gold = [r["label"] in feedback for r in rows]
proposed = [r["feedback_kind"] in feedback for r in rows]
found = sum(g and p for g, p in zip(gold, proposed))
print(f"| {what} | `{name}` | {len(rows)} ({sum(gold)} feedback) | found {found / max(1, sum(gold)):.3f}"
      f" | wrong {1 - found / max(1, sum(proposed)):.3f} ({sum(proposed)} proposed) |")
PY
}
echo "| set (never trained on) | file | rows | suggestions, bugs, complaints found | candidates wrong |"
echo "|---|---|---:|---|---|"
row dev-reviews-en-maalej.csv "English app reviews (Maalej et al., in ../shared/data)"
row dev-issues.csv "GitHub issues (NLBSE'24)"
row dev-reviews-en-clap.csv "English app reviews (CLAP)"
# The French app reviews (Mini-BAR) train the bundled model: training/feedback-loso.sh measures them with one app
# held out in turn; no French set here was left out of the bundled model.
