#!/bin/bash
# test_mkimage.sh: checks images/mkimage's refusals (exit 2, the reason on stderr) and what its images hold, with e2fsprogs, sfdisk and mtools.
#
# Usage: images/test_mkimage.sh [BUILD_DIR]   (make images-check runs it; needs make images first)
# Prints one line per check and "N passed, M failed" last; exits 1 if any failed.
# `test && ok || no` is safe here, as ok always succeeds:
# shellcheck disable=SC2015
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
M=$HERE/mkimage
TK=$(cd "${1:-build}" && pwd)/images/testkernel
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0
fail=0
ok() {
	echo "ok   $1"
	pass=$((pass + 1))
}
no() {
	echo "FAIL $1"
	fail=$((fail + 1))
}

# refused NAME NEEDLE ARGS...: exit 2, NEEDLE on stderr, no image and no temp file left.
refused() {
	local name=$1 needle=$2
	shift 2
	rm -f out.img .out.img.*
	"$M" "$@" >stdout 2>stderr
	local rc=$?
	if [ $rc -eq 2 ] && grep -q -F -- "$needle" stderr && [ ! -s stdout ] &&
		[ ! -e out.img ] && ! compgen -G '.out.img.*' >/dev/null; then
		ok "refuses $name"
	else
		no "refuses $name: status $rc (want 2), stderr: $(head -c 300 stderr)"
	fi
}

[ -f "$TK/kickstart" ] || {
	echo "FAIL $TK/kickstart missing (make images first)"
	exit 1
}
K=$TK/kickstart
head -c 1400000 /dev/zero >big
head -c 600 /dev/zero >sector600
printf 'not a kernel\n' >notkernel
# A stand-in Linux kernel: only its setup header signature "HdrS" at 0x202 matters here.
head -c 1024 /dev/zero >bz && printf 'HdrS' | dd of=bz bs=1 seek=514 conv=notrunc status=none
echo initrd >core.gz

refused "no command" "Usage"
refused "an unknown command" "unknown command" cdrom -o out.img
refused "an unknown option" "unknown option '--bogus'" floppy -o out.img --kernel "$K" --bogus
refused "a missing output" "no output image" floppy --kernel "$K"
refused "a missing output directory" "does not exist" floppy -o nodir/out.img --kernel "$K"
refused "no kernel and no menu" "give a kernel" floppy -o out.img
refused "a missing kernel file" "does not exist" floppy -o out.img --kernel ./nothing
refused "a file GRUB cannot boot" "neither a multiboot header" floppy -o out.img --kernel notkernel
refused "a relative image path" "not an absolute path" floppy -o out.img --kernel "$K:kick"
refused "white space in an image path" "may hold only" floppy -o out.img --kernel "$K:/a b"
refused "a '..' in an image path" "component" floppy -o out.img --kernel "$K:/boot/../k"
refused "overwriting GRUB's stage2" "GRUB's own files" floppy -o out.img --kernel "$K:/boot/grub/stage2"
refused "two files at one path" "two files" floppy -o out.img --kernel "$K" --module "$K"
refused "--size for a floppy" "always 1.44 MB" floppy -o out.img --kernel "$K" --size 2M
refused "a bad timeout" "--timeout" floppy -o out.img --kernel "$K" --timeout soon
refused "--menu with --kernel" "cannot be combined" floppy -o out.img --menu notkernel --kernel "$K"
refused "modules for a Linux kernel" "--module is for multiboot" floppy -o out.img --kernel bz --module "$K:/m"
refused "an initrd for a multiboot kernel" "--initrd is for Linux" floppy -o out.img --kernel "$K" --initrd core.gz
refused "contents too big for a floppy" "do not fit in a 1.44 MB floppy" floppy -o out.img --kernel "$K" --module big
refused "a size with a bad unit" "not a number" disk -o out.img --kernel "$K" --size 3X
refused "a size of no whole sectors" "512-byte sectors" disk -o out.img --kernel "$K" --size 1000
refused "a disk too small for its partition" "bigger --size" disk -o out.img --kernel "$K" --size 1200K
refused "a partition start past the end" "beyond the disk" disk -o out.img --kernel "$K" --size 4M --part-start 9000
refused "GRUB options for fat16" "carry no GRUB" fat16 -o out.img --kernel "$K"
refused "a FAT16 partition under 2 MiB" "at least" fat16 -o out.img --size 2M
refused "a FAT16 partition over 2 GiB" "at most 2 GiB" fat16 -o out.img --size 3G
refused "an MBR of 600 bytes" "446 bytes" fat16 -o out.img --size 4M --mbr sector600
refused "a loader that does not fit" "does not fit" fat16 -o out.img --size 4M --part-start 2 --loader sector600
refused "names equal on FAT" "same name on FAT" fat16 -o out.img --size 4M --file "$K:/a/k" --file "$K:/A/K"
refused "files too big for FAT16" "do not fit" fat16 -o out.img --size 4M --file big:/a --file big:/b --file big:/c

# A failed run leaves an existing image untouched.
printf 'previous image' >keep.img
"$M" floppy -o keep.img --kernel ./nothing 2>/dev/null
if [ "$(cat keep.img)" = "previous image" ]; then ok "a failed run leaves OUT as it was"; else no "a failed run changed OUT"; fi

