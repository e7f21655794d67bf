# make sanitize, make tsan, make fuzz: the test suite under sanitizers and the libFuzzer harnesses (README, "Safety").
#
# Included at the end of the top Makefile, once GUEST_BIN and every TEST_DEPS are known.
# Each sanitizer builds everything again in a directory of its own (build-asan/,
# build-tsan/, build-fuzz/), so nothing it makes mixes with build/.

ASAN_B := build-asan
TSAN_B := build-tsan
FZ     := build-fuzz
ASAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TSAN_CFLAGS := -fsanitize=thread -fno-omit-frame-pointer
# TSan looks at the threaded parts through the boot tests: the timer service, vCPU threads
# with pause/stop and resets, the population thread and its control socket, the hostile
# population's 8-vCPU storms. Not boot_timers: their rates must hold within 15 %, which
# TSan's slowdown of every fire does not let them (the timer service is there all the same,
# in tsan_stress and under every population).
TSAN_FILTER ?= @(boot_pop|boot_hostile|boot_reset|boot_io|boot_platform)/*

.PHONY: test-build sanitize tsan fuzz fuzz-build fuzz-smoke

# Everything make test runs, for this $(B).
test-build: $(B)/tinyvmm $(B)/tests/run_tests $(GUEST_BIN) $(TEST_DEPS)

sanitize:
	$(MAKE) --no-print-directory B=$(ASAN_B) SAN_CFLAGS="$(ASAN_CFLAGS)" test-build
	tests/sanitize/run.sh asan $(ASAN_B)

# Criterion cannot run under TSan (its inheritable arena wants memory TSan owns), so the
# test binary is the plain one, and the tinyvmm it runs -- every thread of a population --
# is the TSan build.
tsan:
	$(MAKE) --no-print-directory test-build
	$(MAKE) --no-print-directory B=$(TSAN_B) SAN_CFLAGS="$(TSAN_CFLAGS)" test-build \
		$(TSAN_B)/tests/tsan_stress
	cp $(B)/tests/run_tests $(TSAN_B)/tests/run_tests
	tests/sanitize/run.sh tsan $(TSAN_B) "$(TSAN_FILTER)"

# make tsan's host part, which needs no KVM: the timer service and the devices under four
# vCPU-like threads through the real exit dispatcher, the exit counters read live.
$(B)/tests/tsan_stress: tests/sanitize/tsan_stress.c tests/support/fakes.c $(B)/libtinyvmm.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -o $@ $^ $(LDLIBS)

# ---- libFuzzer harnesses: tests/fuzz/fuzz_*.c, clang with ASan and UBSan ---------------
FUZZ_PACKAGES_STAMP := $(FZ)/.setup-$(shell cksum < scripts/fuzz-packages.txt | cut -d' ' -f1)
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
                -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
                -fno-strict-aliasing -pthread -I. -I$(B)/gen -MMD -MP $(FUZZ_SAN)
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FZ)/%)
# The library sources again, instrumented for coverage (the BIOS blob is data: reused).
FUZZ_LIB_OBJ := $(patsubst %.c,$(FZ)/obj/%.o,$(LIB_SRC) \
                  tests/support/vclock.c tests/support/fakes.c tests/fuzz/support.c)
# Seconds per harness: make test runs each this long (CI); make fuzz longer.
FUZZ_SECONDS ?= 60

$(FUZZ_PACKAGES_STAMP): scripts/fuzz-packages.txt scripts/setup.sh
	@mkdir -p $(FZ)
	scripts/setup.sh scripts/fuzz-packages.txt
	@touch $@

$(FZ)/obj/%.o: %.c | $(FUZZ_PACKAGES_STAMP) $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FZ)/libfuzzlib.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(FZ)/fuzz_%: $(FZ)/obj/tests/fuzz/fuzz_%.o $(FZ)/libfuzzlib.a $(BIOS_BLOB_OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# the harnesses' objects are kept: make would otherwise rebuild them every time
.SECONDARY: $(FUZZ_SRC:tests/fuzz/%.c=$(FZ)/obj/tests/fuzz/%.o)

fuzz-build: $(FUZZ_BIN)

# make test: every harness for a few seconds over its seed corpus and regression inputs.
fuzz-smoke: fuzz-build
	tests/fuzz/run.sh $(FZ) $(or $(FUZZ_SMOKE_SECONDS),3)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FZ) $(FUZZ_SECONDS) $(FUZZ_ONLY)

test: fuzz-smoke

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_SRC:tests/fuzz/%.c=$(FZ)/obj/tests/fuzz/%.d)
