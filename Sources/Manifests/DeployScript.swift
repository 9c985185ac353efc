// The deploy script shipped in every solution.zip. Its source of truth is scripts/deploy.sh;
// `scripts/sync-deploy-script.sh` regenerates this file and a test keeps the two identical.

enum DeployScript {
    static let text = #"""
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
  --no-node-ports        leave dockerinfo.json and the Service ports as they are
  -h, --help             show this help

Environment:
  KUBECTL                the kubectl command to use (default: kubectl)
USAGE
}

namespace=""
namespace_given=0
create_namespace=0
timeout=300s
node_ports=1
kubectl_cmd=${KUBECTL:-kubectl}

while [ $# -gt 0 ]; do
    case $1 in
        -n|--namespace)
            [ $# -ge 2 ] || { echo "deploy.sh: $1 needs a namespace name" >&2; exit 2; }
            namespace=$2; namespace_given=1; shift 2 ;;
        --namespace=*) namespace=${1#--namespace=}; namespace_given=1; shift ;;
        --create-namespace) create_namespace=1; shift ;;
        --timeout)
            [ $# -ge 2 ] || { echo "deploy.sh: --timeout needs a duration such as 300s" >&2; exit 2; }
            timeout=$2; shift 2 ;;
        --no-node-ports) node_ports=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "deploy.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

if [ "$namespace_given" -eq 1 ] && [ -z "$namespace" ]; then
    echo "deploy.sh: -n needs a namespace name (leave -n out to use the kubeconfig's current namespace)" >&2
    exit 2
fi
case $namespace in
    *[!a-z0-9-]*|-*|*-) namespace_ok=0 ;;
    *) namespace_ok=1 ;;
