#!/bin/bash
# qemu_check.sh: boots every test image of make images under QEMU (TCG, SeaBIOS) and checks that it reaches PASS.
#
# Usage: images/qemu_check.sh [BUILD_DIR]   (default build; make images-check runs it)
# A check of the images themselves, independent of tinyvmm's firmware: GRUB Legacy from
# the floppy and from the disk into the test kernel, the write-disk variant (its marker
# sector must reach a copy of the image), and the FAT16 disk's own MBR.
set -u
B=${1:-build}
I=$B/images
QEMU=${QEMU:-qemu-system-x86_64}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

failed=0
# check NAME WANT_LINE DRIVE_OPTION IMAGE
check() {
	local name=$1 want=$2 opt=$3 img=$4 out got
	out=$(timeout 60 "$QEMU" -accel tcg -m 16 -display none -monitor none -serial stdio \
		-net none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-drive "if=$opt,format=raw,file=$img" 2>&1 </dev/null)
	got=$?
	if [ "$got" -eq 1 ] && printf '%s\n' "$out" | grep -q -x "$want"; then
		echo "ok   $name"
	else
		echo "FAIL $name (status $got, want 1 and '$want'):"
		printf '%s\n' "$out" | tr -d '\r' | tail -n 15 | sed 's/^/     /'
		failed=1
	fi
}

for f in floppy-test disk-test disk-write fat16-test; do
	[ -f "$I/$f.img" ] || { echo "FAIL $I/$f.img is missing (make images)"; exit 1; }
done
check "floppy: GRUB -> kickstart + 3 modules" "PASS mbkick" floppy "$I/floppy-test.img"
check "disk: MBR -> stage1.5 -> GRUB -> kickstart" "PASS mbkick" ide "$I/disk-test.img"

# The write test works on a copy: the build's image stays as make made it.
cp "$I/disk-write.img" "$tmp/w.img"
check "disk: kernel writes its marker sector" "PASS mbkick" ide "$tmp/w.img"
if dd if="$tmp/w.img" bs=512 skip=1024 count=1 status=none | grep -a -q '^TVM-DISK-WRITE'; then
	echo "ok   disk: the marker reached the image file"
else
	echo "FAIL disk: no marker at LBA 1024 of the written copy"
	failed=1
fi
check "fat16: own MBR reads loader, volume, root dir and a file" "PASS fatmbr" ide "$I/fat16-test.img"
exit $failed
