/* shim_fault_selftest for L4: fresh pages from sigma0, and a thread stopped for a bad fault. */
#include "roottask.h"

#include "apps/shim.h"
#include "l4/syscalls.h"

/* Failing steps, as the app prints them ("fault: FAIL step N"). */
enum {
	STEP_BAD_COUNT = 1, /* pages out of range */
	STEP_NOT_ZERO,	    /* a fresh page held something */
	STEP_LOST,	    /* a page lost what was written to it */
	STEP_CREATE,	    /* the bad thread could not be created */
	STEP_NEVER_RAN,	    /* the bad thread did not run within the wait */
	STEP_NOT_STOPPED,   /* the bad thread went on past its fault */
	STEP_DELETE,	    /* the bad thread could not be deleted */
};

/* 50 ms: the fault, sigma0's refusal and the stop fit in it many times over. */
#define WAIT_NS 50000000ull
#define WORDS	(L4_PAGE_SIZE / sizeof(uint64_t))

/* Flags in the root task's data: the bad thread shares its space, so they are how it speaks. */
static volatile int bad_started, bad_went_on;

_Noreturn static void bad_thread(uint64_t self, const struct l4_kip *kip)
{
	(void)kip;
	bad_started = 1;
	(void)*(volatile uint64_t *)RT_FORBIDDEN_ADDR;
	bad_went_on = 1;
	for (;;)
		l4_sleep_us(self, L4_NEVER);
}

/* Distinct per word and per page, so a page mapped twice or shifted would show. */
static uint64_t pattern(uint64_t addr)
{
	return addr ^ 0xA5C3F00D5EEDBEEFull;
}

static int fresh_pages(unsigned pages)
{
	volatile uint64_t *base = (volatile uint64_t *)RT_FRESH_BASE;
	for (uint64_t i = 0; i < pages * WORDS; i += WORDS) {
		for (uint64_t w = 0; w < WORDS; w++)
			if (base[i + w] != 0)
				return -STEP_NOT_ZERO;
		for (uint64_t w = 0; w < WORDS; w++)
			base[i + w] = pattern((uint64_t)(uintptr_t)&base[i + w]);
	}
	for (uint64_t i = 0; i < pages * WORDS; i++)
		if (base[i] != pattern((uint64_t)(uintptr_t)&base[i]))
			return -STEP_LOST;
	return 0;
}

static int bad_thread_stops(void)
{
	bad_started = bad_went_on = 0;
	if (l4_thread_control(RT_BAD_TID, shim_l4_self(), l4_kip()->sigma0_tid,
			      (uint64_t)(uintptr_t)bad_thread, RT_BAD_STACK_TOP - 8) != L4_OK)
		return -STEP_CREATE;
	shim_sleep_until(shim_clock_ns() + WAIT_NS);
	int rc = !bad_started ? -STEP_NEVER_RAN : bad_went_on ? -STEP_NOT_STOPPED : 0;
	if (l4_thread_control(RT_BAD_TID, L4_NILTHREAD, L4_NILTHREAD, 0, 0) != L4_OK && rc == 0)
		rc = -STEP_DELETE;
	return rc;
}

int shim_fault_selftest(unsigned pages)
{
	if (pages == 0 || pages > RT_FRESH_MAX_PAGES)
		return -STEP_BAD_COUNT;
	int rc = fresh_pages(pages);
	return rc ? rc : bad_thread_stops();
}
