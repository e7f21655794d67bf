/* The root task's main: checks the KIP, runs the app its module line names, then ends the VM. */
#include "roottask.h"

#include "apps/shim.h"
#include "l4/syscalls.h"

_Noreturn void roottask_main(uint64_t self, const struct l4_kip *kip)
{
	shim_l4_init(self);
	/* Nothing below is worth running against a kernel that speaks another ABI. */
	if (kip != l4_kip() || kip->magic != L4_KIP_MAGIC || kip->abi_version != L4_ABI_VERSION ||
	    kip->tsc_khz == 0) {
		rt_say("no valid KIP (magic, ABI version or TSC rate)");
		shim_exit(1);
	}
	/* The KIP's copy is a fixed array: take it with a NUL of our own, never past its end. */
	char cmdline[L4_KIP_CMDLINE + 1];
	size_t n = 0;
	for (; n < L4_KIP_CMDLINE && kip->roottask_cmdline[n]; n++)
		cmdline[n] = kip->roottask_cmdline[n];
	cmdline[n] = '\0';
	int status = apps_main(cmdline);
	if (status)
		rt_say("the app ended with an error");
	shim_exit(status);
}