esac
if [ "$namespace_ok" -eq 0 ] || [ ${#namespace} -gt 63 ]; then
    echo "deploy.sh: '$namespace' is not a valid namespace name (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)" >&2
    exit 2
fi

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
elif [ -n "$namespace" ] && [ ! -f deployments/namespace.yaml ]; then
    # A namespace that does not exist is said so, with the fix. Any other failure (no right to
    # read namespaces, an unreachable cluster, a missing credential plugin) is left to the
    # first apply, which reports it, or succeeds where only namespaces cannot be read.
    if ! probe=$("$kubectl_cmd" get namespace "$namespace" 2>&1 >/dev/null); then
        case $probe in
            *"namespaces \"$namespace\" not found"*)
                echo "deploy.sh: namespace '$namespace' does not exist; run again with --create-namespace to create it" >&2
                exit 1 ;;
        esac
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

# Wait for every Deployment to roll out. One request lists the Deployments' rollout state; those
# done are reported, and `kubectl rollout status` watches the first one still rolling out (up to
# --timeout) before the state is listed again, so a pipeline whose Deployments are ready costs a
# request or two, not one kubectl per Deployment (kubectl spends 0.2 s on each even when it is
# ready). Each Deployment watched gets up to --timeout; the first that fails stops the script.
# "done" follows kubectl rollout status: the spec observed, every replica updated and available,
# no old replica left; a Progressing condition with reason ProgressDeadlineExceeded fails it.
set --
for file in deployments/*deployment.yaml; do
    [ -f "$file" ] || continue
    set -- "$@" "$file"
done
total=$#
pending=""
if [ "$total" -gt 0 ]; then
    # The Deployments' names, each file's first "  name:" (metadata.name), space-separated.
    pending=$(awk 'FNR == 1 { found = 0 }
        !found && /^  name: / {
            sub(/\r$/, ""); sub(/[ \t]+#.*$/, ""); sub(/^  name: ["\047]?/, ""); sub(/["\047]?[ \t]*$/, "")
            printf "%s ", $0; found = 1
        }' "$@")
    echo "Waiting for $total deployment(s) to roll out"
    while [ -n "$pending" ]; do
        state=$(kc get deployments -o 'jsonpath={range .items[*]}{.metadata.name}{","}{.metadata.generation}{","}{.status.observedGeneration}{","}{.spec.replicas}{","}{.status.replicas}{","}{.status.updatedReplicas}{","}{.status.availableReplicas}{","}{.status.conditions[?(@.type=="Progressing")].reason}{"\n"}{end}')
        verdicts=$(printf '%s\n' "$state" | awk -F, -v pending="$pending" '
            NF >= 8 {
                if ($2 + 0 > $3 + 0) v = "pending"
                else if ($8 == "ProgressDeadlineExceeded") v = "failed"
                else if (($4 != "" && $6 + 0 < $4 + 0) || $5 + 0 > $6 + 0 || $7 + 0 < $6 + 0) v = "pending"
                else v = "done"
                verdict[$1] = v
            }
            END {
                n = split(pending, names, " ")
                for (i = 1; i <= n; i++) print names[i], ((names[i] in verdict) ? verdict[names[i]] : "missing")
            }')
        pending=""
        first=""
        while read -r name verdict; do
            [ -n "$name" ] || continue
            case $verdict in
                done) echo "deployment \"$name\" successfully rolled out" ;;
                failed)
                    echo "deploy.sh: deployment \"$name\" exceeded its progress deadline; kubectl describe deployment $name shows why" >&2
                    exit 1 ;;
                missing)
                    echo "deploy.sh: deployment \"$name\" (deployments/) is not in the cluster${namespace:+ in namespace $namespace}; was it applied to another namespace? (pass it with -n)" >&2
                    exit 1 ;;
                *)
                    if [ -z "$first" ]; then first=$name; else pending="$pending$name "; fi ;;
            esac
        done <<VERDICTS
$verdicts
VERDICTS
        if [ -n "$first" ]; then
            if ! kc rollout status "deployment/$first" --timeout="$timeout" </dev/null; then
                echo "deploy.sh: deployment \"$first\" did not roll out within $timeout; kubectl describe deployment $first shows why" >&2
                exit 1
            fi
        fi
    done
fi

# Record assigned NodePorts: each Service's first port is made equal to its NodePort (in the
# cluster and in its manifest), so the orchestrator reaches a model at <service>:<port> inside
# the cluster and <node>:<port> outside.
orchestrator_port=""
if [ "$node_ports" -eq 1 ] && [ -f dockerinfo.json ]; then
    # One request for every Service's first NodePort, as "name port" lines, and of those the
    # Services dockerinfo.json lists, in its order.
    assigned=$(kc get services -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.spec.ports[0].nodePort}{"\n"}{end}')
    # A Service the cluster does not have is listed as "name -".
    pairs=$(printf '%s\n' "$assigned" | awk '
        NR == FNR { if ($1 != "") { present[$1] = 1; if ($2 ~ /^[0-9]+$/) port[$1] = $2 }; next }
        match($0, /"ip_address": "[a-z0-9-]*"/) {
            name = substr($0, RSTART + 15, RLENGTH - 16)
            if (name in seen) next
            seen[name] = 1
            if (name in port) print name, port[name]
            else if (!(name in present)) print name, "-"
        }' - dockerinfo.json)
    missing=0
    while read -r service node_port; do
        if [ "$node_port" = - ]; then
            echo "deploy.sh: dockerinfo.json lists Service '$service', which the cluster does not have${namespace:+ in namespace $namespace}; apply deployments/ there first (or pass the namespace with -n)" >&2
            missing=1
        fi
    done <<PAIRS
$pairs
PAIRS
    [ "$missing" -eq 0 ] || exit 1
    # Services and manifests are rewritten from here on: no temporary file is left behind, and a
    # run that stops half-way is repaired by running the script again.
    trap 'rm -f dockerinfo.json.tmp deployments/*_service.yaml.next' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    set --
    while read -r service node_port; do
        [ -n "$node_port" ] || continue
        manifest=deployments/${service}_service.yaml
        if [ -f "$manifest" ]; then
            set -- "$@" "$manifest"
        else
            kc patch service "$service" --type=json \
                -p "[{\"op\": \"replace\", \"path\": \"/spec/ports/0/port\", \"value\": $node_port}]" >/dev/null </dev/null
        fi
        if [ "$service" = orchestrator ]; then orchestrator_port=$node_port; fi
    done <<PAIRS
$pairs
PAIRS
    tmp=dockerinfo.json.tmp
    printf '%s\n' "$pairs" | awk '
        NR == FNR { if (NF == 2 && $2 != "-") port[$1] = $2; next }
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
            NR == FNR { if (NF == 2 && $2 != "-") port["deployments/" $1 "_service.yaml"] = $2; next }
            FNR == 1 { if (out != "") close(out); out = FILENAME ".next"; done = 0 }
            !done && /^    port: [0-9]+$/ { print "    port: " port[FILENAME] > out; done = 1; next }
            { print > out }' - "$@"
        for manifest; do mv "$manifest.next" "$manifest"; done
        for manifest; do shift; set -- "$@" -f "$manifest"; done
    fi
    if cmp -s "$tmp" dockerinfo.json; then
        rm -f "$tmp"
        echo "dockerinfo.json already holds the assigned NodePorts"
    else
        mv "$tmp" dockerinfo.json
        echo "Wrote the assigned NodePorts to dockerinfo.json and the Services' manifests in deployments/"
        echo "  (this folder now differs from what kubeprint convert writes; --no-node-ports leaves it as it is)"
    fi
    [ $# -eq 0 ] || kc apply "$@" >/dev/null
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

"""#
}
