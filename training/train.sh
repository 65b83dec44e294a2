#!/usr/bin/env bash
# Rebuilds the committed default models from ../shared/data. Reproducible: fixed splits and seeds.
#   training/train.sh            # writes training/out/*.htm, then copies them into the bundle
set -euo pipefail
cd "$(dirname "$0")/.."
python3 training/prepare.py "$@"
swift build -c release --product hearth
bin=.build/release/hearth
$bin insight train --task toxicity --data training/out/toxicity-train.csv --text-column text --label-column label \
    --out training/out/toxicity.htm
$bin insight train --task feedback --data training/out/feedback-all.csv --text-column text --label-column label \
    --out training/out/feedback.htm --epochs 3 --balance 1 --learning-rate 0.2
cp training/out/toxicity.htm training/out/feedback.htm Sources/HearthInsight/Resources/
