#!/usr/bin/env bash
# Installs what kubeprint needs; safe to run again (installs only what is missing).
#   scripts/setup.sh               build dependencies: libyaml, zlib, pkg-config (Debian packages)
#   scripts/setup.sh --test-tools  also PyYAML, kubernetes-validate and yamllint (PyPI) for the tests
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists yaml-0.1 || missing+=(libyaml-dev)
    pkg-config --exists zlib || missing+=(zlib1g-dev)
else
    missing+=(libyaml-dev zlib1g-dev)
fi
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift 6 toolchain is needed (swift.org/install); 'swift' is not on PATH" >&2
    exit 1
fi

if [ "${1:-}" = "--test-tools" ]; then
    pip_missing=()
    python3 -c 'import yaml' >/dev/null 2>&1 || pip_missing+=("PyYAML>=6")
    command -v kubernetes-validate >/dev/null 2>&1 || pip_missing+=("kubernetes-validate==1.37.0")
    command -v yamllint >/dev/null 2>&1 || pip_missing+=("yamllint==1.38.0")
    if ((${#pip_missing[@]})); then
        echo "setup: installing ${pip_missing[*]}"
        python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${pip_missing[@]}"
    fi
fi
