#!/bin/sh
# Installs the Debian packages listed in the given files (default: scripts/packages.txt) when missing.
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- scripts/packages.txt
want=$(cat "$@" | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "tinyvmm setup: missing Debian packages:$missing" >&2
	echo "run as root, or install them first: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "tinyvmm setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# apt's chatter goes to a log kept only when something fails, so the failure can be read.
log=$(mktemp /tmp/tinyvmm-setup.XXXXXX.log)
fail() {
	echo "tinyvmm setup: $1 failed; its last lines (the whole log: $log):" >&2
	tail -15 "$log" >&2
	exit 1
}
apt-get update -qq >>"$log" 2>&1 || fail "apt-get update"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >>"$log" 2>&1 || fail "apt-get install$missing"
rm -f "$log"
