/* int 15h: memory map (E820, E801, 88h), A20 gate (24xxh), wait (86h); the rest answers CF=1. */
#include <string.h>
#include <errno.h>
#include <time.h>

#include "vmm/firmware/service.h"

#define SMAP		0x534D4150 /* "SMAP" */
#define E820_ENTRY	20
#define E820_ENTRY_ACPI 24 /* + extended attributes; bit 0 = "do not ignore this entry" */
#define KIB		1024ULL
#define MIB		(1024ULL * KIB)
#define EXT_88H_MAX_KIB 0xFC00 /* 63 MiB: what real machines report at most through 88h */
#define PORT_A20	0x92
#define PORT_A20_BIT	0x02
#define PORT_A20_RESET	0x01
#define A20_VIA_KBC	0x0001
#define A20_VIA_PORT92	0x0002

/* RAM below the PCI hole, the only part E801 and 88h describe. */
static uint64_t low_ram(const struct bios_env *env)
{
	return env->mem->nregions ? env->mem->regions[0].size : 0;
}

/* EAX=E820h: EBX is the index of the next entry, 0 after the last; ES:DI gets one entry. */
static void e820(struct bios_env *env, struct bios_regs *r)
{
	const struct e820_map *map = &env->e820;
	uint32_t idx = r->ebx;
	uint32_t want = r->ecx;
	if (r->edx != SMAP || idx >= map->n || map->n > E820_MAX || want < E820_ENTRY) {
		bios_fail(r, BIOS_ERR_UNSUPPORTED);
		return;
	}
	uint32_t len = want >= E820_ENTRY_ACPI ? E820_ENTRY_ACPI : E820_ENTRY;
	uint8_t *dst = bios_ptr(env, r->es, lo16(r->edi), len);
	if (!dst) {
		bios_fail(r, BIOS_ERR_UNSUPPORTED);
		return;
	}
	memcpy(dst, &map->e[idx], E820_ENTRY);
	if (len == E820_ENTRY_ACPI) {
		const uint8_t enabled[4] = {1, 0, 0, 0};
		memcpy(dst + E820_ENTRY, enabled, sizeof(enabled));
	}
	r->eax = SMAP;
	r->ecx = len;
	r->ebx = idx + 1 < map->n ? idx + 1 : 0;
	bios_ok(r);
}

/* AX=E801h: KiB in 1-16 MiB in AX/CX, 64 KiB blocks from 16 MiB to the hole in BX/DX. */
static void e801(struct bios_env *env, struct bios_regs *r)
{
	uint64_t low = low_ram(env);
	uint64_t below16 = low > 16 * MIB ? 16 * MIB : low;
	uint64_t kib = below16 > MIB ? (below16 - MIB) / KIB : 0;
	uint64_t blocks = low > 16 * MIB ? (low - 16 * MIB) >> 16 : 0;
	if (blocks > 0xFFFF)
		blocks = 0xFFFF;
	set_lo16(&r->eax, (uint16_t)kib);
	set_lo16(&r->ecx, (uint16_t)kib);
	set_lo16(&r->ebx, (uint16_t)blocks);
	set_lo16(&r->edx, (uint16_t)blocks);
	bios_ok(r);
}

static void ext_88h(struct bios_env *env, struct bios_regs *r)
{
	uint64_t low = low_ram(env);
	uint64_t kib = low > MIB ? (low - MIB) / KIB : 0;
	set_lo16(&r->eax, (uint16_t)(kib > EXT_88H_MAX_KIB ? EXT_88H_MAX_KIB : kib));
	bios_ok(r);
}

/*
 * AX=2400h-2403h through port 0x92, as firmware does, so the gate reads the same whichever
 * way the guest asks. KVM never masks A20; the bit is bookkeeping. Bit 0 would reset.
 */
static void a20(struct bios_env *env, struct bios_regs *r)
{
	uint8_t al = reg_al(r);
	if (al > 3) {
		bios_unknown(r);
		return;
	}
	if (!env->bus) {
		bios_fail(r, BIOS_ERR_UNSUPPORTED);
		return;
	}
	uint8_t v = (uint8_t)bus_read(env->bus, PORT_A20, 1) & (uint8_t)~PORT_A20_RESET;
	switch (al) {
	case 0x00:
	case 0x01:
		v = al ? (uint8_t)(v | PORT_A20_BIT) : (uint8_t)(v & ~PORT_A20_BIT);
		bus_write(env->bus, PORT_A20, 1, v);
		break;
	case 0x02:
		set_lo8(&r->eax, (v & PORT_A20_BIT) != 0);
		break;
	case 0x03:
		set_lo16(&r->ebx, A20_VIA_KBC | A20_VIA_PORT92);
		break;
	}
	bios_ok_ah0(r);
}

/*
 * AH=86h: CX:DX microseconds (up to about 71 minutes) on the vCPU thread, in slices, so a
 * VM asked to stop never waits out the guest's delay: the kick signal ends a slice early,
 * and env->stopping, checked between slices, covers a kick that came just before one.
 */
#define WAIT_SLICE_US 10000ULL

static void wait_us(struct bios_env *env, struct bios_regs *r)
{
	uint64_t us = (uint64_t)lo16(r->ecx) << 16 | lo16(r->edx);
	while (us > 0 &&
	       !(env->stopping && atomic_load_explicit(env->stopping, memory_order_acquire))) {
		uint64_t slice = us < WAIT_SLICE_US ? us : WAIT_SLICE_US;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)slice * 1000};
		if (nanosleep(&ts, NULL) && errno == EINTR)
			break;
		us -= slice;
	}
	bios_ok_ah0(r);
}

void bios_int15(struct bios_env *env, struct bios_regs *r)
{
	uint16_t ax = lo16(r->eax);
	if (ax == 0xE820) {
		e820(env, r);
		return;
	}
	if (ax == 0xE801) {
		e801(env, r);
		return;
	}
	switch (reg_ah(r)) {
	case 0x24:
		a20(env, r);
		return;
	case 0x86:
		wait_us(env, r);
		return;
	case 0x88:
		ext_88h(env, r);
		return;
	case 0x53: /* APM: absent */
	case 0xC0: /* system configuration table: none */
		bios_fail(r, BIOS_ERR_UNSUPPORTED);
		return;
	default:
		bios_unknown(r);
		return;
	}
}
