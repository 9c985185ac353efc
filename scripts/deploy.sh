#!/bin/sh
# Deploys this solution to a Kubernetes cluster with kubectl, then writes the NodePorts that
# Kubernetes assigned into dockerinfo.json and prints the orchestrator's address.
# Needs only sh and kubectl (with a kubeconfig for the target cluster).
set -eu

usage() {
    cat <<'USAGE'
Usage: ./deploy.sh [-n NAMESPACE] [--create-namespace] [--timeout DURATION] [--no-node-ports]

Applies deployments/ in dependency order (Namespace, PersistentVolumeClaims, Services,
Deployments), waits until every Deployment has rolled out, and records the NodePorts that
Kubernetes assigned in dockerinfo.json, so the orchestrator finds each model.

Options:
  -n, --namespace NAME   deploy into NAME (default: the kubeconfig's current namespace)
  --create-namespace     create the namespace first when it does not exist
  --timeout DURATION     how long to wait for each rollout (default: 300s)
  --no-node-ports        leave dockerinfo.json and the Service ports as generated
  -h, --help             show this help

Environment:
  KUBECTL                the kubectl command to use (default: kubectl)
USAGE
}

namespace=""
create_namespace=0
timeout=300s
node_ports=1
kubectl_cmd=${KUBECTL:-kubectl}

while [ $# -gt 0 ]; do
    case $1 in
        -n|--namespace)
            [ $# -ge 2 ] || { echo "deploy.sh: $1 needs a namespace name" >&2; exit 2; }
            namespace=$2; shift 2 ;;
        --namespace=*) namespace=${1#--namespace=}; shift ;;
        --create-namespace) create_namespace=1; shift ;;
        --timeout)
            [ $# -ge 2 ] || { echo "deploy.sh: --timeout needs a duration such as 300s" >&2; exit 2; }
            timeout=$2; shift 2 ;;
        --no-node-ports) node_ports=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "deploy.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

case $namespace in
    *[!a-z0-9-]*) echo "deploy.sh: '$namespace' is not a valid namespace name (lower-case letters, digits and '-')" >&2; exit 2 ;;
esac

cd "$(dirname "$0")"
if ! command -v "$kubectl_cmd" >/dev/null 2>&1; then
    echo "deploy.sh: '$kubectl_cmd' not found; install kubectl or set KUBECTL" >&2
    exit 1
fi

kc() {
    if [ -n "$namespace" ]; then "$kubectl_cmd" -n "$namespace" "$@"; else "$kubectl_cmd" "$@"; fi
}

if [ -n "$namespace" ] && [ "$create_namespace" -eq 1 ]; then
    if ! "$kubectl_cmd" get namespace "$namespace" >/dev/null 2>&1; then
        echo "Creating namespace $namespace"
        "$kubectl_cmd" create namespace "$namespace"
    fi
fi

