/* Builds the Intel MP 1.4 floating pointer and configuration table, for kernels that read no ACPI.
 */
#include "vmm/platform/tables.h"

#include <errno.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "vmm/platform/layout.h"
#include "vmm/platform/mptable_defs.h"
#include "vmm/platform/tables_priv.h"

#define MP_OEM_ID     "TINYVM  "     /* 8 characters, blank padded */
#define MP_PRODUCT_ID "TINYVMM     " /* 12 characters, blank padded */
#define MP_ISA_BUS    0

/* What KVM's in-kernel local APIC and IOAPIC report in their version registers. */
#define LAPIC_VERSION  0x14
#define IOAPIC_VERSION 0x11

/*
 * A P6-family signature with FPU, TSC, MSR, CX8 and APIC: plausible for any vCPU. Kernels
 * take real features from CPUID; the table's copy is informational.
 */
#define CPU_SIGNATURE 0x00000600u
#define CPU_FEATURES  0x00000331u

#define ISA_IRQS    16
#define ISA_CASCADE 2 /* IRQ 2 is the 8259 cascade, never a device */

/* I/O interrupt entries: ExtINT on pin 0 plus every ISA IRQ but the cascade; two local ones. */
#define IO_INTS	   (1 + ISA_IRQS - 1)
#define LOCAL_INTS 2

static unsigned entry_count(unsigned ncpus)
{
	return ncpus + 1 /* bus */ + 1 /* IOAPIC */ + IO_INTS + LOCAL_INTS;
}

static uint64_t table_length(unsigned ncpus)
{
	return sizeof(struct mp_config_header) + ncpus * sizeof(struct mp_processor) +
	       sizeof(struct mp_bus) + sizeof(struct mp_ioapic) +
	       (IO_INTS + LOCAL_INTS) * sizeof(struct mp_interrupt);
}

static uint8_t *put_int(uint8_t *p, uint8_t entry, uint8_t int_type, uint16_t flags,
			uint8_t src_irq, uint8_t dst_apic, uint8_t dst_pin)
{
	struct mp_interrupt e = {.type = entry,
				 .int_type = int_type,
				 .flags = flags,
				 .src_bus = MP_ISA_BUS,
				 .src_irq = src_irq,
				 .dst_apic = dst_apic,
				 .dst_pin = dst_pin};
	memcpy(p, &e, sizeof(e));
	return p + sizeof(e);
}

/* Entries follow the header in ascending type order, as the spec requires. */
static uint8_t *put_entries(uint8_t *p, unsigned ncpus)
{
	for (unsigned i = 0; i < ncpus; i++) {
		struct mp_processor c = {.type = MP_ENTRY_PROCESSOR,
					 .apic_id = (uint8_t)i,
					 .apic_version = LAPIC_VERSION,
					 .cpu_flags =
					     (uint8_t)(MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0)),
					 .signature = CPU_SIGNATURE,
					 .features = CPU_FEATURES};
		memcpy(p, &c, sizeof(c));
		p += sizeof(c);
	}
	struct mp_bus bus = {.type = MP_ENTRY_BUS, .bus_id = MP_ISA_BUS};
	memcpy(bus.bus_type, "ISA   ", sizeof(bus.bus_type));
	memcpy(p, &bus, sizeof(bus));
	p += sizeof(bus);

	uint8_t ioapic_id = (uint8_t)ncpus;
	struct mp_ioapic io = {.type = MP_ENTRY_IOAPIC,
			       .apic_id = ioapic_id,
			       .apic_version = IOAPIC_VERSION,
			       .flags = MP_IOAPIC_ENABLED,
			       .address = PLATFORM_IOAPIC_ADDR};
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);

	/* The 8259's output reaches IOAPIC pin 0, so pin 2 is free for the PIT. */
	p = put_int(p, MP_ENTRY_IO_INT, MP_INT_EXTINT, 0, 0, ioapic_id, 0);
	for (uint8_t irq = 0; irq < ISA_IRQS; irq++) {
		if (irq == ISA_CASCADE)
			continue;
		uint8_t pin = irq == 0 ? 2 : irq;
		/* The ACPI SCI is level triggered, active high: say so, as the MADT does. */
		uint16_t flags =
		    irq == ACPI_PM_SCI_IRQ ? (uint16_t)(MP_TRIGGER_LEVEL | MP_POLARITY_HIGH) : 0;
		p = put_int(p, MP_ENTRY_IO_INT, MP_INT_INT, flags, irq, ioapic_id, pin);
	}

	/* Virtual-wire mode, as PC firmware leaves it: PIC through LINT0, NMI on LINT1. */
	p = put_int(p, MP_ENTRY_LOCAL_INT, MP_INT_EXTINT, 0, 0, MP_ALL_LAPICS, 0);
	p = put_int(p, MP_ENTRY_LOCAL_INT, MP_INT_NMI, 0, 0, MP_ALL_LAPICS, 1);
	return p;
}

int mp_table_build(struct guest_mem *m, unsigned ncpus)
{
	if (ncpus == 0 || ncpus > PLATFORM_TABLES_MAX_CPUS)
		return -EINVAL;
	uint64_t len = table_length(ncpus);
	if (len > PLATFORM_MP_END - PLATFORM_MP_CONFIG)
		return -ENOSPC;
	uint8_t *cfg = gmem_ptr(m, PLATFORM_MP_CONFIG, len);
	struct mp_floating_pointer *fp =
	    gmem_ptr(m, PLATFORM_MP_FLOAT, sizeof(struct mp_floating_pointer));
	if (!cfg || !fp)
		return -ENOSPC;

	memset(cfg, 0, len);
	struct mp_config_header *h = (struct mp_config_header *)cfg;
	memcpy(h->signature, "PCMP", sizeof(h->signature));
	h->base_length = (uint16_t)len;
	h->spec_rev = MP_SPEC_REV_1_4;
	memcpy(h->oem_id, MP_OEM_ID, sizeof(h->oem_id));
	memcpy(h->product_id, MP_PRODUCT_ID, sizeof(h->product_id));
	h->entry_count = (uint16_t)entry_count(ncpus);
	h->lapic_address = PLATFORM_LAPIC_ADDR;
	put_entries(cfg + sizeof(*h), ncpus);
	h->checksum = platform_checksum(cfg, len);

	/* Feature bytes all 0: a configuration table exists, no IMCR (virtual-wire mode). */
	memset(fp, 0, sizeof(*fp));
	memcpy(fp->signature, "_MP_", sizeof(fp->signature));
	fp->config_table = (uint32_t)PLATFORM_MP_CONFIG;
	fp->length = sizeof(*fp) / 16;
	fp->spec_rev = MP_SPEC_REV_1_4;
	fp->checksum = platform_checksum(fp, sizeof(*fp));
	return 0;
}
