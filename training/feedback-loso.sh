#!/usr/bin/env bash
# The feedback kind on what it never saw, one part left out at a time: for each part, trains on everything else
# (the settings of training/train.sh) and scores the part. Needs training/prepare.py's output.
#   training/feedback-loso.sh         # apps: each Mini-BAR app left out in both languages, its French reviews scored
#   training/feedback-loso.sh meta    # meta sites: each of the four left out whole, its tagged questions scored
# Prints each part's macro-F1 and accuracy, then their mean.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-apps}" in
apps) folder=training/out/loso test=-test-fr.csv ;;
meta) folder=training/out/loso-meta test=-test.csv ;;
*) echo "training/feedback-loso.sh: apps or meta, not '$1'" >&2; exit 2 ;;
esac
swift build -c release --product hearth >&2
bin=.build/release/hearth
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp Sources/HearthInsight/Resources/toxicity.htm "$work/"
for train in "$folder"/*-train.csv; do
    part=$(basename "$train" -train.csv)
    $bin insight train --task feedback --data "$train" --text-column text --label-column label \
        --out "$work/feedback.htm" --epochs "${EPOCHS:-3}" --balance "${BALANCE:-0.5}" --learning-rate "${RATE:-0.2}" >/dev/null
    $bin insight eval --task feedback --data "$folder/$part$test" --text-column text \
        --label-column label --models "$work" --json |
        python3 -c "import json, sys; r = json.load(sys.stdin); print('$part', r['n'], round(r['macroF1'], 3), round(r['accuracy'], 3))"
done | tee "$work/results"
awk '{ f += $3; a += $4; n++ } END { printf "mean macro-F1 %.3f, accuracy %.3f over %d parts\n", f / n, a / n, n }' "$work/results"
