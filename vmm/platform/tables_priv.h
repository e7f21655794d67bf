/* What the ACPI and MP table builders share (private to vmm/platform): limits, identity, checksum.
 */
#ifndef TINYVMM_VMM_PLATFORM_TABLES_PRIV_H
#define TINYVMM_VMM_PLATFORM_TABLES_PRIV_H

#include <stddef.h>
#include <stdint.h>

/*
 * APIC IDs 0..ncpus-1 go to the vCPUs and the IOAPIC takes ID ncpus; 64 keeps all of them
 * in the 8-bit xAPIC ID space, well clear of the 0xFF "all processors" ID.
 */
#define PLATFORM_TABLES_MAX_CPUS 64

#define PLATFORM_LAPIC_ADDR  0xFEE00000u
#define PLATFORM_IOAPIC_ADDR 0xFEC00000u
#define PLATFORM_OEM_ID	     "TINYVM" /* 6 characters: ACPI's OEMID field is exactly that wide */

/* The byte that makes [p, p + len) sum to zero, computed with that byte's slot still 0. */
static inline uint8_t platform_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return (uint8_t)-sum;
}

#endif
