#!/usr/bin/env bash
# Fuzzes kubeprint's readers with libFuzzer (swiftc -sanitize=fuzzer,address):
#   blueprint  the blueprint reader and validator
#   yaml       YAML parse → emit → parse
#   scenario   scenario files: reader, simulator construction and a bounded run
#   solution   solution folders as `kubeprint deploy` reads them: manifests + blueprint.json,
#              put on the playground and simulated for a bounded number of events
#   archive    uploaded solution.zip files as the deployer reads them (SolutionArchive), seeded
#              with the solution.zip of every blueprint in blueprints/
# Usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Builds only the targets asked for. Prints the executions each target ran; a crash stops with
# the crashing input saved under .build/fuzz/ and a non-zero exit. Keep such inputs in
# Tests/Fixtures/fuzz/ once fixed (named blueprint-*, yaml-*, scenario-*, solution-*, or for
# archives archive-invalid-*, archive-toolarge-*, archive-reads-* by the outcome): tests replay them all.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(blueprint yaml scenario solution archive)
wants() { local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }
scripts/setup.sh
out=.build/fuzz
mkdir -p "$out/corpus-blueprint" "$out/corpus-yaml" "$out/corpus-scenario" "$out/corpus-solution" "$out/corpus-archive"
cp blueprints/*.json blueprints/invalid/*.json "$out/corpus-blueprint/"
cp Tests/Fixtures/fuzz/blueprint-* "$out/corpus-blueprint/" 2>/dev/null || true
cp templates/*.yaml "$out/corpus-yaml/"
for f in Tests/Golden/*/manifests.yaml; do cp "$f" "$out/corpus-yaml/$(basename "$(dirname "$f")").yaml"; done
cp scenarios/*.yaml "$out/corpus-scenario/"
cp Tests/Fixtures/fuzz/scenario-* "$out/corpus-scenario/" 2>/dev/null || true
for d in Tests/Golden/*/; do
    seed="$out/corpus-solution/$(basename "$d")"
    cp "$d/manifests.yaml" "$seed"
    if [ -f "$d/blueprint.json" ]; then printf '\n#blueprint.json\n' >>"$seed"; cat "$d/blueprint.json" >>"$seed"; fi
done
cp Tests/Fixtures/fuzz/solution-* "$out/corpus-solution/" 2>/dev/null || true
cp Tests/Fixtures/fuzz/archive-* "$out/corpus-archive/" 2>/dev/null || true

echo "Building fuzz targets…"
if wants blueprint; then
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name BlueprintFuzz \
        Sources/Blueprint/*.swift Fuzz/BlueprintFuzz.swift -o "$out/blueprint-fuzz"
fi
if wants yaml; then
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name YAMLFuzz \
        -I Sources/CLibYAML Sources/YAML/*.swift Fuzz/YAMLFuzz.swift -lyaml -o "$out/yaml-fuzz"
fi
# The scenario, solution and archive targets span several modules: SwiftPM builds them in a
# build folder of their own, every module instrumented.
for product in ScenarioFuzz SolutionFuzz ArchiveFuzz; do
    target=$(echo "$product" | sed 's/Fuzz$//' | tr 'A-Z' 'a-z')
    wants "$target" || continue
    KUBEPRINT_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product "$product" \
        -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -E "error|warning: unre|Compiling|Build" | grep -v '^\[' || true
    cp ".build-fuzz/release/$product" "$out/$target-fuzz"
done
if wants archive; then
    "$out/archive-fuzz" --write-seeds "$out/corpus-archive" blueprints/*.json
fi

for target in "${targets[@]}"; do
    log="$out/$target-fuzz.log"
    echo "Fuzzing $target for ${seconds}s…"
    # Leak checking is off: Foundation's file reader leaks a buffer on empty files
    # (String(contentsOfFile:)); what is hunted here is crashes, traps, hangs and memory blow-ups.
    # A solution.zip is larger than the text inputs: room for the seeds (about 10 KiB each).
    max_len=8192
    [ "$target" = archive ] && max_len=65536
    if ! ASAN_OPTIONS=detect_leaks=0 "$out/$target-fuzz" -max_total_time="$seconds" -max_len="$max_len" -timeout=30 -rss_limit_mb=4096 -detect_leaks=0 \
        -artifact_prefix="$out/$target-" "$out/corpus-$target" >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz: $target crashed; input saved as $out/$target-crash-* (or -timeout-, -oom-)" >&2
        exit 1
    fi
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*')
    echo "fuzz $target: ${runs:-?} executions in ${seconds}s, no crash"
done
