#!/usr/bin/env bash
# The README's quality table: every development set prepare.py wrote, scored with the models in MODELS (default:
# the bundled ones), one markdown row each, with the command that gives it.
#   training/quality.sh [MODELS]      # e.g. training/quality.sh training/out
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product hearth >&2
bin=.build/release/hearth
models=()
if [ $# -gt 0 ]; then models=(--models "$1"); fi
out=training/out
[ -f $out/dev-chat-fr.csv ] || { echo "quality.sh: run training/prepare.py first" >&2; exit 1; }
row() { # task file what [extra eval options…]
    local task=$1 file=$2 what=$3
    shift 3
    $bin insight eval --task "$task" --data "$out/$file" --text-column text --label-column label "${models[@]}" \
        --json "$@" | python3 training/quality-row.py "$task" "$file" "$what"
}
echo "| check | file | rows | result |"
echo "|---|---|---:|---|"
row toxicity dev-jigsaw-en.csv "toxicity, Jigsaw comments in English"
row toxicity dev-jigsaw-fr.csv "toxicity, the same comments in French"
row toxicity dev-fr.csv "toxicity, French held-out rows of the training sources"
row toxicity dev-chat-fr.csv "toxicity, French teenagers' chats (CyberAgression, never trained on)"
row toxicity dev-sexism-fr.csv "toxicity, French political tweets (sexism, never trained on)"
row toxicity dev-hatecheck-fr.csv "toxicity, Multilingual HateCheck French (never trained on)"
row toxicity dev-counter-en.csv "counter-speech and negation, HateCheck English"
row toxicity dev-counter-fr.csv "counter-speech and negation, HateCheck French"
row toxicity dev-counter-fr-conan.csv "counter-narratives written by NGO operators, French (CONAN)"
for seed in 42 7; do
    row toxicity dev-chat-fr.csv "learning curve, French chats, seed $seed" --learning-curve 100,300,600 --seed $seed
done
row toxicity dev-hatecheck-fr.csv "learning curve, HateCheck French, seed 42" --learning-curve 100,300,600 --seed 42
row feedback dev-issues.csv "feedback kind, GitHub issues (NLBSE'24, never trained on)"
row feedback dev-reviews-en-maalej.csv "feedback kind, English app reviews (Maalej et al., never trained on)"
row feedback dev-reviews-en-clap.csv "feedback kind, English app reviews (CLAP, never trained on)"
