/* libFuzzer harness: the elf64 loader (elf64_load) on arbitrary kernel bytes, modules, command line
 * and RAM size. */
#include "tests/fuzz/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_loader_run(data, size, elf64_load);
}
