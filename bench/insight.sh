#!/usr/bin/env bash
# Triage engine speed: release build, one core. Usage: bench/insight.sh [posts]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product InsightBench >&2
exec taskset -c 0 .build/release/InsightBench "${1:-100000}"
