/* The tiny BIOS's services, run in the VMM when the BIOS's stub for a vector traps: one exit per call. */
#ifndef TINYVMM_DEVICES_BIOS_BIOS_H
#define TINYVMM_DEVICES_BIOS_BIOS_H

#include <stdint.h>

#include "devices/device.h"
#include "devices/disk.h"
#include "vmm/bus.h"
#include "vmm/e820.h"
#include "vmm/guest_mem.h"

/*
 * The real-mode register file a service reads and writes. `flags` is the FLAGS image on
 * the caller's stack that the stub's IRET restores: services report CF (and ZF) there.
 * Segment bases are selector << 4 (real mode).
 */
struct bios_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es, ss, sp;
	uint16_t flags;
};

#define BIOS_FLAG_CF 0x0001
#define BIOS_FLAG_ZF 0x0040

#define BIOS_MAX_HARD_DISKS 2

/* Everything a service may touch; one per VM, no globals. */
struct bios_env {
	struct guest_mem *mem;
	struct io_bus *bus;	 /* ports, as firmware code would use them (RTC, UART) */
	struct disk *floppy;	 /* drive 0x00, or NULL */
	struct disk *hard[BIOS_MAX_HARD_DISKS]; /* drives 0x80, 0x81, or NULL */
	struct char_sink console; /* int 10h teletype output */
	struct e820_map e820;
	uint8_t boot_drive;
};

enum bios_outcome {
	BIOS_CONTINUE,	/* return to the caller */
	BIOS_NO_BOOT,	/* int 18h/19h found nothing bootable: the VM ends, saying so */
};

/* Runs service `vector` (0x10..0x1A) on `r`. Unknown functions return CF=1, AH=1. */
enum bios_outcome bios_service(struct bios_env *env, unsigned vector, struct bios_regs *r);

#endif
