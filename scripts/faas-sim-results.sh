#!/usr/bin/env bash
# faas-sim-results.sh [100k|1m] — faas-sim's results on its own benchmark beside kubeprint's, one
# line each: mean, p50, p95, p99 response time, image pulls, replicas at the end, load start, end.
#
#   faas-sim            faas-sim as it is (../shared/peers/faas-sim/faas-sim-bench.py)
#   faas-sim, no leak   the same with the wall time skippy takes to place a pod kept out of
#                       simulated time (sim/faas/system.py adds it: `yield env.timeout(duration)`)
#   kubeprint faas-sim  scenarios/faas-sim-*.yaml (compatibility: faas-sim)
#   kubeprint k8s       the same scenario with compatibility: kubernetes
#
# faas-sim's response time is t_wait + t_exec of its invocations table. The 1M pair takes about
# 10 minutes of faas-sim time (and 2.8 GB) for each of its two runs.
#
# Environment: FAAS_SIM_DIR (the faas-sim checkout, default ~/.cache/faas-sim-30f687e/src),
# FAAS_SIM_PY (its Python, default ~/.cache/faas-sim-30f687e/venv/bin/python; make both with
# ../shared/peers/faas-sim/setup.sh), BENCH (the driver, default
# ../shared/peers/faas-sim/faas-sim-bench.py), KUBEPRINT (default .build/release/kubeprint).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-100k}
case $size in
    100k) args=(--nodes 100 --functions 10 --requests 100000 --rps 500) ;;
    1m) args=(--nodes 1000 --functions 100 --requests 1000000 --rps 5000) ;;
    *) echo "usage: $0 [100k|1m]" >&2; exit 64 ;;
esac
FAAS_SIM_DIR=${FAAS_SIM_DIR:-$HOME/.cache/faas-sim-30f687e/src}
FAAS_SIM_PY=${FAAS_SIM_PY:-$HOME/.cache/faas-sim-30f687e/venv/bin/python}
BENCH=${BENCH:-$repo/../shared/peers/faas-sim/faas-sim-bench.py}
KUBEPRINT=${KUBEPRINT:-$repo/.build/release/kubeprint}
for f in "$FAAS_SIM_DIR" "$FAAS_SIM_PY" "$BENCH" "$KUBEPRINT"; do
    [ -e "$f" ] || { echo "faas-sim-results: '$f' is missing (see the comment at the top of this script)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The driver, extended to print response-time percentiles and pulls; and a copy without the leak.
python3 - "$BENCH" "$tmp" <<'EOF'
import sys
src, out = sys.argv[1], sys.argv[2]
s = open(src).read()
extra = """        'rt_mean': float((inv['t_wait'] + inv['t_exec']).mean()) if completed else None,
        'rt_p50': float((inv['t_wait'] + inv['t_exec']).quantile(0.5)) if completed else None,
        'rt_p95': float((inv['t_wait'] + inv['t_exec']).quantile(0.95)) if completed else None,
        'rt_p99': float((inv['t_wait'] + inv['t_exec']).quantile(0.99)) if completed else None,
        'docker_pulls': int(len(env.metrics.extract_dataframe('flow'))),
        'peak_rss_mb':"""
if "        'peak_rss_mb':" not in s or "def main():" not in s:
    sys.exit("faas-sim-results: the driver is not the one this script knows")
s = s.replace("        'peak_rss_mb':", extra, 1)
open(out + "/bench.py", "w").write(s)
patch = '''def _no_wall_time_in_scheduling():
    import types
    import sim.faas.system as system
    system.time = types.SimpleNamespace(time=lambda: 0.0)


def main():
    _no_wall_time_in_scheduling()'''
open(out + "/bench-no-leak.py", "w").write(s.replace("def main():", patch, 1))
EOF

summarise_faas_sim() {  # NAME FILE
    python3 - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[2]))
print(f"{sys.argv[1]:<20} mean {d['rt_mean']:.4f}  p50 {d['rt_p50']:.4f}  p95 {d['rt_p95']:.4f}  p99 {d['rt_p99']:.4f}  "
      f"pulls {d['docker_pulls']}  replicas {d['replicas_end_total']}  load {d['sim_time_load_start_s']} s  end {d['sim_time_end_s']} s")
EOF
}
summarise_kubeprint() {  # NAME SCENARIO
    "$KUBEPRINT" simulate "$2" --json --requests "$tmp/requests.csv" > "$tmp/k.json"
    python3 - "$1" "$tmp/k.json" "$tmp/requests.csv" <<'EOF'
import csv, json, sys
d = json.load(open(sys.argv[2]))
f, l = d['faas'], d['faas']['latencySeconds']
with open(sys.argv[3]) as r:
    start = min(float(row['arrival']) for row in csv.DictReader(r))
print(f"{sys.argv[1]:<20} mean {l['mean']:.4f}  p50 {l['p50']:.4f}  p95 {l['p95']:.4f}  p99 {l['p99']:.4f}  "
      f"pulls {d['layerTransfers']}  replicas {sum(x['finalReplicas'] for x in f['functions'])}  load {start:.2f} s  end {d['simulatedSeconds']:.2f} s")
EOF
}

scenario=$repo/scenarios/faas-sim-$size.yaml
( cd "$FAAS_SIM_DIR" && "$FAAS_SIM_PY" "$tmp/bench.py" "${args[@]}" > "$tmp/fs.json" 2> "$tmp/fs.err" ) \
    || { tail -20 "$tmp/fs.err" >&2; exit 1; }
summarise_faas_sim "faas-sim" "$tmp/fs.json"
( cd "$FAAS_SIM_DIR" && "$FAAS_SIM_PY" "$tmp/bench-no-leak.py" "${args[@]}" > "$tmp/fs0.json" 2> "$tmp/fs0.err" ) \
    || { tail -20 "$tmp/fs0.err" >&2; exit 1; }
summarise_faas_sim "faas-sim, no leak" "$tmp/fs0.json"
summarise_kubeprint "kubeprint faas-sim" "$scenario"
sed 's/^compatibility: faas-sim$/compatibility: kubernetes/' "$scenario" > "$tmp/kubernetes.yaml"
summarise_kubeprint "kubeprint k8s" "$tmp/kubernetes.yaml"
