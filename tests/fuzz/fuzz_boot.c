/* libFuzzer harness: boot_load, which detects the format and picks the loader, on arbitrary bytes.
 */
#include "tests/fuzz/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_loader_run(data, size, boot_load);
}
