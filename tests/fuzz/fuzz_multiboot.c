/* libFuzzer harness: the multiboot loader (multiboot_load) on arbitrary kernel bytes, modules,
 * command line and RAM size. */
#include "tests/fuzz/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_loader_run(data, size, multiboot_load);
}
