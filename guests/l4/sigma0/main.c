/* sigma0, the initial pager: owns the free memory and serves page faults forever. */
#include "sigma0.h"

_Noreturn void sigma0_main(uint64_t self, const struct l4_kip *kip);

_Noreturn void sigma0_main(uint64_t self, const struct l4_kip *kip)
{
	(void)self;
	struct s0_mem mem = {kip->mem, 0};
	if (kip->magic == L4_KIP_MAGIC && kip->n_mem <= L4_KIP_MAX_MEM)
		mem.n = kip->n_mem;
	else
		say("sigma0: bad KIP (magic, n_mem ", kip->n_mem, "): refusing all\n");
	say("sigma0: ", alloc_init(&mem) / 1024, " KiB free\n");

	/*
	 * Reply-and-wait: the reply goes out with send timeout 0, so a sender that is not
	 * waiting for it (only a faulting thread must be) can never block sigma0. When the reply
	 * fails, the page it carried goes back and sigma0 just waits for the next message.
	 */
	struct l4_msg m = {{0}};
	uint64_t to = L4_NILTHREAD, from = 0, taken = 0;
	for (;;) {
		uint64_t rc = l4_ipc(to, L4_ANYTHREAD, L4_TIMEOUTS(0, L4_NEVER), &m, &from);
		if (rc != L4_OK) {
			if (taken && rc != L4_E_TIMEOUT_RECV)
				alloc_undo(taken);
			taken = 0;
			to = L4_NILTHREAD;
			continue;
		}
		taken = pager_serve(&mem, from, &m);
		to = from;
	}
}
