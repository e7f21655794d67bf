#!/bin/sh
# bench/tcl_vm.sh: boots the tcl guest one way with one app (for bench/tcl.sh, which times it).
#
# Usage: bench/tcl_vm.sh vmlinux|vmlinuz|disk MEM_MIB APP [tinyvmm run options...]
# Environment: TVMM (tinyvmm), TCL_DIR (vmlinux, vmlinuz, core.gz), TCL_IMG (the GRUB disk).
# The app reaches the guest as -app (the report port's host arguments), so every path runs
# the same app from the same files; a reset (the guest's end, or a panic) ends the VM.
set -u
[ $# -ge 3 ] || { echo "usage: $0 vmlinux|vmlinuz|disk MEM_MIB APP [options]" >&2; exit 2; }
path=$1 mib=$2 app=$3
shift 3
# guests/tcl/README.md: the boot codes, and what kvm_pvm needs (harmless elsewhere)
cmdline="console=ttyS0 panic=-1 reboot=k noxsave clearcpuid=308,151,141 rodata=off"
cmdline="$cmdline base norestore text superuser nodhcp nortc"
case $path in
disk) exec "$TVMM" run -m "$mib" -hda "$TCL_IMG" -snapshot -no-reboot -screen none -app "$app" "$@" ;;
vmlinux | vmlinuz)
	exec "$TVMM" run -m "$mib" -kernel "$TCL_DIR/$path" -initrd "$TCL_DIR/core.gz" \
		-append "$cmdline" -no-reboot -screen none -app "$app" "$@" ;;
*) echo "$0: unknown path '$path'" >&2; exit 2 ;;
esac
