#!/usr/bin/env bash
# Install the Debian packages steerdns needs to build, test and run
# (tools/debian-packages.txt), only when some are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in $(grep -v '^#' tools/debian-packages.txt); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
