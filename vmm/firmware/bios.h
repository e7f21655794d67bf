/* The tiny BIOS's services, run in the VMM when the BIOS's stub for a vector traps: one exit per
 * call. */
#ifndef TINYVMM_VMM_FIRMWARE_BIOS_H
#define TINYVMM_VMM_FIRMWARE_BIOS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/disk.h"
#include "vmm/bus.h"
#include "vmm/e820.h"
#include "abi/bios_abi.h"
#include "vmm/guest_mem.h"

/*
 * The real-mode register file a service reads and writes. `flags` is the FLAGS image on
 * the caller's stack that the stub's IRET restores: services report CF (and ZF) there.
 * Segment bases are selector << 4 (real mode). ds, es, ss and sp are inputs only: the exit
 * hook writes back the general registers and the FLAGS image, never segments, SP or IP.
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
	struct io_bus *bus;  /* ports, as firmware code would use them (RTC, UART) */
	struct disk *floppy; /* drive 0x00, or NULL */
	struct disk *hard[BIOS_MAX_HARD_DISKS]; /* drives 0x80, 0x81, or NULL */
	struct char_sink console;		/* int 10h teletype output */
	struct e820_map e820;
	uint8_t boot_drive;
	char why[160]; /* set when a call returns BIOS_NO_BOOT or bios_install() fails */
	_Atomic uint64_t calls[BIOS_STUB_COUNT]; /* service calls per vector, BIOS_STUB_FIRST + i */
	const _Atomic bool
	    *stopping; /* the VM's stop flag, or NULL: long waits end when it is set */
};

enum bios_outcome {
	BIOS_CONTINUE, /* return to the caller */
	BIOS_NO_BOOT,  /* int 18h/19h found nothing bootable: the VM ends, saying so */
};

/* Runs service `vector` (0x10..0x1A) on `r`. Unknown functions return CF=1, AH=1. */
enum bios_outcome bios_service(struct bios_env *env, unsigned vector, struct bios_regs *r);

/*
 * Firmware boot, step 1: copies the embedded blob to PLATFORM_BIOS_BASE (after checking its
 * magic and ABI version), fills the 256 IVT vectors, the BIOS data area and the EBDA, and
 * patches the diskette and fixed-disk parameter tables from env's disks. Reads the RTC
 * through env->bus for the BDA tick count. Touches only [0, 0x500), the EBDA, the first
 * text page at 0xB8000 (cleared) and the blob's range, so ACPI and MP tables may be built
 * before or after. 0, or -ENOSPC when RAM does not cover the first MiB, -EINVAL for a bad
 * image; env->why says which.
 */
int bios_install(struct bios_env *env);
/* The same with another image (tests, or a blob from a file). */
int bios_install_image(struct bios_env *env, const uint8_t *image, size_t size);

/* The CPU state a boot sector starts in: real mode, each segment base = selector << 4. */
struct bios_entry {
	uint16_t cs, ip; /* 0000:7C00 */
	uint16_t ss, sp; /* a stack just below the boot sector */
	uint16_t ds, es; /* also for FS and GS */
	uint32_t edx;	 /* DL = boot drive; every other general register is 0 */
	uint32_t eflags; /* IF set, as PC firmware leaves it */
};

/*
 * Firmware boot, step 2: reads the first sector of env->boot_drive to 0000:7C00 and fills
 * `entry`. BIOS_NO_BOOT when the drive is absent, empty, shorter than a sector, unreadable
 * or lacks the 0xAA55 signature; env->why names the drive and the reason.
 */
enum bios_outcome bios_boot(struct bios_env *env, struct bios_entry *entry);

/*
 * The BIOS service port as a bus device, its dev the struct bios_env:
 *   bus_register(bus, BIOS_SERVICE_PORT, 1, &bios_port_ops, &env, "bios-service");
 * A one-byte OUT there by a vCPU runs bios_port_handle with that vCPU's exit_env.
 */
extern const struct io_ops bios_port_ops;

/*
 * One call through the port by the vCPU of `xenv`, ctx the struct bios_env. Returns an enum vm_end:
 * VM_END_NONE, or VM_END_CRASH with the exit_env's why set (no bootable disk, unreadable registers,
 * a caller stack outside RAM).
 */
struct exit_env;
int bios_port_handle(void *ctx, struct exit_env *xenv, uint8_t value);

#endif
