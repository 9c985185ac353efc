#!/usr/bin/env bash
# The main job: installs what is missing, builds kubeprint, checks the sample blueprints and
# converts one into Kubernetes manifests and an AI4EU-compatible solution.zip under out/.
# Usage: scripts/demo.sh [BLUEPRINT]   (default: blueprints/news-training-sharedfolder.json)
set -euo pipefail
cd "$(dirname "$0")/.."
blueprint=${1:-blueprints/news-training-sharedfolder.json}
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
echo "Deploy on a real cluster with: out/$name/deploy.sh -n $name --create-namespace"

echo
echo "== kubeprint simulate scenarios/node-density.yaml   (a simulated cluster in virtual time)"
"$kubeprint" simulate scenarios/node-density.yaml -q
