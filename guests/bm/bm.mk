# bm.mk: builds the bm guest -- MBR, loader and kernel in NASM, the apps in C against Newlib -- and its FAT16 disk build/images/bm.img (included by the top Makefile, after newlib.mk).
#
# Outputs in build/guests/bm/: mbr.bin (446 bytes of MBR code), LOADER.SYS, KERNEL.SYS
# (flat binaries at fixed addresses), and the apps, flat images linked at 2 MiB by
# newlib.mk's bm_app_link (crt0, libbm.a, Newlib): STARTUP.APP (the shared apps),
# CRASH.APP (reads kernel memory from ring 3), CALLS.APP (the calls' self-test) and
# LIBC.APP (Newlib at work), with LIBC.TXT, the file LIBC.APP reads.
BM_SAVED_GOAL := $(.DEFAULT_GOAL)

BM_OUT := $(B)/guests/bm
BM_OBJ := $(B)/obj/guests/bm
BM_NASM_INC := -I guests/bm/include/bm/ -I guests/bm/boot/ -I guests/bm/kernel/

# The shared apps (guests/apps) are freestanding C on every guest -- no libc headers, no
# floating point, no stack protector, no PIC -- and so they stay here: only their shim
# sees Newlib.
BM_SHARED_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -mgeneral-regs-only -mno-red-zone \
	-mcmodel=small -fno-strict-aliasing -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Iguests -I. -MMD -MP
# The bm apps' own files (guests/bm/app) are Newlib programs (newlib.mk's flags).
BM_OWN_CFLAGS := $(BM_APP_CFLAGS) -Iguests -I. -Iguests/bm/include

BM_APPS_SRC := $(filter-out guests/apps/shim_%.c,$(wildcard guests/apps/*.c))
bm_objs = $(patsubst %.c,$(BM_OBJ)/%.o,$(1))
# bm_os.h on the call table: the kernel side of every app's C library.
BM_OS_OBJ      := $(call bm_objs,guests/bm/app/bm_os_bm.c)
BM_STARTUP_OBJ := $(call bm_objs,guests/bm/app/shim_bm.c $(BM_APPS_SRC))
BM_CRASH_OBJ   := $(call bm_objs,guests/bm/app/crash.c)
BM_CALLS_OBJ   := $(call bm_objs,guests/bm/app/calls.c)
BM_LIBCAPP_OBJ := $(call bm_objs,guests/bm/app/libc.c)

BM_FILES := $(BM_OUT)/LOADER.SYS $(BM_OUT)/KERNEL.SYS $(BM_OUT)/STARTUP.APP $(BM_OUT)/CRASH.APP \
	$(BM_OUT)/CALLS.APP $(BM_OUT)/LIBC.APP $(BM_OUT)/LIBC.TXT
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

$(BM_OBJ)/guests/apps/%.o: guests/apps/%.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (bm)")
	$(Q)$(CC) $(BM_SHARED_CFLAGS) -c -o $@ $<

# Newlib's headers come with libc.a (newlib.mk): it is built first, and new headers mean
# new objects.
$(BM_OBJ)/guests/bm/app/%.o: guests/bm/app/%.c $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (bm app)")
	$(Q)$(CC) $(BM_OWN_CFLAGS) -c -o $@ $<

# The kernel maps the app's memory in one piece: no page between code and data, which in a
# flat image is zeroes read from the disk (bm_app.ld keeps it for Linux's sake).
BM_FLAT_LDFLAGS := -Wl,--defsym=BM_DATA_ALIGN=16

# app name, objects: linked at BM_APP_BASE with Newlib (newlib.mk's bm_app_link), then
# flattened (no .bss in the file)
define BM_APP_LINK
$(BM_OUT)/$(1): $(2) $(BM_OS_OBJ) $(BM_LIBC) $(BM_APP_LDS)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(call bm_app_link,$$@.elf,$(2) $(BM_OS_OBJ),$$(BM_FLAT_LDFLAGS))
	$$(Q)objcopy -O binary $$@.elf $$@
endef
$(eval $(call BM_APP_LINK,STARTUP.APP,$(BM_STARTUP_OBJ)))
$(eval $(call BM_APP_LINK,CRASH.APP,$(BM_CRASH_OBJ)))
$(eval $(call BM_APP_LINK,CALLS.APP,$(BM_CALLS_OBJ)))
$(eval $(call BM_APP_LINK,LIBC.APP,$(BM_LIBCAPP_OBJ)))

$(BM_OUT)/LIBC.TXT: guests/bm/app/libc.txt
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# The thesis's BareMetal disk was 32 MB; 4 MiB holds everything here with room to spare.
$(BM_IMAGE): images/mkimage $(BM_GUEST) | $(IMAGES_SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKIMAGE $@")
	$(Q)images/mkimage fat16 -o $@ --size 4M --label BAREMETAL --mbr $(BM_OUT)/mbr.bin \
		$(foreach f,$(BM_FILES),--file $(f):/$(notdir $(f)))

-include $(BM_OS_OBJ:.o=.d) $(BM_STARTUP_OBJ:.o=.d) $(BM_CRASH_OBJ:.o=.d) $(BM_CALLS_OBJ:.o=.d) \
	$(BM_LIBCAPP_OBJ:.o=.d) $(BM_GUEST:=.d)

.DEFAULT_GOAL := $(BM_SAVED_GOAL)
