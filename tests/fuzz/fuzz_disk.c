/* libFuzzer harness: disk images of any size and content -- disk_open's checks, the boot sector and
 * MBR checks, geometry and sector ranges. */
#include <stdlib.h>

#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"
#include "vmm/firmware/bios.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	uint8_t how = fz_u8(&in);
	/* the image's size: the input's own, or a header-given one whose tail reads as zeros */
	uint64_t img = how & 0x80 ? (uint64_t)fz_u32(&in) % (8u << 20) : 0;
	struct fz rest = fz_rest(&in);
	if (!(how & 0x80))
		img = rest.n;
	enum disk_kind kind = how & 1 ? DISK_HARD : DISK_FLOPPY;
	struct disk d;
	int r =
	    fz_disk_open(&d, rest.p, rest.n, img, kind, how & 2 ? DISK_READONLY : DISK_SNAPSHOT);
	if (r)
		return 0; /* refused, as a user's file of that size would be */
	if (d.size != img || d.sectors != img / DISK_SECTOR || !d.chs.cylinders || !d.chs.heads ||
	    !d.chs.sectors)
		abort();
	/* CHS geometry must never name more sectors than a hard disk has */
	if (kind == DISK_HARD &&
	    (uint64_t)d.chs.cylinders * d.chs.heads * d.chs.sectors > d.sectors + 0 &&
	    d.chs.cylinders > 1)
		abort();

	struct guest_mem mem;
	if (fz_ram(&mem, 2))
		abort();
	struct fake_sink console;
	_Atomic bool stopping = true;
	struct bios_env env = {.mem = &mem,
			       .floppy = kind == DISK_FLOPPY ? &d : NULL,
			       .hard = {kind == DISK_HARD ? &d : NULL, NULL},
			       .console = fake_sink_of(&console),
			       .boot_drive = kind == DISK_HARD ? 0x80 : 0x00,
			       .stopping = &stopping};
	struct bios_entry entry;
	if (bios_boot(&env, &entry) == BIOS_NO_BOOT && !env.why[0])
		abort();
	/* sector ranges at and past the end, both ways */
	uint8_t buf[4 * DISK_SECTOR];
	const uint64_t probes[] = {0,	       d.sectors - 1, d.sectors, d.sectors + 1,
				   UINT64_MAX, UINT64_MAX - 2};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		for (uint32_t n = 0; n <= 4; n++) {
			bool inside = probes[i] <= d.sectors && n <= d.sectors - probes[i];
			if ((disk_read(&d, probes[i], n, buf) == 0) != inside)
				abort();
			int w = disk_write(&d, probes[i], n, buf);
			if (inside && (how & 2) ? w == 0 : inside ? w != 0 : w == 0)
				abort();
		}
	gmem_free(&mem);
	disk_close(&d);
	return 0;
}
