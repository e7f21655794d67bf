/* libFuzzer harness: the vmlinux loader (linux_load_vmlinux) on arbitrary kernel bytes, modules,
 * command line and RAM size. */
#include "tests/fuzz/loader.h"
#include "vmm/boot/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_loader_run(data, size, linux_load_vmlinux);
}
