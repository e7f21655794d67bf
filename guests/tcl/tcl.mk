# tcl.mk: builds the tcl guest -- the Linux kernel, core.gz and the GRUB IDE disk (included by the top Makefile).
#
# Outputs in build/guests/tcl/: vmlinux (for direct boot through the 64-bit entry), vmlinuz
# (an LZ4 bzImage, for GRUB and for users), config, core.gz and core.cpio (the initramfs,
# gzip and uncompressed), tinyvmm-app. build/images/tcl.img is the thesis's disk.
TCL_SAVED_GOAL := $(.DEFAULT_GOAL)

TCL_OUT := $(B)/guests/tcl
-include guests/tcl/rootfs.mk

# The kernel build lives in a cache outside the tree keyed by its inputs
# (guests/tcl/kernel/build.sh); this rule only reruns when they change.
TCL_KERNEL := $(TCL_OUT)/vmlinux $(TCL_OUT)/vmlinuz
$(TCL_OUT)/vmlinuz: $(TCL_OUT)/vmlinux
$(TCL_OUT)/vmlinux: guests/tcl/kernel/build.sh guests/tcl/kernel/tcl.config | $(TCL_SETUP_STAMP)
	$(Q)guests/tcl/kernel/build.sh $(TCL_OUT)

TCL_GUEST := $(TCL_KERNEL) $(TCL_CORE)

.PHONY: guests-tcl
guests: guests-tcl
guests-tcl: $(TCL_GUEST)

# The thesis's Tiny Core disk: GRUB Legacy on an ext2 partition, one entry per app
# (guests/tcl/menu.lst); the first, the default, runs hello.
TCL_IMAGE := $(IMG)/tcl.img
# the kernel (1.8 MB), core.gz (1 MB) and GRUB, with room to spare: the thesis's was 20 MB
TCL_IMAGE_SIZE := 4M
images: $(TCL_IMAGE)
TEST_DEPS += $(TCL_GUEST) $(TCL_IMAGE)
$(TCL_IMAGE): images/mkimage guests/tcl/menu.lst $(TCL_KERNEL) $(TCL_CORE) | $(IMAGES_SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage disk -o $@ --size $(TCL_IMAGE_SIZE) --menu guests/tcl/menu.lst \
		--file $(TCL_OUT)/vmlinuz:/boot/vmlinuz --file $(TCL_CORE):/boot/core.gz

.DEFAULT_GOAL := $(TCL_SAVED_GOAL)
