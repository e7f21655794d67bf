#!/bin/bash
# Runs a command with a real /dev/kvm on a host that has none: inside a QEMU (TCG) VM that emulates AMD-V.
#
# Usage: tests/nested/run.sh BUILD_DIR COMMAND [ARGS...]
#   BUILD_DIR (build/) is copied into the VM at /payload/build, with the shared libraries
#   its executables need; COMMAND runs there with TINYVMM_BUILD=/payload/build. The exit
#   status is the command's, 124 when QEMU froze (see watch_freeze), or 125 when the nested
#   VM itself could not run it.
#   NESTED_EXTRA (optional) names more host paths to copy in, at the same paths.
#   tests/nested/packages.txt (and NESTED_PACKAGES, optional) name Debian packages whose
#   installed files go in too, at the same paths, where the host has them installed: the
#   programs some tests need (Slurm and MUNGE for the cluster test); a test checks for them
#   and says why it cannot run where they are missing.
#   TINYVMM_NESTED_MEM (MiB, default 1536) and TINYVMM_NESTED_CPUS (default 1) size the VM.
#
# The guest kernel is Debian's linux-image-amd64 (its kvm and kvm-amd modules), fetched with
# `apt-get download` into a cache outside the tree keyed by the package name, never installed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR COMMAND [ARGS...]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd) || exit 2
shift
CACHE=${TINYVMM_CACHE:-/var/cache/tinyvmm}/nested
TIMEOUT=${TINYVMM_NESTED_TIMEOUT:-1500}

die() { echo "nested-kvm: $*" >&2; exit 125; }

"$TOP/scripts/setup.sh" "$TOP/scripts/nested-packages.txt" || die "missing packages"

# --- the guest kernel and its KVM modules, cached by package name ---------------------
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$kpkg" ]; then
	[ "$(id -u)" -eq 0 ] && apt-get update -qq
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$kpkg" ] || die "cannot resolve Debian's linux-image-amd64 package"
KDIR=$CACHE/$kpkg
if [ ! -f "$KDIR/ready" ]; then
	echo "nested-kvm: fetching $kpkg into $KDIR (once per machine)"
	rm -rf "$KDIR" && mkdir -p "$KDIR/dl" || die "cannot create $KDIR"
	(cd "$KDIR/dl" && apt-get download -q "$kpkg" >"$KDIR/download.log" 2>&1) ||
		die "apt-get download $kpkg failed: $(tail -3 "$KDIR/download.log" | tr '\n' ' ')(log: $KDIR/download.log)"
	dpkg-deb -x "$KDIR"/dl/*.deb "$KDIR/x" || die "cannot unpack $kpkg"
	cp "$KDIR"/x/boot/vmlinuz-* "$KDIR/vmlinuz" || die "no kernel in $kpkg"
	mkdir -p "$KDIR/mod"
	mods=$(find "$KDIR/x/lib/modules" -name 'kvm.ko*' -o -name 'kvm-amd.ko*' -o -name 'irqbypass.ko*' \
		-o -name 'ccp.ko*')
	for m in $mods; do
		case $m in
		*.xz) xz -dc "$m" >"$KDIR/mod/$(basename "${m%.xz}")" ;;
		*.zst) zstd -qdc "$m" >"$KDIR/mod/$(basename "${m%.zst}")" ;;
		*) cp "$m" "$KDIR/mod/" ;;
		esac
	done
	[ -f "$KDIR/mod/kvm-amd.ko" ] || die "kvm-amd.ko not found in $kpkg"
	rm -rf "$KDIR/dl" "$KDIR/x"
	touch "$KDIR/ready"
fi

# --- the initramfs: busybox, modules, the build dir and its libraries ------------------
WORK=$(mktemp -d /tmp/tinyvmm-nested.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
R=$WORK/root
mkdir -p "$R"/{bin,dev,proc,sys,tmp,mod,payload,etc} || die "mkdir failed"
cp /bin/busybox "$R/bin/busybox" || die "busybox-static is missing"
# every applet: the tests' helper scripts use sleep, kill, awk, dd, hostname ...
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
cp "$KDIR"/mod/*.ko "$R/mod/"
cp -a "$BUILD" "$R/payload/build"
rm -rf "$R/payload/build/obj" "$R/payload/build/bench" "$R"/payload/build/thesis* "$R"/payload/build/.thesis-*
# NESTED_EXTRA="/abs/path ...": more host files or directories (make bench: QEMU and its
# firmware), copied to the same paths in the VM; their executables get their libraries too.
extra=""
for p in ${NESTED_EXTRA:-}; do
	case $p in /*) ;; *) die "NESTED_EXTRA: '$p' is not an absolute path" ;; esac
	mkdir -p "$R$(dirname "$p")" && cp -a "$p" "$R$p" || die "NESTED_EXTRA: cannot copy $p"
	extra="$extra $R$p"
done
# Packages' files, dereferenced (Debian's alternatives are symlinks into /etc), without
# their documentation; a package the host lacks is left out.
pkgs=$(sed 's/#.*//' "$HERE/packages.txt" 2>/dev/null; echo "${NESTED_PACKAGES:-}")
for pkg in $pkgs; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || continue
	for f in $(dpkg -L "$pkg" | grep -v -E '^/usr/share/(doc|man|lintian|locale)/'); do
		[ -f "$f" ] || continue
		mkdir -p "$R$(dirname "$f")" && cp -L "$f" "$R$f" || die "$pkg: cannot copy $f"
		extra="$extra $R$f"
	done
