#!/usr/bin/env bash
# Regenerate the exact pins: constraints/runtime.txt (what the services import at run time, what the
# image installs) and constraints/dev.txt (test, lint and bench tooling, consistent with the runtime pins).
# Inputs: the pyprojects of shared/, of the five services and of the web application, and requirements-dev.txt.
# uv (pinned in constraints/dev.txt, installed by `make install`) keeps every existing pin unless an
# input needs another version; pass its options to move on:
#   scripts/lock.sh                              after adding or removing a dependency
#   scripts/lock.sh --upgrade-package flask      one package to its newest version
#   scripts/lock.sh --upgrade                    everything
#   scripts/lock.sh --check                      fail if the pin files are not what the inputs give (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
UV=${UV:-$PWD/.venv/bin/uv}
repo=$PWD
check=""
if [ "${1:-}" = "--check" ]; then
    # Lock a copy of the inputs next to the current pins (same relative paths, so the same
    # annotations), then compare.
    check="yes"
    shift
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir "$work/constraints"
    cp constraints/runtime.txt constraints/dev.txt "$work/constraints/"
    cp requirements-dev.txt "$work/"
    ln -s "$repo/shared" "$repo/services" "$repo/web" "$work/"
    cd "$work"
fi
# The local packages are installed editable from the tree, never pinned.
local_packages="platform-shared platform-web $(for s in $SERVICES; do echo "$s-service"; done)"
options=(--quiet --universal --python-version 3.11 --annotation-style line --custom-compile-command scripts/lock.sh)
for package in $local_packages; do options+=(--no-emit-package "$package"); done
{
    echo "-e ./shared"
    for s in $SERVICES; do echo "-e ./services/$s"; done
    echo "-e ./web"
} | "$UV" pip compile - "${options[@]}" "$@" -o constraints/runtime.txt
"$UV" pip compile requirements-dev.txt -c constraints/runtime.txt "${options[@]}" "$@" -o constraints/dev.txt
if [ -n "$check" ]; then
    diff -u "$repo/constraints/runtime.txt" constraints/runtime.txt
    diff -u "$repo/constraints/dev.txt" constraints/dev.txt
    echo "constraints/: up to date"
fi