# --- what the images hold ----------------------------------------------------------------
if "$M" floppy -o f.img --serial --kernel "$K" --module "$TK/x86-kernel" \
	--module "$TK/sigma0 a b" --file "$TK/hello:/etc/data" 2>err; then
	ok "builds a floppy"
else
	no "builds a floppy: $(cat err)"
fi
[ "$(stat -c %s f.img 2>/dev/null)" = 1474560 ] && ok "the floppy is 1474560 bytes" || no "floppy size"
e2fsck -fn f.img >/dev/null 2>&1 && ok "the floppy's ext2 is clean (e2fsck)" || no "e2fsck on the floppy"
debugfs -R 'cat /boot/grub/menu.lst' f.img 2>/dev/null >menu
want_menu=$'serial --unit=0 --speed=115200\nterminal --dumb --timeout=0 serial console\nhiddenmenu\ntimeout 0\ndefault 0\n\ntitle tinyvmm\nkernel /kickstart\nmodule /x86-kernel\nmodule /sigma0 a b'
[ "$(grep -v '^#' menu)" = "$want_menu" ] && ok "menu.lst as generated" || no "menu.lst is: $(cat menu)"
debugfs -R 'cat /etc/data' f.img 2>/dev/null | cmp -s - "$TK/hello" && ok "--file lands at its path" || no "--file content"
[ "$(od -A n -t x1 -j 510 -N 2 f.img | tr -d ' ')" = 55aa ] && ok "the floppy has a boot signature" || no "floppy signature"
"$M" floppy -o f2.img --serial --kernel "$K" --module "$TK/x86-kernel" \
	--module "$TK/sigma0 a b" --file "$TK/hello:/etc/data" 2>/dev/null
cmp -s f.img f2.img && ok "the same inputs give the same bytes" || no "two builds differ"

if "$M" disk -o d.img --size 6M --part-start 63 --kernel bz:/boot/vmlinuz \
	--append 'console=ttyS0 quiet' --initrd core.gz:/boot/core.gz --timeout 5 --title 'Tiny Core' 2>err; then
	ok "builds a disk"
else
	no "builds a disk: $(cat err)"
fi
sfdisk -d d.img 2>/dev/null | grep -q 'start= *63, size= *12225, type=83, bootable' &&
	ok "the disk has one bootable 0x83 partition from sector 63" || no "disk partition: $(sfdisk -d d.img 2>&1 | tail -1)"
dd if=d.img of=p.img bs=512 skip=63 status=none
e2fsck -fn p.img >/dev/null 2>&1 && ok "the disk's ext2 is clean (e2fsck)" || no "e2fsck on the disk partition"
debugfs -R 'cat /boot/grub/menu.lst' p.img 2>/dev/null >menu
want_menu=$'timeout 5\ndefault 0\n\ntitle Tiny Core\nkernel /boot/vmlinuz console=ttyS0 quiet\ninitrd /boot/core.gz'
[ "$(grep -v '^#' menu)" = "$want_menu" ] && ok "a Linux entry with initrd, menu shown" || no "disk menu.lst is: $(cat menu)"
# GRUB's setup embedded stage1.5 right after the MBR: its sectors are no longer zero
[ -n "$(dd if=d.img bs=512 skip=1 count=1 status=none | tr -d '\0')" ] &&
	ok "stage1.5 is embedded after the MBR" || no "sector 1 of the disk is empty"

printf 'MBRCODE' >mbr.bin
printf 'LOADER' >loader.bin
if "$M" fat16 -o g.img --size 4M --mbr mbr.bin --loader loader.bin --file "$TK/hello:/dir/sub/hello.bin" 2>err; then
	ok "builds a FAT16 disk"
else
	no "builds a FAT16 disk: $(cat err)"
fi
sfdisk -d g.img 2>/dev/null | grep -q 'start= *2048, size= *6144, type=6, bootable' &&
	ok "one FAT16 (0x06) partition from sector 2048" || no "fat16 partition: $(sfdisk -d g.img 2>&1 | tail -1)"
[ "$(head -c 7 g.img)" = MBRCODE ] && ok "--mbr code at sector 0" || no "--mbr code"
[ "$(dd if=g.img bs=512 skip=1 count=1 status=none | head -c 6)" = LOADER ] && ok "--loader at sector 1" || no "--loader"
[ "$(od -A n -t x1 -j 510 -N 2 g.img | tr -d ' ')" = 55aa ] && ok "--mbr kept the boot signature" || no "fat16 signature"
MTOOLS_SKIP_CHECK=1 mtype -i g.img@@1M ::/dir/sub/hello.bin 2>/dev/null | cmp -s - "$TK/hello" &&
	ok "the file reads back through mtools" || no "mtype of the FAT16 file"
dd if=g.img of=q.img bs=512 skip=2048 status=none
fsck.fat -n q.img >/dev/null 2>&1 && ok "the FAT16 is clean (fsck.fat)" || no "fsck.fat"
[ "$(dd if=q.img bs=1 skip=54 count=8 status=none)" = "FAT16   " ] && ok "the volume says FAT16" || no "not FAT16"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
