#!/bin/sh
# qemu_check.sh: runs every test guest under QEMU full emulation (TCG), for hosts without /dev/kvm.
#
# Usage: tests/guests/qemu_check.sh [BUILD_DIR]   (from the repository root; default build)
# QEMU boots multiboot guests itself; the 64-bit guests go through qemu_shim64, which
# recreates tinyvmm's long-mode entry state. Prints one line per guest and exits 1 if any
# guest did not end with its expected status (PASS = 1, triple fault with -no-reboot = 0).
set -u
B=${1:-build}
G=$B/tests/guests
QEMU=${QEMU:-qemu-system-x86_64}
make -s "$G/hello" "$G/mbinfo" "$G/rtc_rate" "$G/pit_rate" "$G/triple" \
	"$G/bzimage" "$G/elf64" "$G/fixups" "$G/qemu_shim64" || exit 1
G=$(cd "$G" && pwd)

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The files the boot tests write (tests/boot/harness.h describes them).
python3 - "$tmp" <<'PY' || exit 1
import sys
d = sys.argv[1]
for letter, size in (("a", 100), ("b", 5000), ("c", 4096)):
    tag = b"TVM-MOD" + letter.upper().encode()
    open(f"{d}/mod-{letter}", "wb").write(tag + letter.upper().encode() * (size - len(tag)))
open(f"{d}/initrd", "wb").write(bytes((i * 7 + 3) & 0xFF for i in range(5000)))
PY

failed=0
# check NAME EXPECTED_STATUS QEMU_ARGS...
check() {
	name=$1 want=$2
	shift 2
	out=$(cd "$tmp" && timeout 60 "$QEMU" -accel tcg -cpu max -nographic -no-reboot -net none \
		-display none -monitor none -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" 2>&1)
	got=$?
	last=$(printf '%s\n' "$out" | sed 's/.*Booting from ROM\.\.//' | grep -v '^\s*$' | tail -n 1)
	if [ "$got" -eq "$want" ]; then
		echo "ok   $name (status $got): $last"
	else
		echo "FAIL $name: status $got, expected $want"
		printf '%s\n' "$out" | sed 's/^/    /'
		failed=1
	fi
}

check hello 1 -m 8 -kernel "$G/hello"
check mbinfo 1 -m 8 -kernel "$G/mbinfo" -append "mbinfo-test key=value" \
	-initrd "mod-a alpha,mod-b,mod-c gamma delta"
check rtc_rate 1 -m 8 -kernel "$G/rtc_rate"
check pit_rate 1 -m 8 -kernel "$G/pit_rate"
check triple 0 -m 8 -kernel "$G/triple"
check bzimage 1 -m 64 -kernel "$G/qemu_shim64" -initrd "$G/bzimage bz-test,initrd"
check bzimage-no-initrd 1 -m 64 -kernel "$G/qemu_shim64" -initrd "$G/bzimage bz-test"
check elf64 1 -m 64 -kernel "$G/qemu_shim64" -initrd "$G/elf64 elf64-test"
check fixups 1 -m 64 -kernel "$G/qemu_shim64" -initrd "$G/fixups"
exit $failed
