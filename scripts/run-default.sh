#!/bin/sh
# make run: the default job. Boots the hello guest; on a host without /dev/kvm, inside a nested KVM.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
	"$B/tinyvmm" run -m 4 -kernel "$B/tests/guests/hello"
else
	echo "make run: this host has no usable /dev/kvm ($("$B/tinyvmm" --version | sed -n 's/^KVM: //p'))."
	echo "make run: running the default job inside a nested KVM instead (QEMU emulating AMD-V; slower)."
	tests/nested/run.sh "$B" ./tinyvmm run -m 4 -kernel tests/guests/hello
fi
rc=$?
# the hello guest ends by writing 0 to the debug-exit port: status (0 << 1) | 1
[ "$rc" -eq 1 ] && { echo "make run: the guest passed (debug-exit status 1)"; exit 0; }
echo "make run: tinyvmm exited with status $rc" >&2
exit "$rc"
