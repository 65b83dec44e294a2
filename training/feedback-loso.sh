#!/usr/bin/env bash
# French app reviews, leave one app out: for each Mini-BAR app, trains on everything else (the settings of
# training/train.sh; the app is left out in both languages) and scores the app's French reviews, which it never
# saw. Needs training/prepare.py's output.
#   training/feedback-loso.sh      # prints each app's macro-F1 and accuracy, then their mean
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product hearth >&2
bin=.build/release/hearth
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp Sources/HearthInsight/Resources/toxicity.htm "$work/"
for train in training/out/loso/*-train.csv; do
    app=$(basename "$train" -train.csv)
    $bin insight train --task feedback --data "$train" --text-column text --label-column label \
        --out "$work/feedback.htm" --epochs "${EPOCHS:-3}" --balance "${BALANCE:-0.5}" --learning-rate "${RATE:-0.2}" >/dev/null
    $bin insight eval --task feedback --data "training/out/loso/$app-test-fr.csv" --text-column text \
        --label-column label --models "$work" --json |
        python3 -c "import json, sys; r = json.load(sys.stdin); print('$app', r['n'], round(r['macroF1'], 3), round(r['accuracy'], 3))"
done | tee "$work/results"
awk '{ f += $3; a += $4; n++ } END { printf "mean macro-F1 %.3f, accuracy %.3f over %d apps\n", f / n, a / n, n }' "$work/results"
