/* CRASH.APP: reads the kernel's memory from ring 3, which the kernel's supervisor-only pages
 * refuse: the kernel must report the #PF and stop the VM. */
#include <stdint.h>
#include <unistd.h>

#include "bm/calls.h"

int main(void)
{
	static const char msg[] =
	    "crash: reading the kernel's first page at 0x100000 from ring 3\n";
	write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	return *(volatile const uint8_t *)(uintptr_t)BM_KERNEL_BASE;
}
