/* Builds the ACPI 1.0 tables (RSDP, RSDT, FADT, FACS, DSDT, MADT) in the guest's BIOS area. */
#include "vmm/platform/tables.h"

#include <errno.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "vmm/platform/acpi_defs.h"
#include "vmm/platform/layout.h"
#include "vmm/platform/tables_priv.h"

#define OEM_TABLE_ID "TINYVMM " /* 8 characters, blank padded */
#define CREATOR_ID   "TVMM"
#define TABLE_ALIGN  16

/* The CMOS register our RTC keeps the BCD century in (devices/rtc.c). */
#define CMOS_CENTURY 0x32

/* AML opcodes used by the DSDT (ACPI spec, "AML Byte Stream Byte Values"). */
#define AML_ZERO_OP	0x00
#define AML_ONE_OP	0x01
#define AML_NAME_OP	0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_PACKAGE_OP	0x12
#define AML_ROOT_CHAR	0x5C
#define AML_PKGLEN_MAX1 63 /* longest PkgLength that fits the one-byte form */

_Static_assert(ACPI_PM_SLP_TYP_S5 <= 7, "SLP_TYP is a 3-bit field");

/* A bump allocator over the reserved window; nothing is written outside it. */
struct area {
	uint8_t *host;
	uint64_t gpa;
	uint64_t size;
	uint64_t used;
};

/* Zeroes what it hands out: guest RAM may hold a previous boot's tables or anything else. */
static void *area_take(struct area *a, uint64_t len, uint64_t align, uint32_t *gpa)
{
	uint64_t off = (a->used + align - 1) & ~(align - 1);
	if (off > a->size || len > a->size - off)
		return NULL;
	a->used = off + len;
	*gpa = (uint32_t)(a->gpa + off);
	memset(a->host + off, 0, len);
	return a->host + off;
}

static void sdt_init(struct acpi_sdt_header *h, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, PLATFORM_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(h->creator_id, CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = 1;
}

/* Last step for each table: every byte of it, header included, must be final by now. */
static void sdt_seal(struct acpi_sdt_header *h)
{
	h->checksum = 0;
	h->checksum = platform_checksum(h, h->length);
}

static int build_facs(struct area *a, uint32_t *gpa)
{
	struct acpi_facs *f = area_take(a, sizeof(*f), ACPI_FACS_ALIGN, gpa);
	if (!f)
		return -ENOSPC;
	memcpy(f->signature, "FACS", sizeof(f->signature));
	f->length = sizeof(*f);
	return 0;
}

static size_t aml_integer(uint8_t *p, unsigned v)
{
	if (v == 0) {
		p[0] = AML_ZERO_OP;
		return 1;
	}
	if (v == 1) {
		p[0] = AML_ONE_OP;
		return 1;
	}
	p[0] = AML_BYTE_PREFIX;
	p[1] = (uint8_t)v;
	return 2;
}

/*
 * Name(\_S5, Package() { S5, S5, 0, 0 }): SLP_TYPa, SLP_TYPb and two reserved entries.
 * It is all an OS needs from the DSDT to power off through PM1a_CNT.
 */
static size_t aml_s5(uint8_t *aml)
{
	static const uint8_t name[] = {AML_NAME_OP, AML_ROOT_CHAR, '_', 'S', '5', '_'};
	size_t n = 0;
	memcpy(aml, name, sizeof(name));
	n += sizeof(name);
	aml[n++] = AML_PACKAGE_OP;
	size_t pkglen_at = n++;
	aml[n++] = 4; /* NumElements */
	n += aml_integer(aml + n, ACPI_PM_SLP_TYP_S5);
	n += aml_integer(aml + n, ACPI_PM_SLP_TYP_S5);
	n += aml_integer(aml + n, 0);
	n += aml_integer(aml + n, 0);
	/* PkgLength counts itself and everything after it up to the package's end. */
	aml[pkglen_at] = (uint8_t)(n - pkglen_at);
	return n;
}

static int build_dsdt(struct area *a, uint32_t *gpa)
{
	uint8_t aml[32];
	size_t aml_len = aml_s5(aml);
	_Static_assert(sizeof(aml) <= AML_PKGLEN_MAX1, "one-byte PkgLength suffices");

	uint32_t len = (uint32_t)(sizeof(struct acpi_sdt_header) + aml_len);
	struct acpi_sdt_header *h = area_take(a, len, TABLE_ALIGN, gpa);
	if (!h)
		return -ENOSPC;
	/* Revision 1: AML integers are 32 bits, as ACPI 1.0 OSes expect. */
	sdt_init(h, "DSDT", len, 1);
	memcpy((uint8_t *)h + sizeof(*h), aml, aml_len);
	sdt_seal(h);
	return 0;
}

static int build_fadt(struct area *a, uint32_t facs, uint32_t dsdt, uint32_t *gpa)
{
	struct acpi_fadt_v1 *f = area_take(a, sizeof(*f), TABLE_ALIGN, gpa);
	if (!f)
		return -ENOSPC;
	sdt_init(&f->h, "FACP", sizeof(*f), 1);
	f->firmware_ctrl = facs;
	f->dsdt = dsdt;
	f->int_model = ACPI_INT_MODEL_APIC;
	f->sci_int = ACPI_PM_SCI_IRQ;
	/* SMI_CMD 0: no SMM owns the hardware, so ACPI mode is on from reset (SCI_EN set). */
	f->smi_cmd = 0;
	f->pm1a_evt_blk = ACPI_PM1A_EVT_BLK;
	f->pm1a_cnt_blk = ACPI_PM1A_CNT_BLK;
	f->pm_tmr_blk = ACPI_PM_TMR_BLK;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->pm_tm_len = ACPI_PM_TMR_LEN;
	f->p_lvl2_lat = ACPI_P_LVL2_NONE;
	f->p_lvl3_lat = ACPI_P_LVL3_NONE;
	f->century = CMOS_CENTURY;
	/*
	 * The power button is the fixed-feature one (PWRBTN_STS in PM1a), so PWR_BUTTON
	 * stays clear; there is no sleep button at all. TMR_VAL_EXT clear: 24-bit timer.
	 */
	f->flags = ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_SLP_BUTTON;
	sdt_seal(&f->h);
	return 0;
}

static uint32_t madt_length(unsigned ncpus)
{
	return (uint32_t)(sizeof(struct acpi_madt) + ncpus * sizeof(struct acpi_madt_lapic) +
			  sizeof(struct acpi_madt_ioapic) + 2 * sizeof(struct acpi_madt_iso) +
			  sizeof(struct acpi_madt_lapic_nmi));
}

static uint8_t *put_iso(uint8_t *p, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	struct acpi_madt_iso e = {.type = ACPI_MADT_ISO,
				  .length = sizeof(e),
				  .bus = 0,
				  .source = irq,
				  .gsi = gsi,
				  .flags = flags};
	memcpy(p, &e, sizeof(e));
	return p + sizeof(e);
}

static int build_madt(struct area *a, unsigned ncpus, uint32_t *gpa)
{
	uint32_t len = madt_length(ncpus);
	struct acpi_madt *t = area_take(a, len, TABLE_ALIGN, gpa);
	if (!t)
		return -ENOSPC;
	sdt_init(&t->h, "APIC", len, 1);
	t->lapic_address = PLATFORM_LAPIC_ADDR;
	t->flags = ACPI_MADT_PCAT_COMPAT;

	uint8_t *p = (uint8_t *)t + sizeof(*t);
	for (unsigned i = 0; i < ncpus; i++) {
		struct acpi_madt_lapic e = {.type = ACPI_MADT_LAPIC,
					    .length = sizeof(e),
					    .processor_id = (uint8_t)i,
					    .apic_id = (uint8_t)i,
					    .flags = ACPI_MADT_LAPIC_ENABLED};
		memcpy(p, &e, sizeof(e));
		p += sizeof(e);
	}
	struct acpi_madt_ioapic io = {.type = ACPI_MADT_IOAPIC,
				      .length = sizeof(io),
				      .ioapic_id = (uint8_t)ncpus,
				      .address = PLATFORM_IOAPIC_ADDR,
				      .gsi_base = 0};
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);
	/* The PIT's IRQ0 arrives on IOAPIC pin 2, where the 8259 cascade would be. */
	p = put_iso(p, 0, 2, ACPI_MPS_CONFORMS);
	/* The SCI is level triggered and active high, unlike an ISA IRQ's default. */
	p = put_iso(p, ACPI_PM_SCI_IRQ, ACPI_PM_SCI_IRQ, ACPI_MPS_LEVEL | ACPI_MPS_ACTIVE_HIGH);
	struct acpi_madt_lapic_nmi nmi = {.type = ACPI_MADT_LAPIC_NMI,
					  .length = sizeof(nmi),
					  .processor_id = ACPI_ALL_PROCESSORS,
					  .flags = ACPI_MPS_CONFORMS,
					  .lint = 1};
	memcpy(p, &nmi, sizeof(nmi));
	sdt_seal(&t->h);
	return 0;
}

