/* Firmware boot of a VM (the BIOS installed, the chipset set up as PC firmware leaves it, the boot
 * sector entered), and the choice between it and direct boot. */
#ifndef TINYVMM_VMM_VM_FIRMWARE_H
#define TINYVMM_VMM_VM_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct boot_request;

enum vm_firmware_result {
	VM_FIRMWARE_OK = 0,
	VM_FIRMWARE_NO_BOOT = 1, /* nothing bootable on the boot drive: err says why */
};

/*
 * Installs the BIOS and the ACPI/MP tables, programs the PICs (vectors 0x08/0x70) and the
 * PIT (18.2 Hz) as a PC BIOS leaves them, loads the boot sector of `boot_drive` (0x00 or
 * 0x80) and puts vCPU 0 at 0000:7C00 with DL = boot_drive; other vCPUs wait for SIPI.
 * Returns VM_FIRMWARE_OK, VM_FIRMWARE_NO_BOOT, or -errno; err holds the reason.
 */
int vm_load_firmware(struct vm *vm, uint8_t boot_drive, char *err, size_t errlen);

/*
 * The one choice between the two ways in, for tinyvmm run and every population guest alike:
 * with `direct` (a direct-boot kernel, its modules and command line), vm_load; without,
 * vm_load_firmware from `boot_drive`. Returns VM_FIRMWARE_OK, VM_FIRMWARE_NO_BOOT, -EINVAL
 * when the direct-boot kernel cannot be loaded, or -errno when firmware set-up fails on the
 * host; err holds the reason.
 */
int vm_boot(struct vm *vm, const struct boot_request *direct, uint8_t boot_drive, char *err,
	    size_t errlen);

#endif
