#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs the Swift tests, then checks
# every manifest kubeprint generates for the sample blueprints against the Kubernetes schemas
# (kubernetes-validate --strict, several Kubernetes versions) and yamllint.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test-tools
# The Python test tools live in the repository's virtual environment.
export PATH="$PWD/.venv/bin:$PATH"

echo "== swift build"
swift build --build-tests
echo "== swift test"
# Tests must leave nothing behind: they run with a temporary folder of their own, which must
# hold none of their folders (kubeprint-…) or kubeprint's hidden work files afterwards
# (SwiftPM keeps its own lock files there).
tests_tmp=$(mktemp -d)
status=0
TMPDIR=$tests_tmp swift test --skip-build || status=$?
left=$(find "$tests_tmp" -mindepth 1 -maxdepth 1 \( -name 'kubeprint-*' -o -name '.*.kubeprint-*' \) | sort)
rm -rf "$tests_tmp"
[ "$status" -eq 0 ] || exit "$status"
if [ -n "$left" ]; then
    echo "swift test left these behind in its temporary folder:" >&2
    echo "$left" >&2
    exit 1
fi

echo "== generated manifests against Kubernetes schemas"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kubeprint=.build/debug/kubeprint
passed=0
failed=0
check() {  # check NAME ARGS... : convert, then validate the files
    local name=$1; shift
    if ! "$kubeprint" convert "$@" -o "$work/$name" -q; then
        echo "FAIL $name: convert failed"; failed=$((failed + 1)); return
    fi
    local ok=1
    for version in 1.25.0 1.30.0 1.37.0; do
        kubernetes-validate -k "$version" --strict --quiet "$work/$name"/deployments/*.yaml || ok=0
    done
    yamllint -s -c .yamllint.yaml "$work/$name"/deployments/*.yaml || ok=0
    if [ $ok -eq 1 ]; then passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
for blueprint in blueprints/*.json; do
    check "$(basename "$blueprint" .json)" "$blueprint"
done
check options blueprints/news-training-sharedfolder.json -n news-training --service-type ClusterIP \
    --image-pull-policy Always --image-pull-secret registry-credentials --replicas 2 \
    --cpu-request 250m --memory-request 1Gi --cpu-limit 2 --memory-limit 4Gi --storage-size 20Gi --storage-class nfs-client
check templates blueprints/sudoku-tutorial.json --templates templates
check single-model --image registry.example.com/team/ner:1.0 --name "NER model"
echo "manifests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
