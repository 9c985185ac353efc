#!/usr/bin/env bash
# The main job: installs what is missing, builds kubeprint, checks the sample blueprints,
# converts one into Kubernetes manifests and an AI4EU-compatible solution.zip under out/, and
# deploys that solution on the simulated playground cluster, sending pipeline runs through it;
# then starts the live playground (kubeprint serve), deploys the solution into it with its own
# deploy.sh and kubectl, shows the pods and sends pipeline runs with kubeprint run.
# DEMO_KEEP=1 leaves the playground running at the end, for its dashboard.
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
if [ -x .build/debug/kubeprint ]; then
    echo "== building kubeprint"
else
    echo "== building kubeprint (a first build takes several minutes: about 7 on 2 cores)"
fi
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

# The live playground: the solution's own deploy.sh, run with kubectl against kubeprint serve.
ns=$(echo "$name" | tr 'A-Z_.' 'a-z--' | cut -c1-40 | sed 's/-*$//')
kubeconfig=$repo/out/playground.kubeconfig
rm -f "$kubeconfig"
echo
echo "== kubeprint serve --port 0 --kubeconfig out/playground.kubeconfig --speed 50   (the live playground)"
serve_log=$(mktemp)
"$kubeprint" serve --port 0 --kubeconfig "$kubeconfig" --speed 50 >"$serve_log" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null; rm -f "$log" "$serve_log"' EXIT
for _ in $(seq 1 100); do
    [ -f "$kubeconfig" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$serve_log" >&2; echo "demo: kubeprint serve did not start" >&2; exit 1; }
    sleep 0.1
done
head -n 3 "$serve_log"
url=$(sed -n 's/^kubeprint playground: \(http[^ ]*\).*/\1/p' "$serve_log")
if ! command -v kubectl >/dev/null 2>&1; then
    echo "demo: kubectl is not on PATH, so the solution's deploy.sh cannot run against the playground (install kubectl)"
else
    export KUBECONFIG=$kubeconfig
    echo
    echo "== KUBECONFIG=out/playground.kubeconfig sh out/$name/deploy.sh -n $ns --create-namespace"
    sh "out/$name/deploy.sh" -n "$ns" --create-namespace
    echo
    echo "== kubectl get pods -n $ns -o wide"
    kubectl get pods -n "$ns" -o wide
    echo
    echo "== kubeprint run out/$name -n $ns --runs 200 --rate 5   (pipeline runs along the blueprint's links)"
    "$kubeprint" run "out/$name" -n "$ns" --kubeconfig "$kubeconfig" --runs 200 --rate 5
fi
echo
if [ "${DEMO_KEEP:-0}" = 1 ]; then
    trap 'rm -f "$log" "$serve_log"' EXIT
    echo "The playground keeps running (pid $serve_pid): dashboard $url/ ; KUBECONFIG=$kubeconfig kubectl get pods -A"
else
    echo "The playground has stopped. To look at its dashboard, run DEMO_KEEP=1 scripts/demo.sh (it keeps"
    echo "the playground running and prints its address), or start one with: .build/debug/kubeprint serve"
fi
echo "On a real cluster: $repo/out/$name/deploy.sh -n <namespace> --create-namespace"
