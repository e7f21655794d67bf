# images.mk: make images builds the GRUB floppy, the GRUB disks and the FAT16 disk the firmware boot tests use (included by the top Makefile).
#
# Every image is made by images/mkimage from the test kernel and modules in
# images/testkernel/, as an ordinary user. The top Makefile includes this file before its
# own first rule, so the default goal is saved here and put back at the end.
IMAGES_SAVED_GOAL := $(.DEFAULT_GOAL)

IMG    := $(B)/images
IMG_TK := $(IMG)/testkernel
IMAGES_SETUP_STAMP := $(B)/.setup-images-$(shell cksum < images/packages.txt | cut -d' ' -f1)

IMG_TK_INC  := images/testkernel/modules.inc
IMG_MODULES := $(IMG_TK)/x86-kernel $(IMG_TK)/sigma0 $(IMG_TK)/hello
IMG_KERNEL  := $(IMG_TK)/kickstart

# The thesis's L4 floppy: kernel /kickstart, module /x86-kernel, /sigma0, /hello.
IMG_ENTRY = --serial --kernel $(IMG_KERNEL) $(foreach m,$(IMG_MODULES),--module $(m))

IMAGES := $(IMG)/floppy-test.img $(IMG)/disk-test.img $(IMG)/disk-write.img $(IMG)/fat16-test.img

# make test boots these (tests/boot/test_boot_firmware.c).
TEST_DEPS += $(IMAGES)

.PHONY: images images-check

images: $(IMAGES)

# mkimage's refusals and image contents, then every image booted under QEMU (TCG,
# SeaBIOS): a check of the images themselves, independent of tinyvmm's firmware.
images-check: $(IMAGES)
	images/test_mkimage.sh $(B)
	images/qemu_check.sh $(B)

$(IMAGES_SETUP_STAMP): images/packages.txt scripts/setup.sh
	@mkdir -p $(B)
	scripts/setup.sh images/packages.txt
	@touch $@

$(IMG_KERNEL): images/testkernel/mbkick.asm $(IMG_TK_INC) tests/guests/lib.inc | $(IMAGES_SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f bin -I tests/guests/ -I images/testkernel/ -o $@ $<

# Module files: the letter picks the size and fills the pattern (modules.inc).
IMG_LETTER_x86-kernel := K
IMG_LETTER_sigma0     := S
IMG_LETTER_hello      := H
$(IMG_MODULES): $(IMG_TK)/%: images/testkernel/module.asm $(IMG_TK_INC) | $(IMAGES_SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $< ($*)")
	$(Q)$(NASM) -f bin -I images/testkernel/ -DLETTER=$(IMG_LETTER_$*) -o $@ $<

$(IMG_TK)/fatmbr.bin: images/testkernel/fatmbr.asm | $(IMAGES_SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f bin -o $@ $<

$(IMG_TK)/loader.bin $(IMG_TK)/hello.txt: images/images.mk
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' "$(if $(filter %loader.bin,$@),TVM-LOADER fat16-test,TVM-FAT16 hello from the FAT16 test image)" > $@

IMG_GRUB_DEPS := images/mkimage $(IMG_KERNEL) $(IMG_MODULES) | $(IMAGES_SETUP_STAMP)

$(IMG)/floppy-test.img: $(IMG_GRUB_DEPS)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage floppy -o $@ $(IMG_ENTRY)

$(IMG)/disk-test.img: $(IMG_GRUB_DEPS)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage disk -o $@ --size 4M $(IMG_ENTRY)

# The same with "write-disk": the kernel writes a marker sector (the -snapshot test).
$(IMG)/disk-write.img: $(IMG_GRUB_DEPS)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage disk -o $@ --size 4M $(IMG_ENTRY) --append write-disk

$(IMG)/fat16-test.img: images/mkimage $(IMG_TK)/fatmbr.bin $(IMG_TK)/loader.bin $(IMG_TK)/hello.txt | $(IMAGES_SETUP_STAMP)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage fat16 -o $@ --size 8M --mbr $(IMG_TK)/fatmbr.bin \
		--loader $(IMG_TK)/loader.bin --file $(IMG_TK)/hello.txt:/hello.txt

.DEFAULT_GOAL := $(IMAGES_SAVED_GOAL)
