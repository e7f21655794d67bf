/* ACPI 1.0-era table layouts tinyvmm emits (private to acpi.c): RSDP, SDT header, FADT, FACS, MADT.
 */
#ifndef TINYVMM_VMM_PLATFORM_ACPI_DEFS_H
#define TINYVMM_VMM_PLATFORM_ACPI_DEFS_H

#include <stdint.h>

/* Fields are stored as the host lays them out: guests are x86, so is every KVM host we run on. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ACPI tables are little endian");

struct acpi_rsdp_v0 {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over these 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0, RSDT only */
	uint32_t rsdt_address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp_v0) == 20, "RSDP revision 0 is 20 bytes");

struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /* whole table, header included */
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");

/* FADT revision 1 (ACPI 1.0b): 116 bytes, no RESET_REG and no 64-bit X_ fields. */
struct acpi_fadt_v1 {
	struct acpi_sdt_header h;
	uint32_t firmware_ctrl; /* the FACS */
	uint32_t dsdt;
	uint8_t int_model;
	uint8_t reserved1;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t reserved2;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tm_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t reserved3;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint8_t reserved4[3];
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt_v1) == 116, "FADT revision 1 is 116 bytes");

#define ACPI_FADT_WBINVD      (1u << 0)
#define ACPI_FADT_PROC_C1     (1u << 2)
#define ACPI_FADT_PWR_BUTTON  (1u << 4) /* set: no fixed-feature power button */
#define ACPI_FADT_SLP_BUTTON  (1u << 5) /* set: no fixed-feature sleep button */
#define ACPI_FADT_TMR_VAL_EXT (1u << 8) /* set: 32-bit PM timer */

#define ACPI_INT_MODEL_APIC 1
/* Latencies above these limits tell the OS that C2 and C3 do not exist. */
#define ACPI_P_LVL2_NONE 101
#define ACPI_P_LVL3_NONE 1001

struct acpi_facs {
	char signature[4]; /* "FACS"; this table has no checksum */
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint8_t reserved[40];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS is 64 bytes");
#define ACPI_FACS_ALIGN 64

struct acpi_madt {
	struct acpi_sdt_header h;
	uint32_t lapic_address;
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT fixed part is 44 bytes");

#define ACPI_MADT_PCAT_COMPAT 1u /* dual 8259s present: the OS must mask them for APIC mode */

enum {
	ACPI_MADT_LAPIC = 0,
	ACPI_MADT_IOAPIC = 1,
	ACPI_MADT_ISO = 2,
	ACPI_MADT_LAPIC_NMI = 4,
};

struct acpi_madt_lapic {
	uint8_t type;
	uint8_t length;
	uint8_t processor_id;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT local APIC entry is 8 bytes");
#define ACPI_MADT_LAPIC_ENABLED 1u

struct acpi_madt_ioapic {
	uint8_t type;
	uint8_t length;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC entry is 12 bytes");

struct acpi_madt_iso {
	uint8_t type;
	uint8_t length;
	uint8_t bus; /* 0: ISA */
	uint8_t source;
	uint32_t gsi;
	uint16_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "MADT interrupt source override is 10 bytes");

/* MPS INTI flags: polarity in bits 1:0, trigger mode in bits 3:2; 0 means "as the bus says". */
#define ACPI_MPS_CONFORMS    0x0000
#define ACPI_MPS_ACTIVE_HIGH 0x0001
#define ACPI_MPS_LEVEL	     0x000C

struct acpi_madt_lapic_nmi {
	uint8_t type;
	uint8_t length;
	uint8_t processor_id; /* 0xFF: every processor */
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "MADT local APIC NMI entry is 6 bytes");
#define ACPI_ALL_PROCESSORS 0xFF

#endif
