#!/bin/bash
# Builds the tcl guest's Linux kernel (vmlinux and an LZ4 bzImage) from Debian's linux-source, cached outside the tree.
#
# Usage: guests/tcl/kernel/build.sh OUT_DIR
#   Writes OUT_DIR/vmlinux and OUT_DIR/vmlinuz. The build itself lives in
#   ${TINYVMM_CACHE:-/var/cache/tinyvmm}/tcl-kernel/KEY, KEY being a checksum of the
#   linux-source package version, tcl.config and this script: only the first build of
#   those inputs on a machine pays the ~10 minutes, later ones copy two files.
set -euo pipefail

die() { echo "tcl kernel: $*" >&2; exit 1; }
# Any command that fails without its own message still says where, and where the log is.
log=""
trap 'echo "tcl kernel: line $LINENO failed: $BASH_COMMAND${log:+ (log: $log)}" >&2' ERR
[ $# -eq 1 ] || die "usage: $0 OUT_DIR"
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
FRAG=$HERE/tcl.config
PKG=linux-source-6.1
TARBALL=/usr/src/$PKG.tar.xz

ver=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null) || die "$PKG is not installed (make setup)"
[ -r "$TARBALL" ] || die "$TARBALL is missing: reinstall $PKG"
key=$( { echo "$PKG $ver"; cat "$FRAG" "$0"; } | sha256sum | cut -c1-16)
ROOT=${TINYVMM_CACHE:-/var/cache/tinyvmm}/tcl-kernel
CACHE=$ROOT/$key

if [ ! -e "$CACHE/done" ]; then
	mkdir -p "$ROOT" || die "cannot create the cache $ROOT (set TINYVMM_CACHE)"
	# One build at a time per key; a killed build leaves no "done" and starts over.
	exec 9>"$ROOT/$key.lock"
	flock 9
fi
if [ ! -e "$CACHE/done" ]; then
	rm -rf "$CACHE"
	mkdir -p "$CACHE/obj"
	echo "  KERNEL  $PKG $ver, config $key: first build on this machine (about 10 minutes)"
	# The source tree is shared by every key of the same package version.
	SRC=$ROOT/src-$ver
	if [ ! -e "$SRC/.unpacked" ]; then
		rm -rf "$SRC" "$SRC.tmp"
		mkdir -p "$SRC.tmp"
		tar -C "$SRC.tmp" -xJf "$TARBALL" --strip-components=1
		touch "$SRC.tmp/.unpacked"
		mv "$SRC.tmp" "$SRC"
	fi
	# A finished build of the same source starts this one off: Kbuild rebuilds exactly
	# what the changed configuration touches, in minutes instead of the whole tree.
	# (On the first build there is none: the glob matches nothing, which is not an error.)
	seed=""
	for d in $(ls -td "$ROOT"/*/done 2>/dev/null || true); do
		d=${d%/done}
		if [ "$(cat "$d/source" 2>/dev/null || true)" = "$ver" ]; then
			seed=$d
			break
		fi
	done
	if [ -n "$seed" ]; then
		rm -rf "$CACHE/obj"
		cp -a "$seed/obj" "$CACHE/obj"
	fi
	log=$CACHE/build.log
	echo "$ver" >"$CACHE/source"
	kmake() { make -C "$SRC" O="$CACHE/obj" ARCH=x86_64 -j"$(nproc)" "$@" >>"$log" 2>&1; }
	kmake KCONFIG_ALLCONFIG="$FRAG" allnoconfig || die "configuration failed: $log"
	# Kconfig drops what it cannot satisfy without a word: every line of the fragment must
	# have survived, or the kernel is not the one described.
	lost=""
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) ! grep -q "^${line%=n}=" "$CACHE/obj/.config" || lost="$lost ${line%=n}" ;;
		CONFIG_*) grep -qxF -- "$line" "$CACHE/obj/.config" || lost="$lost ${line%%=*}" ;;
		esac
	done <"$FRAG"
	[ -z "$lost" ] || die "options not in the final config (dependencies?):$lost"
	kmake KBUILD_BUILD_TIMESTAMP=2012-01-01 KBUILD_BUILD_USER=tinyvmm KBUILD_BUILD_HOST=tinyvmm \
		vmlinux bzImage || { tail -20 "$log" >&2; die "build failed: $log"; }
	cp "$CACHE/obj/vmlinux" "$CACHE/vmlinux"
	cp "$CACHE/obj/arch/x86/boot/bzImage" "$CACHE/vmlinuz"
	cp "$CACHE/obj/.config" "$CACHE/config"
	touch "$CACHE/done"
fi

mkdir -p "$OUT"
for f in vmlinux vmlinuz config; do
	cp "$CACHE/$f" "$OUT/.$f.tmp"
	mv "$OUT/.$f.tmp" "$OUT/$f"
done
