/* The libFuzzer harnesses' shared parts: input reader, port-I/O interpreter, guest RAM and disks.
 */
#include "tests/fuzz/support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

uint16_t fz_u16(struct fz *f)
{
	return (uint16_t)(fz_u8(f) | fz_u8(f) << 8);
}

uint32_t fz_u32(struct fz *f)
{
	return (uint32_t)fz_u16(f) | (uint32_t)fz_u16(f) << 16;
}

uint64_t fz_u64(struct fz *f)
{
	return (uint64_t)fz_u32(f) | (uint64_t)fz_u32(f) << 32;
}

size_t fz_bytes(struct fz *f, void *dst, size_t len)
{
	size_t take = len < f->n ? len : f->n;
	memcpy(dst, f->p, take);
	memset((uint8_t *)dst + take, 0, len - take);
	f->p += take;
	f->n -= take;
	return take;
}

void fz_str(struct fz *f, char *dst, size_t max)
{
	size_t i = 0;
	while (i + 1 < max && f->n) {
		uint8_t c = fz_u8(f);
		if (c == 0 || c == '\n')
			break;
		dst[i++] = (char)c;
	}
	dst[i] = 0;
}

struct fz fz_rest(struct fz *f)
{
	struct fz r = *f;
	f->p += f->n;
	f->n = 0;
	return r;
}

/* Virtual time one input may let pass with timers firing on time. */
#define FZ_TIME_BUDGET_NS 200000000ULL /* 200 ms: 2,000 fires of a 10 kHz timer */

static unsigned io_size(uint8_t sel)
{
	static const unsigned sizes[4] = {1, 1, 2, 4};
	return sizes[sel & 3];
}

void fz_run_ports(struct fz *in, struct io_bus *bus, const struct fz_range *ranges, unsigned n,
		  struct vclock *vc, fz_host_event event, void *ctx, unsigned max_ops)
{
	uint64_t budget_ns = FZ_TIME_BUDGET_NS;
	for (unsigned op = 0; op < max_ops && !fz_empty(in); op++) {
		uint8_t code = fz_u8(in);
		uint8_t sel = fz_u8(in);
		uint16_t port;
		/* most accesses hit a device's own ports; 1 in 16 goes anywhere */
		if ((code & 0xF0) == 0xF0 || n == 0)
			port = fz_u16(in);
		else
			port = (uint16_t)(ranges[sel % n].base + (fz_u8(in) % ranges[sel % n].len));
		unsigned size = io_size(code >> 2);
		switch (code & 3) {
		case 0:
			(void)bus_read(bus, port, size);
			break;
		case 1:
			bus_write(bus, port, size, fz_u32(in));
			break;
		case 2: {
			uint64_t ns = (uint64_t)fz_u16(in) << (fz_u8(in) % 24);
			if (!vc)
				break;
			if (code & 0x10) {
				/* a stall: the host timer thread did not run for up to ~18 minutes,
				 * and every deadline that passed is due at once */
				vc->now_ns += ns << 16;
				vclock_advance(vc, 0);
			} else if (budget_ns) {
				/* time that passes with every deadline firing on time, within a
				 * budget so a 10 kHz timer cannot make one input run for minutes */
				ns = ns < budget_ns ? ns : budget_ns;
				budget_ns -= ns;
				vclock_advance(vc, ns);
			}
			break;
		}
		case 3:
			if ((code & 0x10) && event) {
				event(ctx, in, fz_u8(in));
				break;
			}
			/* REP INS/OUTS: the exit handler loops over `count` units the same way */
			for (unsigned i = 0, count = fz_u8(in) % 64; i < count; i++) {
				if (code & 0x20)
					bus_write(bus, port, size, fz_u32(in));
				else
					(void)bus_read(bus, port, size);
			}
			break;
		}
	}
}

int fz_ram(struct guest_mem *m, uint8_t sel)
{
	static const uint64_t sizes[] = {
	    0x1000,	       /* a page: nothing of the PC layout fits */
	    0x9F000,	       /* just under the EBDA */
	    0x100000,	       /* 1 MiB exactly */
	    0x110000,	       /* 1 MiB + 64 KiB */
	    0x1000000 + 0x321, /* 16 MiB and an odd tail */
	    0xC0000000,	       /* 3 GiB: RAM ends at the PCI hole */
	    0x100000000ULL,    /* 4 GiB: RAM continues above 4 GiB */
	    0x200000,	       /* 2 MiB, the l4 guests' size */
	};
	return gmem_alloc(m, sizes[sel % (sizeof(sizes) / sizeof(sizes[0]))]);
}

void fz_fill_ram(struct fz *in, struct guest_mem *m, unsigned runs)
{
	uint64_t top = gmem_top(m);
	for (unsigned i = 0; i < runs && !fz_empty(in); i++) {
		uint8_t how = fz_u8(in);
		uint32_t off = fz_u32(in);
		uint8_t len = fz_u8(in);
		/* near the start (IVT, BDA), near the end of RAM, or anywhere */
		uint64_t gpa = how & 1 ? (top > off % 0x10000 ? top - off % 0x10000 : 0)
				       : (how & 2 ? off : off % 0x10000);
		uint8_t buf[256];
		size_t got = fz_bytes(in, buf, len);
		uint8_t *p = gmem_ptr(m, gpa, got);
		if (p)
			memcpy(p, buf, got);
	}
}

int fz_disk_open(struct disk *d, const void *data, size_t len, uint64_t size, enum disk_kind kind,
		 enum disk_mode mode)
{
	int fd = memfd_create("fuzz-disk", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (len > size)
		len = (size_t)size;
	int r = 0;
	if (ftruncate(fd, (off_t)size) || (len && pwrite(fd, data, len, 0) != (ssize_t)len)) {
		r = -errno;
	} else {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		const char *why = "";
		r = disk_open(d, path, kind, mode, &why);
		d->path = "fuzz.img"; /* path[] is about to go */
	}
	close(fd);
	return r;
}
