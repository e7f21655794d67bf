/* Shared by the libFuzzer harnesses: an input reader, a port-I/O interpreter with a virtual clock,
 * guest RAM and disks. */
#ifndef TINYVMM_TESTS_FUZZ_SUPPORT_H
#define TINYVMM_TESTS_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/disk.h"
#include "tests/support/vclock.h"
#include "vmm/bus.h"
#include "vmm/guest_mem.h"

/* libFuzzer's entry point, which every harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fuzzer's bytes, consumed front to back; past the end every read gives zeros. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline bool fz_empty(const struct fz *f)
{
	return f->n == 0;
}
uint8_t fz_u8(struct fz *f);
uint16_t fz_u16(struct fz *f);
uint32_t fz_u32(struct fz *f);
uint64_t fz_u64(struct fz *f);
/* Up to `len` bytes into dst (zeros past the end); returns how many came from the input. */
size_t fz_bytes(struct fz *f, void *dst, size_t len);
/* A NUL-terminated string of at most max - 1 bytes, ending at the first NUL or newline. */
void fz_str(struct fz *f, char *dst, size_t max);
/* The rest of the input, taken whole. */
struct fz fz_rest(struct fz *f);

/* One device's ports on the bus, and how often the interpreter should pick it. */
struct fz_range {
	uint16_t base, len;
};

/*
 * Host-side events a harness may let the input trigger between guest accesses (a byte on
 * the serial line, the power button, a reset line); `arg` is the input's next byte.
 */
typedef void (*fz_host_event)(void *ctx, struct fz *in, uint8_t arg);

/*
 * Runs the input as a guest would: port reads and writes of 1, 2 and 4 bytes (mostly on
 * `ranges`, sometimes anywhere in the 64 KiB space), string I/O of up to 64 units, and time
 * moving forward on `vc`: steps from nanoseconds to 100 ms with timers firing on time (200 ms
 * in all), and host stalls of up to ~18 minutes after which every passed deadline fires
 * late, once. Stops at the end of the input or after `max_ops` operations.
 */
void fz_run_ports(struct fz *in, struct io_bus *bus, const struct fz_range *ranges, unsigned n,
		  struct vclock *vc, fz_host_event event, void *ctx, unsigned max_ops);

/* Guest RAM of one of a few sizes that matter (under 1 MiB, 1 MiB, odd, across the PCI
 * hole): `sel` picks it. Anonymous and lazily backed, like the VMM's. 0 or -errno. */
int fz_ram(struct guest_mem *m, uint8_t sel);
/* Scatters input bytes into guest RAM: (offset from the end or start, length, bytes) runs. */
void fz_fill_ram(struct fz *in, struct guest_mem *m, unsigned runs);

/*
 * A disk image made of input bytes in a memfd, opened with the VMM's own disk_open (its
 * size checks included): `size` bytes, the first `len` from `data`. 0, or disk_open's
 * -errno (the image was refused, as a user's would be).
 */
int fz_disk_open(struct disk *d, const void *data, size_t len, uint64_t size, enum disk_kind kind,
		 enum disk_mode mode);

#endif
