#!/usr/bin/env bash
# Benchmarks in a release build: a generated blueprint converted to a folder + solution.zip.
# Usage: scripts/bench.sh [nodes, default 400]
# Runs twice: under /dev/shm (tmpfs: kubeprint's own cost) and under the temporary folder on
# disk (adds the file system's cost of creating ~800 files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Swift libraries linked in statically: a command starts in ~10 ms instead of ~50 ms (no dynamic
# loading of Foundation and ICU), which counts in the whole-process figures against faas-sim.
# Linked at a fixed address (-no-pie): the dynamic loader then has none of the binary's ~120,000
# relative relocations to apply at start, another 2–3 ms of a short run (only with the Swift
# libraries static: against the shared libswiftCore the loader warns about pointer equality; Linux only).
nopie=()
[ "$(uname -s)" = Linux ] && nopie=(-Xlinker -no-pie)  # GNU ld / lld spelling; Apple's linker has its own
swift build -c release --static-swift-stdlib "${nopie[@]}" --product kubeprint 2>&1 | tail -1
nodes=${1:-400}
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    .build/release/kubeprint bench convert --nodes "$nodes" --iterations 30 --work-directory /dev/shm
fi
.build/release/kubeprint bench convert --nodes "$nodes" --iterations 30
.build/release/kubeprint bench cluster --nodes 5000 --pods 500,5000,50000
.build/release/kubeprint bench faas --requests 100000,1000000,10000000
.build/release/kubeprint bench engine
.build/release/kubeprint bench yaml
.build/release/kubeprint bench deployer
