#!/usr/bin/env bash
# The main job: installs what is missing, builds kubeprint, checks the sample blueprints,
# converts one into Kubernetes manifests and an AI4EU-compatible solution.zip under out/, and
# deploys that solution on the simulated playground cluster, sending pipeline runs through it.
# Usage: scripts/demo.sh [BLUEPRINT]   (default: blueprints/graphene-v2-houseprice-Moctader.json)
set -euo pipefail
cd "$(dirname "$0")/.."
blueprint=${1:-blueprints/graphene-v2-houseprice-Moctader.json}
scripts/setup.sh
echo "== building kubeprint"
swift build --product kubeprint 2>&1 | tail -1
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
(cd "out/$name" && find . -type f | sort | sed 's#^\./#  #')
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
echo "On a real cluster: out/$name/deploy.sh -n <namespace> --create-namespace"
