/* Intel MultiProcessor Specification 1.4 structures tinyvmm emits (private to mptable.c). */
#ifndef TINYVMM_VMM_PLATFORM_MPTABLE_DEFS_H
#define TINYVMM_VMM_PLATFORM_MPTABLE_DEFS_H

#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "MP tables are little endian");

#define MP_SPEC_REV_1_4 4

struct mp_floating_pointer {
	char signature[4]; /* "_MP_" */
	uint32_t config_table;
	uint8_t length; /* in 16-byte paragraphs */
	uint8_t spec_rev;
	uint8_t checksum;
	uint8_t feature[5]; /* byte 1 = 0: a configuration table is present */
} __attribute__((packed));
_Static_assert(sizeof(struct mp_floating_pointer) == 16, "MP floating pointer is 16 bytes");

struct mp_config_header {
	char signature[4]; /* "PCMP" */
	uint16_t base_length;
	uint8_t spec_rev;
	uint8_t checksum; /* over base_length bytes */
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entry_count;
	uint32_t lapic_address;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_config_header) == 44, "MP configuration header is 44 bytes");

/* Entry types; the base table lists entries in ascending type order. */
enum {
	MP_ENTRY_PROCESSOR = 0,
	MP_ENTRY_BUS = 1,
	MP_ENTRY_IOAPIC = 2,
	MP_ENTRY_IO_INT = 3,
	MP_ENTRY_LOCAL_INT = 4,
};

struct mp_processor {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t cpu_flags;
	uint32_t signature; /* stepping 3:0, model 7:4, family 11:8 */
	uint32_t features;  /* CPUID.1:EDX */
	uint32_t reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct mp_processor) == 20, "MP processor entry is 20 bytes");
#define MP_CPU_ENABLED 0x01
#define MP_CPU_BSP     0x02

struct mp_bus {
	uint8_t type;
	uint8_t bus_id;
	char bus_type[6]; /* blank padded */
} __attribute__((packed));
_Static_assert(sizeof(struct mp_bus) == 8, "MP bus entry is 8 bytes");

struct mp_ioapic {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags;
	uint32_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_ioapic) == 8, "MP IOAPIC entry is 8 bytes");
#define MP_IOAPIC_ENABLED 0x01

/* Both I/O (type 3) and local (type 4) interrupt assignment entries have this shape. */
struct mp_interrupt {
	uint8_t type;
	uint8_t int_type;
	uint16_t flags; /* polarity 1:0, trigger 3:2; 0 conforms to the bus */
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_apic; /* IOAPIC ID, or for local entries a local APIC ID / 0xFF for all */
	uint8_t dst_pin;  /* IOAPIC INTIN#, or LINTIN# */
} __attribute__((packed));
_Static_assert(sizeof(struct mp_interrupt) == 8, "MP interrupt entry is 8 bytes");

enum {
	MP_INT_INT = 0, /* vectored through the APIC */
	MP_INT_NMI = 1,
	MP_INT_SMI = 2,
	MP_INT_EXTINT = 3, /* vectored by the 8259 */
};

#define MP_POLARITY_HIGH 0x0001
#define MP_TRIGGER_LEVEL 0x000C
#define MP_ALL_LAPICS	 0xFF

#endif
