#!/bin/bash
# bench/bm_insns.sh: guest instructions from reset to the bm app's first lines, by where they ran, counted in a QEMU TCG single-step trace (host side of make bench's bm section).
#
# Usage: bench/bm_insns.sh BUILD_DIR OUT_CSV
# The approach of bench/l4_insns.sh: no KVM exposes a guest instruction count, so the disk
# boots once under QEMU's TCG with one instruction per translation block and every block's
# execution logged (-singlestep -d exec,nochain); each log line is one executed instruction
# (a rep-prefixed one once per iteration). The log goes through a FIFO to the counter, not
# to a file: SeaBIOS alone is ~7 M lines, ~700 MB.
# Parts, by address: the MBR (0x7C00 + mbr.bin), LOADER.SYS (0x8000 + its size), the kernel
# (1 MiB + KERNEL.SYS's size: the loader copies it there and runs it nowhere else; up to
# the app's first instruction, then the calls and interrupts it serves for the app) and the
# app (2 MiB + STARTUP.APP's size). Everything else is firmware: before the MBR's first
# instruction that is SeaBIOS's POST and option ROMs; after it, the BIOS services the MBR
# and the loader call (int 13h reads, E820, A20), which tinyvmm's BIOS serves in the VMM at
# one exit per call. So everything before the MBR counts as firmware whatever its address:
# SeaBIOS runs code relocated near the top of RAM during POST.
# QEMU has no report port, so the kernel differs from a tinyvmm boot: COM1 instead of
# console records, and 20 ms of PIT channel 2 to time the TSC (a polling loop whose
# length depends on how fast the trace runs), and the app is the image's own (hello every
# second); QEMU is stopped once "Sleeping. Count 1" is on COM1, the first lap's line.
set -euo pipefail
B=$(cd "$1" && pwd)
OUT=$2
BM=$B/guests/bm
IMG=$B/images/bm.img
QEMU=$(command -v qemu-system-x86_64) || { echo "bm_insns: qemu-system-x86_64 missing" >&2; exit 1; }
command -v gawk >/dev/null || { echo "bm_insns: gawk missing (scripts/bench-packages.txt)" >&2; exit 1; }
for f in "$IMG" "$BM/mbr.bin" "$BM/LOADER.SYS" "$BM/KERNEL.SYS" "$BM/STARTUP.APP"; do
	[ -e "$f" ] || { echo "bm_insns: missing $f (make images builds it)" >&2; exit 1; }
done
WORK=$(mktemp -d)
QPID=""
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$WORK"' EXIT
mkfifo "$WORK/trace"

size() { wc -c <"$1"; }
gawk -v pre="qemu-tcg,qemu-pc" -v mbr_end=$((0x7C00 + $(size "$BM/mbr.bin"))) \
	-v ldr_end=$((0x8000 + $(size "$BM/LOADER.SYS"))) \
	-v k_end=$((0x100000 + $(size "$BM/KERNEL.SYS"))) \
	-v app_end=$((0x200000 + $(size "$BM/STARTUP.APP"))) '
	$1 == "Trace" {
		split($4, f, "/"); pc = strtonum("0x" f[2])
		if (pc >= 0x7C00 && pc < mbr_end) { k = "MBR"; booted = 1 }
		else if (!booted) k = "firmware to the MBR"
		else if (pc >= 0x8000 && pc < ldr_end) k = "loader"
		else if (pc >= 0x100000 && pc < k_end) k = in_app ? "kernel serving the app" : "kernel to the app"
		else if (pc >= 0x200000 && pc < app_end) { k = "app"; in_app = 1 }
		else k = "BIOS services for the MBR and loader"
		c[k]++; n++
	}
	END {
		split("firmware to the MBR,MBR,BIOS services for the MBR and loader,loader,kernel to the app,app,kernel serving the app", order, ",")
		for (i = 1; i <= 7; i++) print pre "," order[i] "," c[order[i]] + 0
		print pre ",total," n + 0
	}' "$WORK/trace" >"$WORK/counts" &
COUNTER=$!

"$QEMU" -accel tcg -singlestep -d exec,nochain -D "$WORK/trace" -cpu max -M pc -m 16 \
	-drive "file=$IMG,format=raw,snapshot=on" -serial "file:$WORK/serial" -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null 2>"$WORK/qemu.err" &
QPID=$!
# 1200 polls of 0.2 s; the trace slows the boot to about 45 s here
i=0
until grep -q "Sleeping. Count 1" "$WORK/serial" 2>/dev/null; do
	kill -0 "$QPID" 2>/dev/null || break
	i=$((i + 1))
	[ "$i" -le 1200 ] || break
	sleep 0.2
done
kill "$QPID" 2>/dev/null || true
wait "$QPID" 2>/dev/null || true
QPID=""
wait "$COUNTER" || { echo "bm_insns: counting the trace failed" >&2; exit 1; }
grep -q "Sleeping. Count 1" "$WORK/serial" ||
	{ echo "bm_insns: the boot printed no hello line" >&2; cat "$WORK/serial" "$WORK/qemu.err" >&2; exit 1; }
{
	echo "host,path,part,instructions"
	cat "$WORK/counts"
} >"$OUT"
cat "$OUT"
