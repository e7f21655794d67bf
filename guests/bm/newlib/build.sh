#!/bin/bash
# Builds Newlib (libc.a, libm.a, headers) for the bm guest's ring-3 apps from Debian's newlib-source, cached outside the tree.
#
# Usage: guests/bm/newlib/build.sh OUT_DIR
#   Writes OUT_DIR/include/, OUT_DIR/lib/libc.a and OUT_DIR/lib/libm.a (libc.a last, so
#   make can take it as the mark of the whole set). The build itself lives in
#   ${TINYVMM_CACHE:-/var/cache/tinyvmm}/newlib/KEY, KEY being a checksum of the
#   newlib-source package version, the compiler's version, the flags below and this
#   script: only the first build of those inputs on a machine pays the few minutes, later
#   ones copy the results.
#
# Debian has no x86_64-elf cross toolchain, and none is needed: the apps are x86-64 code
# like the host's, so Newlib's top-level configure is given --target=x86_64-elf and the
# host's gcc and binutils as the target tools. Without a gcc tree beside it, that
# configure puts Newlib's own headers (-isystem) ahead of the host's, so the host's libc
# headers are never used (gcc's own, stddef.h and friends, still are, as they must be).
set -euo pipefail

die() { echo "newlib: $*" >&2; exit 1; }
# Any command that fails without its own message still says where, and where the log is.
log=""
trap 'echo "newlib: line $LINENO failed: $BASH_COMMAND${log:+ (log: $log)}" >&2' ERR
[ $# -eq 1 ] || die "usage: $0 OUT_DIR"
# Absolute: the build below changes directory, and OUT is usually relative to the tree.
mkdir -p "$1" || die "cannot create $1"
OUT=$(cd "$1" && pwd)
PKG=newlib-source
JOBS=2 # the build machines have 2 cores, shared with other work

# Code for ring 3 at a fixed address (the apps are static, linked at 2 MiB): no PIC, no
# stack protector (there is no __stack_chk_guard to set up), freestanding since the host
# compiler would otherwise assume glibc. SSE stays on: the x86-64 ABI passes doubles in
# XMM registers, so printf("%f") needs it, and user-mode SSE runs natively everywhere we
# run. One section per function and object, so apps linked with --gc-sections keep only
# what they use.
# -UMISSING_SYSCALL_NAMES: for a generic ELF target Newlib's configure.host makes its
# stdio call the OS under the POSIX names (write, sbrk, ...), which any app defining a
# function called read or wait would silently replace. Undefined (the -U comes after
# configure.host's -D on every compile line), Newlib calls _write, _sbrk, ... and
# guests/bm/libc/ provides those, with the POSIX names as weak aliases for the apps.
TARGET_CFLAGS="-O2 -ffreestanding -fno-stack-protector -fno-pic -fno-pie -ffunction-sections -fdata-sections -UMISSING_SYSCALL_NAMES"
# The OS calls come from guests/bm/libc/; long long and C99 formats (%lld, %zu, %hhd)
# because the apps are 64-bit C11 programs; float printf stays in (the default); the
# light exit flushes the streams at exit instead of closing them, so fclose, free and
# close stay out of apps that do not call them. Not nano-malloc,
# though smaller: Newlib 3.3's aligns blocks to 8 bytes only, and x86-64 C needs 16
# (max_align_t; long double and SSE moves of 16-byte types fault on less). The default
# allocator aligns to 16.
CONFIG_FLAGS="--disable-newlib-supplied-syscalls --enable-newlib-io-long-long --enable-newlib-io-c99-formats --enable-lite-exit --disable-multilib --disable-nls"

ver=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null) || die "$PKG is not installed (make setup)"
# The package ships one tarball; its name carries the upstream version. (An unmatched
# glob stays as written, which the -r test then rejects.)
TARBALL=""
for f in /usr/src/newlib/newlib-*.tar.*; do
	TARBALL=$f
done
if [ -z "$TARBALL" ] || [ ! -r "$TARBALL" ]; then
	die "no /usr/src/newlib/newlib-*.tar.*: reinstall $PKG"
