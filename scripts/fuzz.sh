#!/usr/bin/env bash
# Fuzzes the blueprint reader and the YAML parser with libFuzzer (swiftc -sanitize=fuzzer).
# Usage: scripts/fuzz.sh [seconds per target, default 60]
# Prints the executions each target ran; a crash stops with the crashing input saved under
# .build/fuzz/ and a non-zero exit. Keep such inputs in Tests/Fixtures/fuzz/ once fixed: a test
# replays them all.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/setup.sh
out=.build/fuzz
mkdir -p "$out/corpus-blueprint" "$out/corpus-yaml"
cp blueprints/*.json blueprints/invalid/*.json Tests/Fixtures/fuzz/* "$out/corpus-blueprint/"
cp templates/*.yaml "$out/corpus-yaml/"
for f in Tests/Golden/*/manifests.yaml; do cp "$f" "$out/corpus-yaml/$(basename "$(dirname "$f")").yaml"; done

echo "Building fuzz targets…"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name BlueprintFuzz \
    Sources/Blueprint/*.swift Fuzz/BlueprintFuzz.swift -o "$out/blueprint-fuzz"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name YAMLFuzz \
    -I Sources/CLibYAML Sources/YAML/*.swift Fuzz/YAMLFuzz.swift -lyaml -o "$out/yaml-fuzz"

for target in blueprint yaml; do
    log="$out/$target-fuzz.log"
    echo "Fuzzing $target for ${seconds}s…"
    if ! "$out/$target-fuzz" -max_total_time="$seconds" -max_len=8192 -artifact_prefix="$out/$target-" \
        "$out/corpus-$target" >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz: $target crashed; input saved as $out/$target-crash-*" >&2
        exit 1
    fi
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*')
    echo "fuzz $target: ${runs:-?} executions in ${seconds}s, no crash"
done
