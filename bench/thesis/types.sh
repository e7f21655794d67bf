# bench/thesis/types.sh: the guest types every experiment runs, one row each: files, boot path, tinyvmm and QEMU arguments (sourced).
#
# A new type (bm) is one more case in each function below; every experiment loops over
# THESIS_TYPES and asks these functions, so none of them names a type itself.
# Needs: BUILD (the build directory, as seen where the VMs run).
# shellcheck shell=bash

THESIS_TYPES=${THESIS_TYPES:-"l4 bm tcl"}

# The thesis's own figures per type (Table 5.1, sections 5.1.5 and 6): image MB, minimum RAM
# MB, idle footprint MB per VM under QEMU on hardware, and its QEMU -m.
type_thesis() { # TYPE FIELD
	case $1:$2 in
	l4:name) echo "L4Ka::Pistachio" ;; bm:name) echo "BareMetal OS" ;; tcl:name) echo "Tiny Core Linux" ;;
	l4:image_mb) echo 1.5 ;; bm:image_mb) echo 32 ;; tcl:image_mb) echo 20 ;;
	l4:min_ram_mb) echo 1.68 ;; bm:min_ram_mb) echo 16 ;; tcl:min_ram_mb) echo 48 ;;
	l4:footprint_mb) echo 3.45 ;; bm:footprint_mb) echo 3.53 ;; tcl:footprint_mb) echo 24.82 ;;
	l4:qemu_m) echo 5 ;; bm:qemu_m) echo 16 ;; tcl:qemu_m) echo 50 ;;
	*) echo "" ;;
	esac
}

# The image a user copies around (what the thesis's sizes measure), and the other files.
type_image() { # TYPE
	case $1 in
	l4) echo "$BUILD/images/l4.img" ;;
	bm) echo "$BUILD/images/bm.img" ;;
	tcl) echo "$BUILD/images/tcl.img" ;;
	esac
}
type_files() { # TYPE: every file the experiments boot
	case $1 in
	l4) echo "$BUILD/guests/l4/kickstart $BUILD/guests/l4/x86-kernel $BUILD/guests/l4/sigma0 $BUILD/guests/l4/roottask" ;;
	bm) echo "$BUILD/images/bm.img" ;;
	tcl) echo "$BUILD/guests/tcl/vmlinux $BUILD/guests/tcl/vmlinuz $BUILD/guests/tcl/core.gz" ;;
	esac
}
# Why TYPE cannot run here, or nothing when it can (needs HOST).
type_missing() { # TYPE
	local f
	for f in $(type_files "$1") $(type_image "$1"); do
		[ -e "$f" ] || { echo "not built (${f/#$BUILD/build} is missing)"; return; }
	done
	# kvm_pvm delivers a guest's SYSCALL at LSTAR still in user mode (guests/tcl/README.md)
	[ "$1" = tcl ] && [ "${HOST:-}" = kvm_pvm ] && echo "cannot run here: on kvm_pvm Linux reaches \"Run /init\" and no further"
	return 0
}

# The boot path both VMMs use, in words for the report.
type_path() { # TYPE
	case $1 in
	l4) echo "multiboot direct (kickstart + 3 modules)" ;;
	bm) echo "firmware boot from the IDE disk" ;;
	tcl) echo "Linux direct (tinyvmm: vmlinux, QEMU: vmlinuz bzImage) + core.gz" ;;
	esac
}

# How long to wait per guest of TYPE when N boot together before calling it a failure (s):
# generous, for a loaded nested-tcg host; Linux boots take ~10x an L4 guest's there.
type_boot_s() { case $1 in tcl) echo 40 ;; *) echo 10 ;; esac; }

# RAM both VMMs give a guest, MiB (tinyvmm pop's defaults; the thesis gave QEMU more).
type_mem() { case $1 in l4) echo 2 ;; bm) echo 4 ;; tcl) echo 32 ;; esac; }
# The search range for the smallest -m, KiB: LOW known too small, HIGH expected to work.
type_mem_range() { case $1 in l4) echo "512 4096" ;; bm) echo "1024 32768" ;; tcl) echo "4096 65536" ;; esac; }