done
# shared libraries of every ELF executable and library in the payload, at their host paths
# shellcheck disable=SC2086
for exe in $(find "$R/payload/build" $extra -type f \( -perm -u+x -o -name '*.so*' \)); do
	file -b "$exe" 2>/dev/null | grep -q 'dynamically linked' || continue
	ldd "$exe" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		[ -e "$R$lib" ] || { mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib"; }
	done
done
printf '%q ' "$@" >"$R/payload/cmd"
cat >"$R/init" <<'EOI'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# /tmp stays on the initramfs's own root (RAM already): a tmpfs over it would hide the
# NESTED_EXTRA paths under /tmp, such as make thesis's scripts in a clone made in /tmp
chmod 1777 /tmp
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
# loopback up: daemons a test starts (Slurm's) talk over 127.0.0.1; no other interface exists.
# Slurm resolves every address, 127.0.0.1 included, with getaddrinfo's AI_ADDRCONFIG, which
# glibc answers only on a machine with an IPv4 address other than 127.0.0.1; any machine on a
# network has one, this VM gets a documentation address (RFC 5737) on lo that routes nowhere.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
ip addr add 192.0.2.1/32 dev lo 2>/dev/null || ifconfig lo:0 192.0.2.1 netmask 255.255.255.255 up
for m in irqbypass ccp kvm kvm-amd; do insmod /mod/$m.ko 2>/dev/null; done
if [ ! -c /dev/kvm ]; then
	echo "nested-kvm: no /dev/kvm in the nested VM"
	dmesg | grep -i -E 'kvm|svm' | tail -5
	echo "TINYVMM-NESTED-EXIT 125"
	poweroff -f
fi
cd /payload/build
export TINYVMM_BUILD=/payload/build HOME=/tmp TMPDIR=/tmp TINYVMM_TIER=nested
# Through a pipe, not the console's tty: what runs here reports to a log, not a terminal
# (no live progress lines rewritten with CR, which the host's copy would run together).
{
	sh -c "$(cat /payload/cmd)"
	echo "TINYVMM-NESTED-EXIT $?"
} 2>&1 | cat
poweroff -f
EOI
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet >"$WORK/initrd") || die "cpio failed"

# --- boot it: -cpu max gives the guest SVM with nested paging under TCG -----------------
LOG=$WORK/console
# QEMU's TCG sometimes stops running the VM outright: its vCPU thread waits for a wake-up
# that never comes, and the VM uses no CPU time at all (a live one always uses some).
# The watchdog ends such a VM after FREEZE_S seconds instead of waiting for the timeout.
FREEZE_S=${TINYVMM_NESTED_FREEZE_S:-90}
qemu_pid() { # the QEMU of this run (not the `timeout` in front of it), or nothing
	local d
	for d in /proc/[0-9]*; do
		case $(tr '\0' ' ' 2>/dev/null <"$d/cmdline") in
		"qemu-system-x86_64 "*"-initrd $WORK/initrd "*) echo "${d#/proc/}"; return ;;
		esac
	done
}
watch_freeze() {
	local pid="" t last="" still=0
	while [ -z "$pid" ]; do
		sleep 1
		pid=$(qemu_pid)
		[ -e "$WORK/done" ] && return
	done
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || return
		if [ "$t" = "$last" ]; then still=$((still + 10)); else still=0; fi
		last=$t
		if [ "$still" -ge "$FREEZE_S" ]; then
			# what was running, and where QEMU's threads wait: for the report, not the fix
			{
				grep -a -o '\[RUN \] .*' "$LOG" | tail -1 | tr -d '\r'
				for t in /proc/"$pid"/task/*; do
					echo "qemu thread $(cat "$t/comm"): state $(awk '{print $3}' "$t/stat"), waits in $(cat "$t/wchan")"
				done
			} >"$WORK/froze" 2>/dev/null
			kill -KILL "$pid"
			return
		fi
	done
}
watch_freeze &
WATCH=$!
# lapic=notscdeadline: with the nested VM's own timer in TSC-deadline mode, QEMU 7.2's TCG
# froze it (as above) in 4 of 4 runs of boot_pop's 20-guest floppy population, every guest
# with its own TSC-deadline timer; in one-shot mode that test passed.
# TINYVMM_NESTED_MEM (MiB) and TINYVMM_NESTED_CPUS: room for larger populations (make thesis).
NMEM=${TINYVMM_NESTED_MEM:-1536} NCPUS=${TINYVMM_NESTED_CPUS:-1}
case $NMEM$NCPUS in *[!0-9]*) die "TINYVMM_NESTED_MEM and TINYVMM_NESTED_CPUS must be numbers" ;; esac
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m "$NMEM" -smp "$NCPUS" -nographic \
	-no-reboot -net none -vga none -kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 lapic=notscdeadline" </dev/null 2>&1 |
	tee "$LOG" | tr -d '\r' | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' |
	grep --line-buffered -v -E '^(TINYVMM-NESTED-EXIT|\[ *[0-9]+\.[0-9]+\] |SeaBIOS|Booting|iPXE|$)'
touch "$WORK/done"
kill "$WATCH" 2>/dev/null
wait "$WATCH" 2>/dev/null
rc=$(grep -a -o 'TINYVMM-NESTED-EXIT [0-9]*' "$LOG" | tail -1 | cut -d' ' -f2)
if [ -z "$rc" ] && [ -e "$WORK/froze" ]; then
	echo "nested-kvm: the nested VM froze (QEMU used no CPU for ${FREEZE_S}s): ended it" >&2
	sed 's/^/nested-kvm:   /' "$WORK/froze" >&2
	exit 124
fi
[ -n "$rc" ] || die "the nested VM ended without running the command (timeout ${TIMEOUT}s or crash)"
exit "$rc"
