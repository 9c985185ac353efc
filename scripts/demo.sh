#!/usr/bin/env bash
# The main job: installs what is missing, builds kubeprint, checks the sample blueprints,
# converts one into Kubernetes manifests and an AI4EU-compatible solution.zip under out/, and
# deploys that solution on the simulated playground cluster, sending pipeline runs through it.
# Usage: scripts/demo.sh [BLUEPRINT]   (default: blueprints/graphene-v2-houseprice-Moctader.json)
# Works from any folder; a relative BLUEPRINT is taken from the folder it is run in.
set -euo pipefail
caller=$(pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -ge 1 ]; then
    case $1 in
        /*) blueprint=$1 ;;
        *) blueprint=$caller/$1 ;;
    esac
    if [ ! -f "$blueprint" ]; then
        echo "demo: blueprint '$1' not found (looked for $blueprint)" >&2
        exit 1
    fi
else
    blueprint=$repo/blueprints/graphene-v2-houseprice-Moctader.json
fi
cd "$repo"
scripts/setup.sh
echo "== building kubeprint"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift build --product kubeprint >"$log" 2>&1; then
    cat "$log" >&2
    echo "demo: the build failed (the compiler's messages are above)" >&2
    exit 1
fi
tail -n 1 "$log"
kubeprint=.build/debug/kubeprint

echo
echo "== kubeprint validate blueprints/*.json blueprints/invalid/*.json"
"$kubeprint" validate blueprints/*.json blueprints/invalid/*.json || true

name=$(basename "$blueprint" .json)
echo
echo "== kubeprint convert $blueprint --output out/$name --templates templates --force"
"$kubeprint" convert "$blueprint" --output "out/$name" --templates templates --force

echo
echo "== out/$name"
(cd "out/$name" && find . -type f ! -name '.kubeprint-solution' | sort | sed 's#^\./#  #')
echo
echo "== out/$name/dockerinfo.json"
cat "out/$name/dockerinfo.json"
first=$(ls "out/$name"/deployments/*_deployment.yaml | head -n 1)
echo
echo "== $first"
cat "$first"

echo
echo "== kubeprint deploy out/$name --runs 300 --rate 5   (the simulated playground cluster)"
"$kubeprint" deploy "out/$name" --runs 300 --rate 5 -q

echo
echo "On a real cluster: $repo/out/$name/deploy.sh -n <namespace> --create-namespace"