# The tcl kernel's command line (guests/tcl/README.md): boot codes, and what kvm_pvm needs.
TCL_CMDLINE="console=ttyS0 panic=-1 reboot=k noxsave clearcpuid=308,151,141 rodata=off base norestore text superuser nodhcp nortc quiet"

# tinyvmm pop's arguments for a group of TYPE (the app goes in with --app).
type_pop_args() { # TYPE
	local l4=$BUILD/guests/l4 t=$BUILD/guests/tcl
	case $1 in
	l4) printf '%s\n' -t l4 -i "$l4/kickstart" --initrd "$l4/x86-kernel,$l4/sigma0,$l4/roottask" ;;
	bm) printf '%s\n' -t bm -i "$BUILD/images/bm.img" ;;
	tcl) printf '%s\n' -t tcl -i "$t/vmlinux" --initrd "$t/core.gz" --append "$TCL_CMDLINE" ;;
	esac
}
# The same for one `tinyvmm run` (the app goes in with -app).
type_run_args() { # TYPE
	local l4=$BUILD/guests/l4 t=$BUILD/guests/tcl
	case $1 in
	l4) printf '%s\n' -kernel "$l4/kickstart" -initrd "$l4/x86-kernel,$l4/sigma0,$l4/roottask" ;;
	bm) printf '%s\n' -hda "$BUILD/images/bm.img" -snapshot ;;
	tcl) printf '%s\n' -kernel "$t/vmlinux" -initrd "$t/core.gz" -append "$TCL_CMDLINE" ;;
	esac
}

# QEMU's machine types for TYPE, and its boot arguments with APP ("app=... k=v"). QEMU has
# no report port, so the app travels the way the guest reads it without one: the root
# task's module line (l4), the kernel command line (tcl). Reports go to /dev/null in tcl:
# its app's port probe crashes under QEMU (see README.md).
type_qemu_machines() { # TYPE: the machine types that may boot it, as far as the scale tries them
	local m all
	case $1 in l4 | tcl) all="pc microvm" ;; *) all="pc" ;; esac
	for m in $all; do [[ " ${QEMU_MACHINES:-pc microvm} " == *" $m "* ]] && echo "$m"; done
}
type_qemu_args() { # TYPE APP
	local l4=$BUILD/guests/l4 t=$BUILD/guests/tcl w out=""
	case $1 in
	l4) printf '%s\n' -kernel "$l4/kickstart" -initrd "$l4/x86-kernel,$l4/sigma0,$l4/roottask $2" ;;
	bm) printf '%s\n' -hda "$BUILD/images/bm.img" -snapshot ;;
	tcl)
		for w in $2; do out="$out tinyvmm.$w"; done
		printf '%s\n' -kernel "$t/vmlinuz" -initrd "$t/core.gz" -append "$TCL_CMDLINE tinyvmm.report=file:/dev/null$out" ;;
	esac
}
# Whether QEMU can give TYPE an app of our choosing (bm reads it only from tinyvmm's port).
type_qemu_app() { case $1 in bm) return 1 ;; *) return 0 ;; esac; }
# Where it cannot, what runs instead: the image's own startup app, which the experiments that
# only need a guest idling after its first line (footprint, boot) can use.
type_qemu_own_app() { case $1 in bm) echo "the image's own app (hello every 1 s, not hello period=20s): QEMU cannot give bm an app" ;; esac; }

# A pattern's fib(n) and sleep as the thesis ran them (Table 4.1, TCL/BareMetal rows).
pattern_n() { case $1 in A) echo 40 ;; B) echo 43 ;; C) echo 40 ;; esac; }
pattern_sleep() { case $1 in A) echo 20 ;; B) echo 40 ;; C) echo 5 ;; esac; }
