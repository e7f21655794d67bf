# bm.mk: builds the bm guest -- MBR, loader and kernel in NASM, the apps in C on the bm shim -- and its FAT16 disk build/images/bm.img (included by the top Makefile).
#
# Outputs in build/guests/bm/: mbr.bin (446 bytes of MBR code), LOADER.SYS, KERNEL.SYS
# (flat binaries at fixed addresses), STARTUP.APP (the shared apps), CRASH.APP (reads
# kernel memory from ring 3) and CALLS.APP (the calls' self-test), linked at 2 MiB. The apps are freestanding C
# like the L4 root task's: no floating point, no stack protector, no PIC.
BM_SAVED_GOAL := $(.DEFAULT_GOAL)

BM_OUT := $(B)/guests/bm
BM_OBJ := $(B)/obj/guests/bm
BM_NASM_INC := -I guests/bm/include/bm/ -I guests/bm/boot/ -I guests/bm/kernel/

BM_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -mgeneral-regs-only -mno-red-zone \
	-mcmodel=small -fno-strict-aliasing -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Iguests -Iguests/bm/include -Iguests/bm/app -MMD -MP
BM_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
# An app links crt0 first (its BAPP header leads the file), then its objects, then these:
# Newlib's libc.a and libm.a go here once they are built, before libgcc.
BM_APP_LIBS :=

BM_APPS_SRC := $(filter-out guests/apps/shim_%.c,$(wildcard guests/apps/*.c))
bm_objs = $(patsubst %.c,$(BM_OBJ)/%.o,$(1))
BM_STARTUP_OBJ := $(call bm_objs,guests/bm/app/shim_bm.c $(BM_APPS_SRC))
BM_CRASH_OBJ   := $(call bm_objs,guests/bm/app/crash.c)
BM_CALLS_OBJ   := $(call bm_objs,guests/bm/app/calls.c)
BM_CRT0        := $(BM_OBJ)/crt0.o

BM_FILES := $(BM_OUT)/LOADER.SYS $(BM_OUT)/KERNEL.SYS $(BM_OUT)/STARTUP.APP $(BM_OUT)/CRASH.APP \
	$(BM_OUT)/CALLS.APP
BM_GUEST := $(BM_OUT)/mbr.bin $(BM_FILES)
BM_IMAGE := $(IMG)/bm.img

.PHONY: guests-bm
guests: guests-bm
guests-bm: $(BM_GUEST)
images: $(BM_IMAGE)
# make test boots it (tests/boot/test_boot_bm.c).
TEST_DEPS += $(BM_IMAGE)

# NASM writes its dependency files beside the outputs (-MD), so edits to includes rebuild.
$(BM_OUT)/mbr.bin: guests/bm/boot/mbr.asm | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f bin $(BM_NASM_INC) -MD $@.d -MP -o $@ $<

$(BM_OUT)/LOADER.SYS: guests/bm/boot/loader.asm | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f bin $(BM_NASM_INC) -MD $@.d -MP -o $@ $<

$(BM_OUT)/KERNEL.SYS: guests/bm/kernel/kernel.asm | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f bin $(BM_NASM_INC) -MD $@.d -MP -o $@ $<

$(BM_CRT0): guests/bm/app/crt0.asm | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 $(BM_NASM_INC) -MD $@.d -MP -o $@ $<

$(BM_OBJ)/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (bm)")
	$(Q)$(CC) $(BM_CFLAGS) -c -o $@ $<

# app name, objects: linked at BM_APP_BASE by app.ld, then flattened (no .bss in the file)
define BM_APP_LINK
$(BM_OUT)/$(1): $(BM_CRT0) $(2) guests/bm/app/app.ld
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(CC) $(BM_LDFLAGS) -T guests/bm/app/app.ld -o $$@.elf $(BM_CRT0) $(2) $(BM_APP_LIBS) -lgcc
	$$(Q)objcopy -O binary $$@.elf $$@
endef
$(eval $(call BM_APP_LINK,STARTUP.APP,$(BM_STARTUP_OBJ)))
$(eval $(call BM_APP_LINK,CRASH.APP,$(BM_CRASH_OBJ)))
$(eval $(call BM_APP_LINK,CALLS.APP,$(BM_CALLS_OBJ)))

# The thesis's BareMetal disk was 32 MB; 4 MiB holds everything here with room to spare.
$(BM_IMAGE): images/mkimage $(BM_GUEST) | $(IMAGES_SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage fat16 -o $@ --size 4M --label BAREMETAL --mbr $(BM_OUT)/mbr.bin \
		$(foreach f,$(BM_FILES),--file $(f):/$(notdir $(f)))

-include $(BM_STARTUP_OBJ:.o=.d) $(BM_CRASH_OBJ:.o=.d) $(BM_CALLS_OBJ:.o=.d) $(BM_CRT0).d $(BM_GUEST:=.d)

.DEFAULT_GOAL := $(BM_SAVED_GOAL)
