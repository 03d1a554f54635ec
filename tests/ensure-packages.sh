#!/bin/bash
# Installs the Debian packages the build and the tests need (.ci/packages)
# when some are missing, so `make check` works on a fresh machine.  Does
# nothing when everything is present; PODLAUNCH_NO_INSTALL=1 turns it off.
set -eu
cd "$(dirname "$0")/.."
[ "${PODLAUNCH_NO_INSTALL:-0}" = 1 ] && exit 0
mapfile -t want < <(grep -v -e '^#' -e '^$' .ci/packages)
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "missing packages: ${missing[*]} (install them, or run as root on Debian)" >&2
	exit 1
fi
echo "installing missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
