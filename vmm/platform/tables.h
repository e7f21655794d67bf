/* The firmware tables every VM gets: ACPI (RSDP, RSDT, FADT, FACS, DSDT, MADT) and the Intel MP table. */
#ifndef TINYVMM_VMM_PLATFORM_TABLES_H
#define TINYVMM_VMM_PLATFORM_TABLES_H

#include "vmm/guest_mem.h"

/*
 * ACPI 1.0-style tables in [PLATFORM_ACPI_BASE, PLATFORM_ACPI_END): RSDP revision 0 at
 * PLATFORM_ACPI_BASE, an RSDT listing FACP first, then APIC (MADT: one processor local APIC
 * per vCPU with APIC IDs 0..ncpus-1, the IOAPIC at 0xFEC00000 with GSI base 0, the
 * IRQ0 -> GSI 2 override and SCI (IRQ 9) level/active-high override, LINT1 NMI), a FADT
 * pointing at the ACPI PM block (devices/acpi_pm.h) and a DSDT whose \_S5 is
 * ACPI_PM_SLP_TYP_S5. Checksums valid. 0, or -ENOSPC when RAM does not cover the area.
 */
int acpi_tables_build(struct guest_mem *m, unsigned ncpus);

/*
 * Intel MP table, spec 1.4: the floating pointer at PLATFORM_MP_FLOAT and a configuration
 * table at PLATFORM_MP_CONFIG (processors, ISA bus, IOAPIC, I/O interrupt entries for ISA
 * IRQs 0-15 with IRQ 0 on pin 2, local interrupts ExtINT on LINT0 and NMI on LINT1).
 * 0 or -ENOSPC.
 */
int mp_table_build(struct guest_mem *m, unsigned ncpus);

#endif
