# newlib.mk: Newlib and the C runtime of the bm guest's ring-3 apps, and their host test (included by the top Makefile).
#
# Outputs:
#   build/guests/bm/newlib/   include/, lib/libc.a, lib/libm.a: Newlib, built once per
#                             machine in a cache outside the tree (guests/bm/newlib/build.sh)
#   build/guests/bm/libc/     crt0.o (start.S, the entry) and libbm.a (Newlib's system
#                             calls on bm_os.h, argv, exit)
#   build/tests/newlib/       bm_newlib_test and hello: bm apps linked with bm_os.h on Linux
#                             system calls (tests/newlib/bm_os_linux.c), run by
#                             tests/unit/test_bm_newlib.c
# For the bm side: compile apps with $(BM_APP_CFLAGS) (after $(BM_LIBC) is built) and link
# them with $(call bm_app_link,OUT,OBJECTS[,FLAGS]): OBJECTS are the app's and the kernel
# side's bm_os.h implementation (bm.mk: guests/bm/app/bm_os_bm.c). `make newlib` builds
# the libraries alone.
NEWLIB_SAVED_GOAL := $(.DEFAULT_GOAL)

NEWLIB_OUT   := $(B)/guests/bm/newlib
NEWLIB_LIBC  := $(NEWLIB_OUT)/lib/libc.a
NEWLIB_LIBM  := $(NEWLIB_OUT)/lib/libm.a
BM_LIBC_OUT  := $(B)/guests/bm/libc
BM_LIBC_CRT0      := $(BM_LIBC_OUT)/crt0.o
BM_LIBBM     := $(BM_LIBC_OUT)/libbm.a
BM_APP_LDS   := guests/bm/libc/bm_app.ld
BM_LIBC      := $(NEWLIB_LIBC) $(NEWLIB_LIBM) $(BM_LIBC_CRT0) $(BM_LIBBM)
NEWLIB_SETUP_STAMP := $(B)/.setup-bm-newlib-$(shell cksum < guests/bm/packages.txt | cut -d' ' -f1)

# Newlib's headers and gcc's own (stddef.h, stdarg.h, float.h), never the host's glibc
# ones (-nostdinc): a header Newlib lacks must fail to compile, not come from glibc. The
# host compiler says it is Linux; a bm app is not, and code that tests __linux__ must not
# take Linux's path. The rest as Newlib was built (build.sh): no PIC, no stack protector,
# SSE on (ring 3, doubles in XMM registers), a section per function for --gc-sections.
# _DEFAULT_SOURCE: strict C11 would hide Newlib's POSIX declarations (read, fileno,
# gettimeofday), which the apps and the system calls use.
BM_GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
BM_APP_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-strict-aliasing -ffunction-sections -fdata-sections -nostdinc \
	-isystem $(NEWLIB_OUT)/include -isystem $(BM_GCC_INCLUDE) \
	-U__linux__ -U__linux -Ulinux -U__gnu_linux__ -D_DEFAULT_SOURCE -I. \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -MMD -MP
# gcc's helpers (e.g. 128-bit division) for code the compiler may call them from.
BM_LIBGCC := $(shell $(CC) -print-libgcc-file-name)
BM_APP_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(BM_APP_LDS) -Wl,--gc-sections \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,max-page-size=0x1000
# crt0.o first; the libraries as a group, since libc.a calls libbm.a's system calls and
# libbm.a calls back into libc.a (exit, atexit). $(3), optional: link flags that go before
# the script, as a --defsym that bm_app.ld tests with DEFINED() must.
bm_app_link = $(CC) $(3) $(BM_APP_LDFLAGS) -o $(1) $(BM_LIBC_CRT0) $(2) -Wl,--start-group $(BM_LIBBM) \
	$(NEWLIB_LIBC) $(NEWLIB_LIBM) $(BM_LIBGCC) -Wl,--end-group

.PHONY: newlib
newlib: $(BM_LIBC)

$(NEWLIB_SETUP_STAMP): guests/bm/packages.txt scripts/setup.sh
	@mkdir -p $(B)
	scripts/setup.sh guests/bm/packages.txt
	@touch $@

# The build lives in a cache keyed by its inputs (build.sh); this rule reruns when the
# script or Debian's tarball changes, and build.sh then finds the cache or builds anew.
# libc.a is written last: it stands for the whole set.
$(NEWLIB_LIBM): $(NEWLIB_LIBC)
$(NEWLIB_LIBC): guests/bm/newlib/build.sh $(wildcard /usr/src/newlib/newlib-*.tar.*) | $(NEWLIB_SETUP_STAMP)
	@$(if $(Q),echo "  NEWLIB  $(NEWLIB_OUT)")
	$(Q)guests/bm/newlib/build.sh $(NEWLIB_OUT)

BM_LIBBM_SRC := $(wildcard guests/bm/libc/*.c)
BM_LIBBM_OBJ := $(BM_LIBBM_SRC:guests/bm/libc/%.c=$(BM_LIBC_OUT)/obj/%.o)

# Every object depends on libc.a: Newlib's headers come with it, and new headers mean
# new objects.
$(BM_LIBC_OUT)/obj/%.o: guests/bm/libc/%.c $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (bm app)")
	$(Q)$(CC) $(BM_APP_CFLAGS) -c -o $@ $<

$(BM_LIBC_CRT0): guests/bm/libc/start.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $< (bm app)")
	$(Q)$(CC) $(filter-out -MMD -MP,$(BM_APP_CFLAGS)) -c -o $@ $<

$(BM_LIBBM): $(BM_LIBBM_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# ---- the host test: bm apps on bm_os.h over Linux system calls

BM_NEWLIB_TEST_OUT := $(B)/tests/newlib
BM_NEWLIB_TESTS    := $(BM_NEWLIB_TEST_OUT)/bm_newlib_test $(BM_NEWLIB_TEST_OUT)/hello

$(BM_NEWLIB_TEST_OUT)/obj/%.o: tests/newlib/%.c $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (bm app)")
	$(Q)$(CC) $(BM_APP_CFLAGS) -c -o $@ $<

# Linked at BM_APP_BASE like any bm app (Linux maps the ELF there); the .bin beside each is
# the flat image a bm kernel would load, kept for its size.
$(BM_NEWLIB_TESTS): $(BM_NEWLIB_TEST_OUT)/%: $(BM_NEWLIB_TEST_OUT)/obj/%.o \
		$(BM_NEWLIB_TEST_OUT)/obj/bm_os_linux.o $(BM_LIBC) $(BM_APP_LDS)
	@$(if $(Q),echo "  LINK    $@ (bm app on Linux)")
	$(Q)$(call bm_app_link,$@,$< $(BM_NEWLIB_TEST_OUT)/obj/bm_os_linux.o)
	$(Q)objcopy -O binary $@ $@.bin

TEST_DEPS += $(BM_NEWLIB_TESTS)
# The unit test runs them: building the test binary builds them too (order-only, so they
# stay out of its link line).
$(B)/tests/run_tests: | $(BM_NEWLIB_TESTS)

-include $(BM_LIBBM_OBJ:.o=.d) $(BM_NEWLIB_TEST_OUT)/obj/bm_newlib_test.d \
	$(BM_NEWLIB_TEST_OUT)/obj/hello.d $(BM_NEWLIB_TEST_OUT)/obj/bm_os_linux.d

.DEFAULT_GOAL := $(NEWLIB_SAVED_GOAL)
