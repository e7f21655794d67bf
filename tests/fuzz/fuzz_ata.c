/* libFuzzer harness: the IDE channel's task file and control port over two disks made of input
 * bytes. */
#include <stdlib.h>

#include "devices/ata.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"

static void reset(void *ctx, struct fz *in, uint8_t arg)
{
	(void)in;
	(void)arg;
	ata_reset(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	uint8_t how = fz_u8(&in);
	/* disk sizes that make CHS, LBA28 and the end of the disk reachable in a few sectors */
	uint64_t sectors[2] = {1 + fz_u16(&in) % 4096, 1 + fz_u8(&in)};
	uint8_t content[2048];
	size_t got = fz_bytes(&in, content, fz_u8(&in) * 8u);
	struct disk disks[2] = {0};
	struct ata_config cfg = {0};
	for (unsigned i = 0; i < 2; i++) {
		if (i == 1 && !(how & 1))
			break;
		enum disk_mode mode = (how >> (1 + i)) & 1 ? DISK_READONLY : DISK_SNAPSHOT;
		if (fz_disk_open(&disks[i], content, got, sectors[i] * DISK_SECTOR, DISK_HARD,
				 mode))
			abort();
	}
	cfg.master = &disks[0];
	cfg.slave = disks[1].map ? &disks[1] : NULL;
	struct fake_irq irq;
	cfg.irq = fake_irq_line(&irq, ATA_IRQ);
	struct ata a;
	if (ata_init(&a, &cfg))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, ATA_CMD_BASE, ATA_CMD_LEN, &ata_cmd_io_ops, &a, "ide") ||
	    bus_register(&bus, ATA_CTL_BASE, ATA_CTL_LEN, &ata_ctl_io_ops, &a, "ide ctl"))
		abort();
	const struct fz_range r[] = {{ATA_CMD_BASE, ATA_CMD_LEN}, {ATA_CTL_BASE, ATA_CTL_LEN}};
	fz_run_ports(&in, &bus, r, 2, NULL, reset, &a, 8192);
	if (a.pos > sizeof(a.buf) || a.len > sizeof(a.buf) || a.pos > a.len || a.xfer_drive > 1)
		abort();
	ata_destroy(&a);
	disk_close(&disks[0]);
	disk_close(&disks[1]);
	return 0;
}
