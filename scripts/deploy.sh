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

# Apply in dependency order.
for pattern in 'namespace.yaml' 'pvc-*.yaml' '*service.yaml' '*deployment.yaml'; do
    for file in deployments/$pattern; do
        [ -f "$file" ] || continue
        kc apply -f "$file"
    done
done

# Wait for every Deployment to roll out.
for file in deployments/*deployment.yaml; do
    [ -f "$file" ] || continue
    name=$(sed -n 's/^  name: "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$file" | head -n 1)
    echo "Waiting for deployment/$name"
    kc rollout status "deployment/$name" --timeout="$timeout"
done

# Record assigned NodePorts: each Service's first port is made equal to its NodePort (in the
# cluster and in its manifest), so the orchestrator reaches a model at <service>:<port> inside
# the cluster and <node>:<port> outside.
orchestrator_port=""
if [ "$node_ports" -eq 1 ] && [ -f dockerinfo.json ]; then
    tmp=dockerinfo.json.tmp
    cp dockerinfo.json "$tmp"
    for service in $(sed -n 's/.*"ip_address": "\([a-z0-9-]*\)".*/\1/p' dockerinfo.json); do
        node_port=$(kc get service "$service" -o 'jsonpath={.spec.ports[0].nodePort}')
        [ -n "$node_port" ] || continue
        manifest=deployments/${service}_service.yaml
        if [ -f "$manifest" ]; then
            # The manifest says so too, and is applied again (as the Graphene deployer does), so
            # a later `kubectl apply -f deployments/` finds nothing to change.
            awk -v p="$node_port" '!done && /^    port: [0-9]+$/ { print "    port: " p; done = 1; next } { print }' \
                "$manifest" > "$manifest.next"
            mv "$manifest.next" "$manifest"
            kc apply -f "$manifest" >/dev/null
        else
            kc patch service "$service" --type=json \
                -p "[{\"op\": \"replace\", \"path\": \"/spec/ports/0/port\", \"value\": $node_port}]" >/dev/null
        fi
        sed "/\"ip_address\": \"$service\"/s/\"port\": \"[0-9]*\"/\"port\": \"$node_port\"/" "$tmp" > "$tmp.next"
        mv "$tmp.next" "$tmp"
        [ "$service" = orchestrator ] && orchestrator_port=$node_port
    done
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
