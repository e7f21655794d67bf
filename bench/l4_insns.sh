#!/bin/bash
# bench/l4_insns.sh: guest instructions from reset to the L4 app's first lines, by where they ran, counted in a QEMU TCG single-step trace (host side of make bench's l4 section).
#
# Usage: bench/l4_insns.sh BUILD_DIR OUT_CSV
# No KVM exposes a guest instruction count, so the guest runs once under QEMU's TCG with one
# instruction per translation block and every block's execution logged (-singlestep -d
# exec,nochain); each log line is one executed instruction (a rep-prefixed instruction once
# per iteration), classified by its address: kickstart (0x100000-0x10FFFF), the kernel
# (-2 GiB), sigma0 (0x40000-0x4FFFF), the root task (0x50000-0x8FFFF); everything else is
# firmware and boot loader -- QEMU's SeaBIOS and option ROMs, and GRUB on the floppy path,
# NOT tinyvmm's BIOS, so only the L4 parts are what tinyvmm's guests execute too.
# The app is hello count=1 period=1ms: its first line, one more, then power-off.
set -euo pipefail
B=$(cd "$1" && pwd)
OUT=$2
L4=$B/guests/l4
QEMU=$(command -v qemu-system-x86_64) || { echo "l4_insns: qemu-system-x86_64 missing" >&2; exit 1; }
command -v gawk >/dev/null || { echo "l4_insns: gawk missing (scripts/bench-packages.txt)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
APP="app=hello count=1 period=1ms"

# The floppy's menu with the app above in its default entry.
sed "s|^module /roottask app=hello\$|module /roottask $APP|" "$(dirname "$0")/../guests/l4/menu.lst" >"$WORK/menu.lst"
grep -q "roottask $APP" "$WORK/menu.lst" || { echo "l4_insns: menu.lst has no hello entry to patch" >&2; exit 1; }
"$(dirname "$0")/../images/mkimage" floppy -o "$WORK/l4.img" --menu "$WORK/menu.lst" \
	--file "$L4/kickstart:/kickstart" --file "$L4/x86-kernel:/x86-kernel" \
	--file "$L4/sigma0:/sigma0" --file "$L4/roottask:/roottask" >/dev/null

trace() { # PATH: runs the guest, writes $WORK/PATH.log
	local boot
	if [ "$1" = direct ]; then
		boot=(-kernel "$L4/kickstart" -initrd "$L4/x86-kernel,$L4/sigma0,$L4/roottask $APP")
	else
		boot=(-drive "file=$WORK/l4.img,format=raw,if=floppy" -boot a)
	fi
	timeout 600 "$QEMU" -accel tcg -singlestep -d exec,nochain -D "$WORK/$1.log" -cpu max -m 2 \
		-display none -serial file:"$WORK/$1.serial" -no-reboot "${boot[@]}" </dev/null
	grep -q "Sleeping. Count 1" "$WORK/$1.serial" ||
		{ echo "l4_insns: the $1 run printed no hello line" >&2; cat "$WORK/$1.serial" >&2; exit 1; }
}

echo "host,path,part,instructions" >"$OUT"
for path in direct floppy; do
	trace "$path"
	gawk -v pre="qemu-tcg,$path" '
		{
			split($4, f, "/"); pc = f[2]
			if (pc ~ /^ffffffff8/) k = "kernel"
			else {
				v = strtonum("0x" pc)
				if (v >= 0x100000 && v < 0x110000) k = "kickstart"
				else if (v >= 0x40000 && v < 0x50000) k = "sigma0"
				else if (v >= 0x50000 && v < 0x90000) k = "roottask"
				else k = "firmware and loader"
			}
			c[k]++; n++
		}
		END {
			split("firmware and loader,kickstart,kernel,sigma0,roottask", order, ",")
			for (i = 1; i <= 5; i++) print pre "," order[i] "," c[order[i]] + 0
			print pre ",total," n
		}' "$WORK/$path.log" >>"$OUT"
	rm -f "$WORK/$path.log"
done
cat "$OUT"
