/* shim_ipc_roundtrips for L4: the root task calls pong, a thread in an address space of its own. */
#include "roottask.h"

#include "apps/shim.h"
#include "l4/syscalls.h"

#define PING_LABEL 0x1
/* The first rounds may wait on sigma0 mapping pong's code and stack; later ones never should. */
#define WARMUP_ROUNDS	  2
#define WARMUP_TIMEOUT_US 2000000u

/*
 * Pong runs in its own space, where only its stack page (anon zone) and the image pages it
 * executes are mapped: it touches nothing else. It answers each request with the word + 1.
 */
_Noreturn static void pong(uint64_t self, const struct l4_kip *kip)
{
	uint64_t ping = kip->roottask_tid, from;
	struct l4_msg m = {{0}};
	uint64_t rc = l4_ipc(L4_NILTHREAD, ping, L4_TIMEOUTS(L4_NEVER, L4_NEVER), &m, &from);
	while (rc == L4_OK) {
		m.mr[0] = L4_TAG(PING_LABEL, 1);
		m.mr[1]++;
		rc = l4_ipc(ping, ping, L4_TIMEOUTS(L4_NEVER, L4_NEVER), &m, &from);
	}
	for (;;)
		l4_sleep_us(self, L4_NEVER);
}

/* One round trip: sends i, expects i + 1 back from pong. */
static int round_trip(uint64_t i, uint32_t timeout_us)
{
	struct l4_msg m = {{L4_TAG(PING_LABEL, 1), i}};
	uint64_t from = 0;
	uint64_t rc =
	    l4_ipc(RT_PONG_TID, RT_PONG_TID, L4_TIMEOUTS(timeout_us, timeout_us), &m, &from);
	return rc == L4_OK && from == RT_PONG_TID && m.mr[1] == i + 1 ? 0 : -1;
}

uint64_t shim_ipc_roundtrips(uint64_t rounds)
{
	const struct l4_kip *kip = l4_kip();
	/* abi.h: a thread starts as if called, so its stack top must leave room for a return
	 * address. */
	uint64_t rc = l4_thread_control(RT_PONG_TID, RT_PONG_TID, kip->sigma0_tid,
					(uint64_t)(uintptr_t)pong, RT_PONG_STACK_TOP - 8);
	if (rc != L4_OK) {
		rt_say("ipc: could not create the pong thread");
		return 0;
	}
	uint64_t ns = 0, i = 0;
	for (; i < WARMUP_ROUNDS; i++)
		if (round_trip(i, WARMUP_TIMEOUT_US)) {
			rt_say("ipc: pong did not answer (is it mapped?)");
			goto out;
		}
	/* Timed rounds wait forever: a finite timeout could cost the kernel a timer each time. */
	uint64_t t0 = shim_clock_ns();
	for (uint64_t r = 0; r < rounds; r++, i++)
		if (round_trip(i, L4_NEVER)) {
			rt_say("ipc: a round trip failed");
			goto out;
		}
	ns = shim_clock_ns() - t0;
	if (ns == 0)
		ns = 1; /* 0 means "could not run" to the app */
out:
	if (l4_thread_control(RT_PONG_TID, L4_NILTHREAD, L4_NILTHREAD, 0, 0) != L4_OK) {
		rt_say("ipc: could not delete the pong thread");
		ns = 0;
	}
	return ns;
}
