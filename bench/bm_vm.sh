#!/bin/sh
# bench/bm_vm.sh: boots the bm guest's disk under tinyvmm or QEMU with one app (for bench/bm.sh, which times and counts it).
#
# Usage: bench/bm_vm.sh tinyvmm|qemu MEM_KIB APP [VMM options...]
# Environment: TVMM (tinyvmm), QEMU (qemu-system-x86_64), BM_IMG (make images' bm.img).
# Both boot the same image with -snapshot, so no run changes it and one image serves every
# run at once. tinyvmm hands the guest APP through the report port (-app). QEMU has no
# report port, so its guest runs the image's own app (an empty line: hello forever, one
# line a second): APP must be empty there, so a caller cannot believe it chose one.
# exec, so the caller's $! (and timeit's child) is the VMM itself, not this shell.
set -u
[ $# -ge 3 ] || { echo "usage: $0 tinyvmm|qemu MEM_KIB APP [options]" >&2; exit 2; }
vmm=$1 kib=$2 app=$3
shift 3
case $vmm in
tinyvmm)
	exec "$TVMM" run -m "${kib}K" -hda "$BM_IMG" -snapshot -screen none -app "$app" "$@" ;;
qemu)
	[ -z "$app" ] || { echo "$0: QEMU has no report port: the guest runs its own app, not '$app'" >&2; exit 2; }
	# KVM where there is one (the bench always has it; by hand, TCG works too)
	accel=""
	[ -c /dev/kvm ] && accel=-enable-kvm
	# shellcheck disable=SC2086
	exec "$QEMU" $accel -M pc -m "${kib}K" -drive "file=$BM_IMG,format=raw,snapshot=on" \
		-serial stdio -display none -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" ;;
*) echo "$0: unknown VMM '$vmm'" >&2; exit 2 ;;
esac
