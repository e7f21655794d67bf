#!/bin/sh
# bench/l4_vm.sh: boots the L4 guest one way with one app (for bench/l4.sh, which times it).
#
# Usage: bench/l4_vm.sh direct|floppy MEM_KIB APP [tinyvmm run options...]
# Environment: TVMM (tinyvmm), L4_DIR (kickstart and modules), L4_IMG (the GRUB floppy).
# The app reaches the guest as -app (the report port's host arguments), so the floppy's own
# default entry is overridden without rebuilding the image.
set -u
[ $# -ge 3 ] || { echo "usage: $0 direct|floppy MEM_KIB APP [options]" >&2; exit 2; }
path=$1 kib=$2 app=$3
shift 3
case $path in
floppy) exec "$TVMM" run -m "${kib}K" -fda "$L4_IMG" -snapshot -screen none -app "$app" "$@" ;;
direct) exec "$TVMM" run -m "${kib}K" -kernel "$L4_DIR/kickstart" -screen none -app "$app" \
	-initrd "$L4_DIR/x86-kernel,$L4_DIR/sigma0,$L4_DIR/roottask" "$@" ;;
*) echo "$0: unknown path '$path'" >&2; exit 2 ;;
esac
