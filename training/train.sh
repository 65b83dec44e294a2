#!/usr/bin/env bash
# Rebuilds the committed default models from public data. Reproducible: fixed commits, splits and seeds.
#   training/train.sh [--mirrors DIR]   # DIR: local copies of the source repositories (OWNER+NAME/repo)
# Needs ../shared/data, git and python3; without --mirrors the source repositories are cloned into training/cache/.
# Writes training/sources/*.csv, training/out/*.csv and *.htm, then copies the models into the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 training/sources.py "$@"
python3 training/prepare.py
swift build -c release --product hearth
bin=.build/release/hearth
$bin insight train --task toxicity --data training/out/toxicity-train.csv --text-column text --label-column label \
    --out training/out/toxicity.htm
$bin insight train --task feedback --data training/out/feedback-all.csv --text-column text --label-column label \
    --out training/out/feedback.htm --epochs 3 --balance 0.5 --learning-rate 0.2
cp training/out/toxicity.htm training/out/feedback.htm Sources/HearthInsight/Resources/