# Apply in dependency order, one kubectl call per kind of file (kubectl applies the files in
# the order given).
for pattern in 'namespace.yaml' 'pvc-*.yaml' '*service.yaml' '*deployment.yaml'; do
    set --
    for file in deployments/$pattern; do
        [ -f "$file" ] || continue
        set -- "$@" -f "$file"
    done
    [ $# -eq 0 ] || kc apply "$@"
done

# Wait for every Deployment to roll out (--timeout applies to each one). kubectl waits for its
# resources one after another (a fifth of a second each even when they are ready), so large
# pipelines are waited for by up to 8 kubectl processes at once, each with a contiguous share.
count=0
for file in deployments/*deployment.yaml; do
    [ -f "$file" ] && count=$((count + 1))
done
if [ "$count" -gt 0 ]; then
    echo "Waiting for $count deployment(s) to roll out"
    share=$(((count + 7) / 8))
    pids=""
    set --
    for file in deployments/*deployment.yaml; do
        [ -f "$file" ] || continue
        set -- "$@" -f "$file"
        if [ $# -ge $((share * 2)) ]; then
            kc rollout status "$@" --timeout="$timeout" &
            pids="$pids $!"
            set --
        fi
    done
    if [ $# -gt 0 ]; then
        kc rollout status "$@" --timeout="$timeout" &
        pids="$pids $!"
    fi
    failed=0
    for pid in $pids; do
        wait "$pid" || failed=$((failed + 1))
    done
    if [ "$failed" -gt 0 ]; then
        echo "deploy.sh: some Deployments did not roll out (see above); kubectl describe deployment NAME shows why" >&2
        exit 1
    fi
fi

# Record assigned NodePorts: each Service's first port is made equal to its NodePort (in the
# cluster and in its manifest), so the orchestrator reaches a model at <service>:<port> inside
# the cluster and <node>:<port> outside.
orchestrator_port=""
if [ "$node_ports" -eq 1 ] && [ -f dockerinfo.json ]; then
    # One request for every Service's first NodePort, as "name port" lines, and of those the
    # Services dockerinfo.json lists, in its order.
    assigned=$(kc get services -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.spec.ports[0].nodePort}{"\n"}{end}')
    pairs=$(printf '%s\n' "$assigned" | awk '
        NR == FNR { if ($2 ~ /^[0-9]+$/) port[$1] = $2; next }
        match($0, /"ip_address": "[a-z0-9-]*"/) {
            name = substr($0, RSTART + 15, RLENGTH - 16)
            if ((name in port) && !(name in seen)) { seen[name] = 1; print name, port[name] }
        }' - dockerinfo.json)
    set --
    while read -r service node_port; do
        [ -n "$node_port" ] || continue
        manifest=deployments/${service}_service.yaml
        if [ -f "$manifest" ]; then
            set -- "$@" "$manifest"
        else
            kc patch service "$service" --type=json \
                -p "[{\"op\": \"replace\", \"path\": \"/spec/ports/0/port\", \"value\": $node_port}]" >/dev/null
        fi
        if [ "$service" = orchestrator ]; then orchestrator_port=$node_port; fi
    done <<PAIRS
$pairs
PAIRS
    tmp=dockerinfo.json.tmp
    printf '%s\n' "$pairs" | awk '
        NR == FNR { if (NF == 2) port[$1] = $2; next }
        match($0, /"ip_address": "[a-z0-9-]*"/) {
            name = substr($0, RSTART + 15, RLENGTH - 16)
            if (name in port) sub(/"port": "[0-9]*"/, "\"port\": \"" port[name] "\"")
        }
        { print }' - dockerinfo.json > "$tmp"
    if [ $# -gt 0 ]; then
        # The manifests say so too, and are applied again (as the Graphene deployer does), so a
        # later `kubectl apply -f deployments/` finds nothing to change. One awk writes every
        # manifest's new version beside it; each then replaces its manifest in one rename.
        printf '%s\n' "$pairs" | awk '
            NR == FNR { if (NF == 2) port["deployments/" $1 "_service.yaml"] = $2; next }
            FNR == 1 { if (out != "") close(out); out = FILENAME ".next"; done = 0 }
            !done && /^    port: [0-9]+$/ { print "    port: " port[FILENAME] > out; done = 1; next }
            { print > out }' - "$@"
        for manifest; do mv "$manifest.next" "$manifest"; done
        for manifest; do shift; set -- "$@" -f "$manifest"; done
    fi
    [ $# -eq 0 ] || kc apply "$@" >/dev/null
    mv "$tmp" dockerinfo.json
    echo "Wrote the assigned NodePorts to dockerinfo.json and the Services' manifests in deployments/"
    echo "  (this folder now differs from what kubeprint convert writes; --no-node-ports leaves them as generated)"
fi

if [ -f deployments/orchestrator_service.yaml ]; then
    if [ -z "$orchestrator_port" ]; then
        orchestrator_port=$(kc get service orchestrator -o 'jsonpath={.spec.ports[0].nodePort}')
    fi
    node_ip=$("$kubectl_cmd" get nodes -o 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}' 2>/dev/null || true)
    if [ -n "$orchestrator_port" ]; then
        echo "Orchestrator endpoint: ${node_ip:-<node-address>}:$orchestrator_port"
    else
        echo "Orchestrator: service 'orchestrator' port 8061 (no NodePort; use kubectl port-forward service/orchestrator 8061)"
    fi
fi
echo "Deployed."
