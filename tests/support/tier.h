/* Which test tier may run a test: what a test needs of its machine, and what happens where that is
 * missing. */
#ifndef TINYVMM_TESTS_SUPPORT_TIER_H
#define TINYVMM_TESTS_SUPPORT_TIER_H

#include <stddef.h>

/*
 * make test runs one Criterion binary on the host (the host tier), then the tests the host
 * could not run inside the nested KVM of tests/nested (the nested tier: QEMU emulating
 * AMD-V, kvm_amd inside, root). A test states what it needs; where that is missing:
 *   - on the host, it is skipped with a message starting with TIER_DEFER_TAG, and
 *     tests/run_all.sh runs exactly those tests again in the nested tier and counts them
 *     there, once;
 *   - in the nested tier (TINYVMM_TIER=nested), it is a real skip, saying why: no tier
 *     could run it.
 */
enum tier_need {
	TIER_KVM = 1u << 0,	      /* a usable /dev/kvm */
	TIER_KVM_USERSPACE = 1u << 1, /* a KVM on which a stock Linux reaches user space (not
					 kvm_pvm: its SYSCALL lands at LSTAR in user mode) */
	TIER_ROOT = 1u << 2,	      /* uid 0 (namespaces, chroot) */
};

#define TIER_DEFER_TAG "[nested tier] "

/*
 * 0 when this machine has every need in `needs`; else writes the skip message (the
 * deferral tag first on the host tier) to `why` and returns 1.
 */
int tier_unmet(unsigned needs, char *why, size_t size);

/*
 * The skip message for a test this machine cannot run for `reason` (found by the test
 * itself, e.g. namespaces refused): deferred to the nested tier on the host, final there.
 */
void tier_format(char *why, size_t size, const char *reason);

/* Whether this process runs in the nested tier (TINYVMM_TIER=nested). */
int tier_is_nested(void);

/* Skips the calling test, saying why and whether another tier runs it, unless `needs` are met. */
#define TIER_REQUIRE(needs)                                                                        \
	do {                                                                                       \
		char tier_why_[256];                                                               \
		if (tier_unmet((needs), tier_why_, sizeof(tier_why_)))                             \
			cr_skip_test("%s", tier_why_);                                             \
	} while (0)

/* Skips the calling test for a reason it found itself (printf format), deferring it as above. */
#define TIER_SKIP(...)                                                                             \
	do {                                                                                       \
		char tier_reason_[200], tier_why_[256];                                            \
		snprintf(tier_reason_, sizeof(tier_reason_), __VA_ARGS__);                         \
		tier_format(tier_why_, sizeof(tier_why_), tier_reason_);                           \
		cr_skip_test("%s", tier_why_);                                                     \
	} while (0)

#endif
