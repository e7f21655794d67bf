/* Power-off: SLP_EN with SLP_TYP 0 to the FADT's PM1a control port, else the usual port 0x604. */
#include "cpu.h"
#include "kernel.h"

#define RSDP_SIG     0x2052545020445352ull /* "RSD PTR " */
#define RSDT_SIG     0x54445352u	   /* "RSDT" */
#define FACP_SIG     0x50434146u	   /* "FACP" */
#define SLP_EN	     0x2000
#define PM1A_DEFAULT 0x604

/* A table's bytes, if the kernel's 2 MiB mapping covers them (it never reads beyond). */
static const uint8_t *phys(uint64_t a, uint64_t len)
{
	return a < KMAP_END && len <= KMAP_END - a ? KVIRT(a) : NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	return *(const uint32_t *)p;
}

static uint16_t pm1a_cnt(void)
{
	const uint8_t *rsdp = NULL;
	for (uint64_t a = 0xE0000; a < 0x100000 && !rsdp; a += 16) {
		const uint8_t *p = KVIRT(a);
		if (*(const uint64_t *)p != RSDP_SIG)
			continue;
		uint8_t sum = 0;
		for (unsigned i = 0; i < 20; i++)
			sum = (uint8_t)(sum + p[i]);
		if (!sum)
			rsdp = p;
	}
	if (!rsdp)
		return 0;
	uint32_t ra = rd32(rsdp + 16);
	const uint8_t *rsdt = phys(ra, 36);
	if (!rsdt || rd32(rsdt) != RSDT_SIG || rd32(rsdt + 4) < 36 || !phys(ra, rd32(rsdt + 4)))
		return 0;
	for (uint32_t o = 36; o + 4 <= rd32(rsdt + 4); o += 4) {
		const uint8_t *t = phys(rd32(rsdt + o), 68);
		if (!t || rd32(t) != FACP_SIG)
			continue;
		uint32_t port = rd32(t + 64);
		return rd32(t + 4) >= 68 && port && port < 0x10000 ? (uint16_t)port : 0;
	}
	return 0;
}

_Noreturn void poweroff(void)
{
	uint16_t port = pm1a_cnt();
	if (port)
		outw(port, SLP_EN);
	outw(PM1A_DEFAULT, SLP_EN);
	/* QEMU stops the VM a moment after the write, not at it: give it 100 ms */
	for (uint64_t end = rdtsc() + tsc_khz * 100; rdtsc() < end;)
		;
	kprintf("l4: poweroff: the VM still runs, halting\n");
	halt_forever();
}
