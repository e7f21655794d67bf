# tinyvmm: one entry point: make, make test|run|guests|images|bench|thesis|sanitize|tsan|fuzz|setup|format|clean

SHELL   := /bin/bash
CC      ?= cc
NASM    ?= nasm
B       := build
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-missing-field-initializers -fno-strict-aliasing \
           -pthread -I. -I$(B)/gen -MMD -MP
# make sanitize and make tsan build everything again into their own directories with these
# (tests/safety.mk).
CFLAGS  += $(SAN_CFLAGS)
LDLIBS  := -pthread -luuid -lseccomp
CRITERION_LIBS = $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

# Every build first makes sure the Debian packages it needs are present (installing them
# as root, or saying what to install otherwise); the stamp is keyed by the package list.
SETUP_STAMP := $(B)/.setup-$(shell cksum < scripts/packages.txt | cut -d' ' -f1)

LIB_SRC  := $(wildcard base/*.c vmm/*.c vmm/boot/*.c vmm/platform/*.c vmm/firmware/*.c devices/*.c population/*.c) \
            $(filter-out cli/main.c,$(wildcard cli/*.c))
MAIN_SRC := cli/main.c
TEST_SRC := $(wildcard tests/unit/*.c tests/boot/*.c tests/support/*.c) \
            $(filter-out guests/apps/shim_%.c,$(wildcard guests/apps/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)

# Parts with build steps of their own (the BIOS blob, disk images) keep their rules in a
# .mk file beside their sources; they may add objects to EXTRA_LIB_OBJ.
EXTRA_LIB_OBJ :=
-include vmm/firmware/bios.mk images/images.mk guests/l4/l4.mk guests/tcl/tcl.mk \
         guests/bm/newlib.mk guests/bm/bm.mk tests/cluster/cluster.mk
LIB_OBJ  += $(EXTRA_LIB_OBJ)
MAIN_OBJ := $(MAIN_SRC:%.c=$(B)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(B)/obj/%.o)

# Test guests: each tests/guests/NAME.asm assembles to build/tests/guests/NAME (flat or ELF, see the file's header).
GUEST_ASM := $(wildcard tests/guests/*.asm)
GUEST_BIN := $(GUEST_ASM:tests/guests/%.asm=$(B)/tests/guests/%)

.PHONY: all test run bench thesis setup format clean
all: $(B)/tinyvmm

$(SETUP_STAMP): scripts/packages.txt scripts/setup.sh
	@mkdir -p $(B)
	scripts/setup.sh scripts/packages.txt
	@touch $@

# Q= (or V=1) shows the full commands.
Q := $(if $(V),,@)

$(B)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# The SIGSYS report's system call names, by number, from the C library's <sys/syscall.h>:
# a table built once here instead of ~500 libseccomp look-ups at every start.
SYSCALL_NAMES := $(B)/gen/syscall_names.h
$(SYSCALL_NAMES): | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)echo '#include <sys/syscall.h>' | $(CC) -dM -E -x c - | \
	    sed -n -E 's/^#define __NR_([a-z0-9_]+) ([0-9]+)$$/[\2] = "\1",/p' | sort -t'[' -k2 -n >$@.tmp
	$(Q)test -s $@.tmp && mv $@.tmp $@
$(B)/obj/vmm/seccomp.o: $(SYSCALL_NAMES)

$(B)/libtinyvmm.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/tinyvmm: $(MAIN_OBJ) $(B)/libtinyvmm.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/guests/%: tests/guests/%.asm $(wildcard tests/guests/*.inc) | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) -f bin -I tests/guests/ -o $@ $<

$(B)/tests/run_tests: $(TEST_OBJ) $(B)/libtinyvmm.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(CRITERION_LIBS) $(LDLIBS)

# One Criterion binary holds every tier. Boot tests find tinyvmm and the guests through
# TINYVMM_BUILD and skip, saying why, without /dev/kvm; tests/run_all.sh then runs them in
# a nested KVM (QEMU emulating AMD-V) and prints the totals of both runs last.
# boot_thesis runs make thesis at its quick scale: it needs QEMU and gnuplot too.
test: $(B)/tinyvmm $(B)/tests/run_tests $(GUEST_BIN) $(TEST_DEPS)
	scripts/setup.sh scripts/bench-packages.txt scripts/thesis-packages.txt
	tests/run_all.sh $(B)

# The default job: a small population of L4 guests with statistics (scripts/run-default.sh).
run: $(B)/tinyvmm $(L4_GUEST) $(BM_IMAGE) $(TCL_GUEST)
	scripts/run-default.sh $(B)

# Boot-to-exit time, host memory, the PIT choice and the thesis's guests (L4, tcl, bm) against QEMU;
# CSV in build/bench/. Without a usable /dev/kvm it all runs inside the nested KVM (figures
# labelled nested-tcg). bench/README.md
BENCH_BIN    := $(B)/bench-tools
BENCH_GUESTS := $(BENCH_BIN)/guests/pit_idle_1000hz $(BENCH_BIN)/guests/pit_idle_100hz

bench: $(B)/tinyvmm $(GUEST_BIN) $(BENCH_BIN)/timeit $(BENCH_GUESTS) $(IMG)/floppy-test.img $(IMG)/disk-test.img \
       $(L4_GUEST) $(L4_IMAGE) $(BENCH_BIN)/fib_native $(TCL_GUEST) $(TCL_IMAGE) $(BM_IMAGE)
	scripts/setup.sh scripts/bench-packages.txt
	bench/run.sh $(B)

$(BENCH_BIN)/timeit: bench/timeit.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -o $@ $<

# The guests' fib (guests/apps/fib.c) built with the guests' own flags, run natively.
$(BENCH_BIN)/fib_native: bench/fib_native.c guests/apps/fib.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(filter-out -MMD -MP,$(L4_USER_CFLAGS)) -c -o $@-fib.o guests/apps/fib.c
	$(Q)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -o $@ bench/fib_native.c $@-fib.o

# Three seconds of ticks at either rate, so both runs idle for the same time.
$(BENCH_BIN)/guests/pit_idle_%hz: bench/guests/pit_idle.asm tests/guests/lib.inc | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $< ($*Hz)")
	$(Q)$(NASM) -f bin -I tests/guests/ -DHZ=$* -DTICKS=$$(($* * 3)) -o $@ $<

# The thesis's chapters 4 and 5 regenerated: tables, plots and report.md/report.html in
# build/thesis/, tinyvmm beside QEMU (bench/thesis/README.md). THESIS_SCALE=quick: a smoke run.
thesis: $(B)/tinyvmm $(L4_GUEST) $(L4_IMAGE) $(TCL_GUEST) $(TCL_IMAGE)
	scripts/setup.sh scripts/bench-packages.txt scripts/thesis-packages.txt
	bench/thesis/run.sh $(B)

setup: $(SETUP_STAMP)

# make sanitize, make tsan and make fuzz: tests/safety.mk (after every TEST_DEPS is known).
include tests/safety.mk

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