/* FACP must come first: Pure64 mis-parses an RSDT that starts with APIC or HPET. */
static int build_rsdt(struct area *a, uint32_t fadt, uint32_t madt, uint32_t *gpa)
{
	const uint32_t entries[] = {fadt, madt};
	uint32_t len = (uint32_t)(sizeof(struct acpi_sdt_header) + sizeof(entries));
	struct acpi_sdt_header *h = area_take(a, len, TABLE_ALIGN, gpa);
	if (!h)
		return -ENOSPC;
	sdt_init(h, "RSDT", len, 1);
	memcpy((uint8_t *)h + sizeof(*h), entries, sizeof(entries));
	sdt_seal(h);
	return 0;
}

static void fill_rsdp(struct acpi_rsdp_v0 *r, uint32_t rsdt)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->signature, "RSD PTR ", sizeof(r->signature));
	memcpy(r->oem_id, PLATFORM_OEM_ID, sizeof(r->oem_id));
	r->revision = 0;
	r->rsdt_address = rsdt;
	r->checksum = platform_checksum(r, sizeof(*r));
}

int acpi_tables_build(struct guest_mem *m, unsigned ncpus)
{
	if (ncpus == 0 || ncpus > PLATFORM_TABLES_MAX_CPUS)
		return -EINVAL;
	struct area a = {.gpa = PLATFORM_ACPI_BASE, .size = PLATFORM_ACPI_END - PLATFORM_ACPI_BASE};
	a.host = gmem_ptr(m, a.gpa, a.size);
	if (!a.host)
		return -ENOSPC;

	/* The RSDP goes first, at the window's base, where every scanner looks early. */
	uint32_t rsdp_gpa, facs, dsdt, fadt, madt, rsdt;
	struct acpi_rsdp_v0 *rsdp = area_take(&a, sizeof(*rsdp), TABLE_ALIGN, &rsdp_gpa);
	if (!rsdp)
		return -ENOSPC;
	int err = build_facs(&a, &facs);
	if (!err)
		err = build_dsdt(&a, &dsdt);
	if (!err)
		err = build_fadt(&a, facs, dsdt, &fadt);
	if (!err)
		err = build_madt(&a, ncpus, &madt);
	if (!err)
		err = build_rsdt(&a, fadt, madt, &rsdt);
	if (err)
		return err;
	fill_rsdp(rsdp, rsdt);
	return 0;
}
