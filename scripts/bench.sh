#!/usr/bin/env bash
# Benchmarks in a release build. Usage: scripts/bench.sh [nodes, default 400]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product kubeprint 2>&1 | tail -1
.build/release/kubeprint bench convert --nodes "${1:-400}" --iterations 30
