# The tiny BIOS build: NASM include generated from abi/bios_abi.h, the blob, its embedding object, the C.
#
# Included by the top-level Makefile, which defines B, NASM, Q and SETUP_STAMP.

# Rules here come before the Makefile's own; keep "all" the default goal.
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif

BIOS_GEN := $(B)/gen
BIOS_INC := $(BIOS_GEN)/bios_abi.inc
BIOS_BIN := $(BIOS_GEN)/bios.bin
BIOS_BLOB_OBJ := $(B)/obj/vmm/firmware/blob.o

# One source for the constants: every "#define BIOS_X value" line of abi/bios_abi.h becomes a %define.
$(BIOS_INC): abi/bios_abi.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)sed -n -E 's@^#define[[:space:]]+(BIOS_[A-Z0-9_]+)[[:space:]]+([^/]*[^/[:space:]])[[:space:]]*(/\*.*)?$$@%define \1 \2@p' $< > $@.tmp && mv $@.tmp $@

$(BIOS_BIN): vmm/firmware/bios.asm $(BIOS_INC) | $(SETUP_STAMP)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f bin -w+all -I $(BIOS_GEN)/ -o $@ $<
	$(Q)test $$(stat -c %s $@) -le 32768 || { echo "$@ is larger than 32 KiB"; rm -f $@; exit 1; }

$(BIOS_BLOB_OBJ): vmm/firmware/blob.asm $(BIOS_BIN) | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 -I $(BIOS_GEN)/ -o $@ $<

# The C sources are in the Makefile's LIB_SRC (vmm/firmware/*.c); the blob object is ours.
EXTRA_LIB_OBJ += $(BIOS_BLOB_OBJ)
