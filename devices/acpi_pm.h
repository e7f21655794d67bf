/* ACPI fixed power-management hardware: PM1a event/control blocks and the PM timer (SCI on IRQ 9).
 */
#ifndef TINYVMM_DEVICES_ACPI_PM_H
#define TINYVMM_DEVICES_ACPI_PM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/timer.h"

/*
 * Port layout, one range registered on [ACPI_PM_BASE, ACPI_PM_BASE + ACPI_PM_LEN). The
 * FADT builder takes its PM1a_EVT_BLK, PM1a_CNT_BLK, PM_TMR_BLK and *_LEN fields from
 * here, with TMR_VAL_EXT = 0 (24-bit timer) and SCI_INT = ACPI_PM_SCI_IRQ.
 */
#define ACPI_PM_BASE		0x600
#define ACPI_PM_LEN		0x0C
#define ACPI_PM1A_EVT_BLK	ACPI_PM_BASE /* PM1_STS, then PM1_EN */
#define ACPI_PM1_EVT_LEN	4
#define ACPI_PM1_STS		(ACPI_PM_BASE + 0x0)
#define ACPI_PM1_EN		(ACPI_PM_BASE + 0x2)
#define ACPI_PM1A_CNT_BLK	(ACPI_PM_BASE + 0x4)
#define ACPI_PM1_CNT_LEN	2
#define ACPI_PM_TMR_BLK		(ACPI_PM_BASE + 0x8)
#define ACPI_PM_TMR_LEN		4
#define ACPI_PM_SCI_IRQ		9 /* ISA IRQ, level triggered */
#define ACPI_PM_TIMER_HZ	3579545u
#define ACPI_PM_TIMER_MASK	0xFFFFFFu
#define ACPI_PM_TIMER_CARRY_BIT 23 /* TMR_STS is set whenever this counter bit flips */

/* PM1_STS (write 1 to clear) and PM1_EN bits. */
#define ACPI_PM1_TMR_STS    0x0001
#define ACPI_PM1_PWRBTN_STS 0x0100
#define ACPI_PM1_WAK_STS    0x8000
#define ACPI_PM1_TMR_EN	    0x0001
#define ACPI_PM1_PWRBTN_EN  0x0100

/* PM1_CNT bits. */
#define ACPI_PM1_SCI_EN	       0x0001
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK  0x1C00
#define ACPI_PM1_SLP_EN	       0x2000

/* The SLP_TYP value that means soft-off; the DSDT's \_S5 package must report the same. */
#define ACPI_PM_SLP_TYP_S5 0

struct acpi_pm_config {
	struct irq_line sci;	   /* ISA IRQ 9, held high while an enabled event is pending */
	struct timer_base *timers; /* clock of the PM timer, and the TMR_STS deadline */
	struct vm_stopper stopper; /* receives VM_END_POWEROFF on SLP_EN with S5 */
};

/*
 * All state; defined here so a VM can embed it. Touch only through the functions below
 * (tests may read the counters).
 *
 * Behaviour worth knowing:
 * - The timer counts from 0 at init and is computed from the clock when read. TMR_STS is
 *   derived from the clock too; a host timer runs only while TMR_EN is set and TMR_STS
 *   is clear, i.e. only when a carry would raise the SCI.
 * - SCI_EN starts set: there is no SMM to hand events to, so the hardware is in ACPI
 *   mode from reset (the FADT will say SMI_CMD = 0). The SCI follows STS & EN alone.
 * - PM1_EN keeps every bit the spec defines (GBL, SLPBTN, RTC, PCIEXP_WAKE_DIS too), so
 *   an OS that enables an event and reads it back sees it stick; only the timer and the
 *   power button ever set their status bits.
 * - SLP_EN with a SLP_TYP other than S5 is ignored (no S1-S4) and counted.
 */
struct acpi_pm {
	pthread_mutex_t lock;
	struct irq_line sci;
	struct timer_base *timers;
	struct vm_stopper stopper;
	struct timer timer; /* next carry of the timer's bit 23 */
	bool timer_armed;
	uint64_t timer_deadline;
	uint64_t start_ns; /* clock value at which the PM timer read 0 */
	uint64_t carries;  /* bit-23 flips already folded into TMR_STS */
	uint16_t sts;	   /* PM1_STS */
	uint16_t en;	   /* PM1_EN */
	uint16_t cnt;	   /* PM1_CNT's stored bits (SLP_EN and GBL_RLS are write-only) */
	bool sci_level;
	unsigned poweroffs;	 /* SLP_EN writes with S5 */
	unsigned ignored_sleeps; /* SLP_EN writes with any other SLP_TYP */
	uint16_t last_ignored_slp_typ;
};

/* 0, -EINVAL for a missing timer base, or the mutex error (negated). */
int acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_config *cfg);
/* Detaches the timer (waits for a fire in progress); call before freeing `pm`. */
void acpi_pm_destroy(struct acpi_pm *pm);

/* Host side: a press of the power button (sets PWRBTN_STS; SCI if PWRBTN_EN). */
void acpi_pm_press_power_button(struct acpi_pm *pm);

extern const struct io_ops acpi_pm_io_ops; /* `dev` is the struct acpi_pm */

/*
 * Snapshot: the PM timer origin, PM1 status, enable and control -- the struct from `timer_armed`
 * on, which holds no pointer -- as acpi_pm_state_size() bytes, its times on the timer_base clock as
 * they were at capture. Load replaces the state of an initialised device, moves every time by
 * `delta_ns` (the clock now minus the clock at capture) and re-arms its timer. 0 or -errno.
 */
size_t acpi_pm_state_size(void);
void acpi_pm_save(struct acpi_pm *d, void *out);
int acpi_pm_load(struct acpi_pm *d, const void *in, uint64_t delta_ns);

#endif