fi
# Its whole output, then the first line: under pipefail, "| head -1" could kill gcc early.
gccver=$(gcc --version) || die "gcc is not installed (make setup)"
gccver=${gccver%%$'\n'*}
key=$( { echo "$PKG $ver"; echo "$gccver"; echo "$TARGET_CFLAGS"; echo "$CONFIG_FLAGS"; cat "$0"; } |
	sha256sum | cut -c1-16)
ROOT=${TINYVMM_CACHE:-/var/cache/tinyvmm}/newlib
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
	log=$CACHE/build.log
	echo "  NEWLIB  $PKG $ver, flags $key: first build on this machine (about 3 minutes)"
	# Unpacked per key and removed once built: the source (100 MB) and the objects are
	# worth nothing after the install step, which is all the cache keeps.
	SRC=$CACHE/src
	mkdir -p "$SRC"
	tar -C "$SRC" -xf "$TARBALL" --strip-components=1 >>"$log" 2>&1 ||
		die "unpacking $TARBALL failed: $log"
	cd "$CACHE/obj"
	# The source's path (assert messages carry it into apps) is the same on every
	# machine and for every key: -ffile-prefix-map below.
	# shellcheck disable=SC2086 # CONFIG_FLAGS is a list of words
	"$SRC/configure" --target=x86_64-elf --prefix="$CACHE/install" $CONFIG_FLAGS \
		CC_FOR_TARGET=gcc AS_FOR_TARGET=as AR_FOR_TARGET=ar LD_FOR_TARGET=ld \
		NM_FOR_TARGET=nm RANLIB_FOR_TARGET=ranlib OBJDUMP_FOR_TARGET=objdump \
		READELF_FOR_TARGET=readelf STRIP_FOR_TARGET=strip \
		CFLAGS_FOR_TARGET="$TARGET_CFLAGS -ffile-prefix-map=$SRC=newlib" >>"$log" 2>&1 ||
		die "configure failed: $log"
	# Only Newlib: libgloss's x86-64 boards are not ours, our OS layer is guests/bm/libc/.
	make -j"$JOBS" all-target-newlib >>"$log" 2>&1 ||
		{ tail -20 "$log" >&2; die "build failed: $log"; }
	make install-target-newlib >>"$log" 2>&1 || die "install failed: $log"
	inst=$CACHE/install/x86_64-elf
	[ -s "$inst/lib/libc.a" ] && [ -s "$inst/lib/libm.a" ] && [ -e "$inst/include/stdio.h" ] ||
		die "the install has no libc.a, libm.a or stdio.h: $log"
	# The OS layer must be the only one: no syscall was built in, and the -U took hold.
	# (Through a file: under pipefail, grep -q ending early would fail nm's side.)
	nm "$inst/lib/libc.a" >"$CACHE/obj/libc.nm" 2>/dev/null
	if grep -qE ' T (_?write|_?sbrk)$' "$CACHE/obj/libc.nm"; then
		die "libc.a defines write or sbrk itself: --disable-newlib-supplied-syscalls did not hold"
	fi
	grep -qE ' U _write$' "$CACHE/obj/libc.nm" ||
		die "libc.a does not call _write: -UMISSING_SYSCALL_NAMES did not hold"
	mkdir -p "$CACHE/lib"
	cp "$inst/lib/libc.a" "$inst/lib/libm.a" "$CACHE/lib/"
	cp -a "$inst/include" "$CACHE/include"
	cd "$ROOT"
	rm -rf "$SRC" "$CACHE/obj" "$CACHE/install"
	touch "$CACHE/done"
fi

# Replace, never merge: a header dropped by a new Newlib must not linger in OUT.
mkdir -p "$OUT/lib"
rm -rf "$OUT/.include.tmp"
cp -a "$CACHE/include" "$OUT/.include.tmp"
rm -rf "$OUT/include"
mv "$OUT/.include.tmp" "$OUT/include"
for f in libm.a libc.a; do
	cp "$CACHE/lib/$f" "$OUT/lib/.$f.tmp"
	mv "$OUT/lib/.$f.tmp" "$OUT/lib/$f"
done
