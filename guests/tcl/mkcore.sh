#!/bin/sh
# mkcore.sh: builds the tcl guest's initramfs core.gz (and core.cpio beside it) from busybox-static, guests/tcl/rootfs/ and tinyvmm-app, without root.
#
# Usage: guests/tcl/mkcore.sh OUT.gz APP
#   OUT.gz   the gzip-compressed newc archive to write; OUT.cpio (same name, .cpio) is the
#            same archive uncompressed, for guests whose kernel runs emulated, where
#            inflating costs minutes
#   APP      the static tinyvmm-app binary, installed as /usr/local/bin/tinyvmm-app
# Environment: BUSYBOX (default /bin/busybox, Debian's busybox-static) and SOURCE_DATE_EPOCH
# (default 1325376000, 2012-01-01: the thesis's year) for every file's time.
#
# The archive is reproducible: names sorted, owners 0:0, one fixed time, inode numbers
# renumbered (cpio --reproducible) and no name or time in the gzip header (gzip -n). Both
# files are written under temporary names and renamed into place, so a failed or
# interrupted build never leaves a half-written image that looks finished.
set -eu

[ $# -eq 2 ] || {
	echo "usage: $0 OUT.gz APP" >&2
	exit 2
}
out_gz=$1
app=$2
out_cpio=${out_gz%.gz}.cpio
[ "$out_cpio" != "$out_gz" ] || {
	echo "mkcore: $out_gz: the output's name must end in .gz" >&2
	exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}
epoch=${SOURCE_DATE_EPOCH:-1325376000}

die() {
	echo "mkcore: $*" >&2
	said=1
	exit 1
}
# set -e ends the script at any failing command; say so when die() did not already.
said_why() {
	rc=$?
	[ "$rc" = 0 ] || [ -n "${said:-}" ] || echo "mkcore: a step failed (exit $rc) building $out_gz" >&2
}
trap said_why EXIT

[ -x "$busybox" ] || die "$busybox: not found (Debian package busybox-static)"
# The guest has no libc and no loader: a dynamically linked busybox would not even start.
if LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q 'INTERP'; then
	die "$busybox is dynamically linked; the guest needs busybox-static's"
fi
[ -f "$app" ] || die "$app: not found"
if LC_ALL=C readelf -l "$app" 2>/dev/null | grep -q 'INTERP'; then
	die "$app is dynamically linked"
fi

out_dir=$(dirname "$out_gz")
mkdir -p "$out_dir"
stage=$(mktemp -d "$out_dir/.core-stage.XXXXXX")
tmp_cpio="$out_cpio.tmp.$$"
tmp_gz="$out_gz.tmp.$$"
trap 'said_why; rm -rf "$stage" "$tmp_cpio" "$tmp_gz"' EXIT INT TERM

# The skeleton: what busybox init and the scripts expect to exist before /init mounts over
# proc, sys, dev, tmp and run.
for d in bin sbin usr/bin usr/sbin usr/local/bin etc/sysconfig proc sys dev tmp run root \
	home/tc var/log mnt opt; do
	mkdir -p "$stage/$d"
done

cp "$busybox" "$stage/bin/busybox"
# Every applet busybox has, at the place it names (bin/sh, sbin/init, usr/bin/awk, ...): a
# script that works on Tiny Core finds its tools where it expects them.
"$busybox" --list-full | while read -r applet; do
	case $applet in
	"" | /* | *..*) die "busybox --list-full gave an odd name: '$applet'" ;;
	esac
	mkdir -p "$stage/$(dirname "$applet")"
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

# Our own files over the skeleton; only the executable bit is taken from the checkout.
(cd "$here/rootfs" && find . -mindepth 1 -print) | LC_ALL=C sort | while read -r f; do
	f=${f#./}
	if [ -d "$here/rootfs/$f" ]; then
		mkdir -p "$stage/$f"
	else
		# A file of ours replaces an applet link of the same name, never the reverse.
		rm -f "$stage/$f"
		cp "$here/rootfs/$f" "$stage/$f"
	fi
done
cp "$app" "$stage/usr/local/bin/tinyvmm-app"

# Modes spelt out, not inherited from the umask of whoever builds.
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -exec chmod 0644 {} +
(cd "$here/rootfs" && find . -type f -perm -u+x -print) | while read -r f; do
	chmod 0755 "$stage/${f#./}"
done
chmod 0755 "$stage/bin/busybox" "$stage/usr/local/bin/tinyvmm-app"
chmod 1777 "$stage/tmp"
chmod 0700 "$stage/root"
find "$stage" -exec touch -h -d "@$epoch" {} +

# Parents sort before their children, so the kernel creates every directory before it
# unpacks what is in it.
(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) >"$tmp_cpio"

# /dev/console cannot be made without root, so it is written as a second newc archive of
# its own (the kernel unpacks archives laid end to end). The kernel opens it for init's
# stdin, stdout and stderr before /init runs, when no devtmpfs is mounted yet.
newc_entry() { # NAME MODE(octal) RDEV_MAJOR RDEV_MINOR
	name_len=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 $(($2)) 0 0 1 "$epoch" 0 0 0 "$3" "$4" "$name_len" 0
	printf '%s' "$1"
	# The name's NUL, then zeros until header (110 bytes) and name end on a multiple of 4.
	head -c $((1 + (4 - (110 + name_len) % 4) % 4)) /dev/zero
}
{
	newc_entry dev/console 020600 5 1
	newc_entry 'TRAILER!!!' 0 0 0
} >>"$tmp_cpio"

gzip -n -9 -c "$tmp_cpio" >"$tmp_gz"
mv -f "$tmp_cpio" "$out_cpio"
mv -f "$tmp_gz" "$out_gz"
