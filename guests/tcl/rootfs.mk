# rootfs.mk: builds the tcl guest's user space -- tinyvmm-app (the shared apps on a Linux shim) and the initramfs core.gz (included by guests/tcl/tcl.mk).
#
# Outputs in build/guests/tcl/:
#   tinyvmm-app  the shared apps (guests/apps/) with the Linux shim (guests/tcl/shim/): one
#                static x86-64 ELF, freestanding (raw system calls, no libc), no floating
#                point -- the same flags as the L4 root task's apps
#   core.gz      Tiny Core's initramfs in shape: busybox-static, guests/tcl/rootfs/ and the
#                app (guests/tcl/mkcore.sh); core.cpio is the same archive uncompressed
# Variables for the including makefile: TCL_APP, TCL_CORE, TCL_CORE_CPIO and
# TCL_SETUP_STAMP (the Debian packages of guests/tcl/packages.txt, installed once).
TCL_RFS_SAVED_GOAL := $(.DEFAULT_GOAL)

TCL_RFS_OUT     := $(B)/guests/tcl
TCL_APP         := $(TCL_RFS_OUT)/tinyvmm-app
TCL_CORE        := $(TCL_RFS_OUT)/core.gz
TCL_CORE_CPIO   := $(TCL_RFS_OUT)/core.cpio
TCL_SETUP_STAMP := $(B)/.setup-tcl-$(shell cksum < guests/tcl/packages.txt | cut -d' ' -f1)

# As guests/l4/l4.mk's L4_USER_CFLAGS: freestanding, no stack protector, no PIC, and no x87 or
# SSE (-mgeneral-regs-only): x87 fails on kvm_pvm, and the apps must run the same everywhere.
TCL_APP_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -mgeneral-regs-only -mno-red-zone \
	-mcmodel=small -fno-strict-aliasing -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Iguests -I. -MMD -MP
TCL_APP_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack

TCL_APP_SRC := $(wildcard guests/tcl/shim/*.c guests/tcl/shim/*.S) \
	$(filter-out guests/apps/shim_%.c,$(wildcard guests/apps/*.c))
TCL_APP_OBJ := $(patsubst %,$(B)/obj/guests/tcl-app/%.o,$(basename $(TCL_APP_SRC)))
TCL_ROOTFS_FILES := $(shell find guests/tcl/rootfs -type f 2>/dev/null)

.PHONY: guests-tcl-rootfs
guests-tcl-rootfs: $(TCL_APP) $(TCL_CORE)

$(TCL_SETUP_STAMP): guests/tcl/packages.txt scripts/setup.sh
	@mkdir -p $(B)
	scripts/setup.sh guests/tcl/packages.txt
	@touch $@

$(B)/obj/guests/tcl-app/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (tcl-app)")
	$(Q)$(CC) $(TCL_APP_CFLAGS) -c -o $@ $<
$(B)/obj/guests/tcl-app/%.o: %.S | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $< (tcl-app)")
	$(Q)$(CC) $(TCL_APP_CFLAGS) -D__ASSEMBLER__ -c -o $@ $<

# The flags keep the compiler from using x87 or SSE, but not a linked-in helper: the
# disassembly is checked for any floating-point instruction or register before the binary
# counts as built (x87 mnemonics all start with f; SSE/AVX/MMX show as %xmm, %ymm, %mm).
$(TCL_APP): $(TCL_APP_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(TCL_APP_LDFLAGS) -o $@.debug $(TCL_APP_OBJ)
	$(Q)if objdump -d --no-show-raw-insn $@.debug | awk -F'\t' 'NF >= 2 {print $$2}' | \
		grep -E '^f[a-z]|%[xyz]?mm[0-9]|%st'; then \
		echo "$@: floating-point instructions above; the guests must have none" >&2; \
		exit 1; fi
	$(Q)objcopy --strip-all $@.debug $@.tmp && mv -f $@.tmp $@

# mkcore.sh writes both files (atomically, each by rename), so they are one target group.
$(TCL_CORE) $(TCL_CORE_CPIO) &: guests/tcl/mkcore.sh $(TCL_APP) $(TCL_ROOTFS_FILES) \
		$(wildcard /bin/busybox) | $(TCL_SETUP_STAMP)
	@$(if $(Q),echo "  MKCORE  $(TCL_CORE)")
	$(Q)guests/tcl/mkcore.sh $(TCL_CORE) $(TCL_APP)

-include $(TCL_APP_OBJ:.o=.d)

.DEFAULT_GOAL := $(TCL_RFS_SAVED_GOAL)
