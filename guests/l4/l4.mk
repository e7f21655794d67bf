# l4.mk: builds the L4 guest -- kickstart, the x86-64 kernel, sigma0 and the root task with the shared apps (included by the top Makefile).
#
# Outputs in build/guests/l4/: kickstart (multiboot, a.out-kludge flat binary loaded at
# 1 MiB), x86-kernel, sigma0, roottask (stripped static ELF64 files, the GRUB modules).
# Everything is freestanding C and GNU assembler built with the host's gcc: no libc, no
# floating point (-mgeneral-regs-only: x87 fails on kvm_pvm, and the kernel saves no FPU
# state), no stack protector, no PIC.
L4_SAVED_GOAL := $(.DEFAULT_GOAL)

L4_OUT := $(B)/guests/l4
L4_OBJ := $(B)/obj/guests

L4_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -mgeneral-regs-only -mno-red-zone \
	-fno-strict-aliasing -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Iguests/l4/include -Iguests -I. -MMD -MP
L4_KERNEL_CFLAGS := $(L4_CFLAGS) -mcmodel=kernel
L4_USER_CFLAGS   := $(L4_CFLAGS) -mcmodel=small
L4_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

L4_KICK_SRC   := $(wildcard guests/l4/kickstart/*.c guests/l4/kickstart/*.S)
L4_KERNEL_SRC := $(wildcard guests/l4/kernel/*.c guests/l4/kernel/*.S) guests/apps/fmt.c
L4_SIGMA0_SRC := $(wildcard guests/l4/sigma0/*.c guests/l4/sigma0/*.S guests/l4/user/*.c guests/l4/user/*.S)
L4_ROOT_SRC   := $(wildcard guests/l4/roottask/*.c guests/l4/roottask/*.S guests/l4/user/*.c \
	guests/l4/user/*.S) $(filter-out guests/apps/shim_%.c,$(wildcard guests/apps/*.c))

l4_objs = $(patsubst %,$(L4_OBJ)/$(1)/%.o,$(basename $(2)))

L4_KICK_OBJ   := $(call l4_objs,kickstart,$(L4_KICK_SRC))
L4_KERNEL_OBJ := $(call l4_objs,kernel,$(L4_KERNEL_SRC))
L4_SIGMA0_OBJ := $(call l4_objs,sigma0,$(L4_SIGMA0_SRC))
L4_ROOT_OBJ   := $(call l4_objs,roottask,$(L4_ROOT_SRC))

L4_GUEST := $(L4_OUT)/kickstart $(L4_OUT)/x86-kernel $(L4_OUT)/sigma0 $(L4_OUT)/roottask

.PHONY: guests guests-l4
guests: guests-l4
guests-l4: $(L4_GUEST)

# One pattern per program, so the same source (guests/l4/user/) can be built for two of them.
define L4_COMPILE
$(L4_OBJ)/$(1)/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  CC      $$< ($(1))")
	$$(Q)$$(CC) $(2) -c -o $$@ $$<
$(L4_OBJ)/$(1)/%.o: %.S | $(SETUP_STAMP)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  AS      $$< ($(1))")
	$$(Q)$$(CC) $(2) -D__ASSEMBLER__ -c -o $$@ $$<
endef
$(eval $(call L4_COMPILE,kickstart,$(L4_USER_CFLAGS)))
$(eval $(call L4_COMPILE,kernel,$(L4_KERNEL_CFLAGS)))
$(eval $(call L4_COMPILE,sigma0,$(L4_USER_CFLAGS)))
$(eval $(call L4_COMPILE,roottask,$(L4_USER_CFLAGS)))

# kickstart: linked at 1 MiB, then flattened; its multiboot header uses the a.out kludge
# (load/bss/entry addresses), which GRUB Legacy, QEMU and tinyvmm all honour.
$(L4_OUT)/kickstart: $(L4_KICK_OBJ) guests/l4/kickstart/link.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(L4_LDFLAGS) -T guests/l4/kickstart/link.ld -o $@.elf $(L4_KICK_OBJ)
	$(Q)objcopy -O binary $@.elf $@

$(L4_OUT)/x86-kernel: $(L4_KERNEL_OBJ) guests/l4/kernel/link.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(L4_LDFLAGS) -T guests/l4/kernel/link.ld -o $@.debug $(L4_KERNEL_OBJ)
	$(Q)objcopy --strip-all $@.debug $@

$(L4_OUT)/sigma0: $(L4_SIGMA0_OBJ) guests/l4/sigma0/link.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(L4_LDFLAGS) -T guests/l4/sigma0/link.ld -o $@.debug $(L4_SIGMA0_OBJ)
	$(Q)objcopy --strip-all $@.debug $@

$(L4_OUT)/roottask: $(L4_ROOT_OBJ) guests/l4/roottask/link.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(L4_LDFLAGS) -T guests/l4/roottask/link.ld -o $@.debug $(L4_ROOT_OBJ)
	$(Q)objcopy --strip-all $@.debug $@

-include $(L4_KICK_OBJ:.o=.d) $(L4_KERNEL_OBJ:.o=.d) $(L4_SIGMA0_OBJ:.o=.d) $(L4_ROOT_OBJ:.o=.d)


# The thesis's L4 floppy: GRUB Legacy with one entry per app (guests/l4/menu.lst); the
# first, the default, runs hello.
L4_IMAGE := $(IMG)/l4.img
images: $(L4_IMAGE)
# make test boots them (tests/boot/test_boot_l4.c).
TEST_DEPS += $(L4_GUEST) $(L4_IMAGE)
$(L4_IMAGE): images/mkimage guests/l4/menu.lst $(L4_GUEST) | $(IMAGES_SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage floppy -o $@ --menu guests/l4/menu.lst \
		$(foreach f,$(L4_GUEST),--file $(f):/$(notdir $(f)))

.DEFAULT_GOAL := $(L4_SAVED_GOAL)
