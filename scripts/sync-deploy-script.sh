#!/bin/sh
# Regenerates Sources/Manifests/DeployScript.swift from scripts/deploy.sh.
set -eu
cd "$(dirname "$0")/.."
{
    echo '// The deploy script shipped in every solution.zip. Its source of truth is scripts/deploy.sh;'
    echo '// `scripts/sync-deploy-script.sh` regenerates this file and a test keeps the two identical.'
    echo
    echo 'enum DeployScript {'
    echo '    static let text = #"""'
    cat scripts/deploy.sh
    echo
    echo '"""#'
    echo '}'
} > Sources/Manifests/DeployScript.swift
