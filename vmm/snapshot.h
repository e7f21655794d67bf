/* Snapshot and restore of one whole VM: capture a paused VM into a file image, restore one. */
#ifndef TINYVMM_VMM_SNAPSHOT_H
#define TINYVMM_VMM_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/snap_format.h"

struct vm;

/*
 * Pauses the VM (every vCPU parked outside KVM_RUN with its last exit completed), captures
 * vCPUs, irqchip, kernel PIT, clock, device models and RAM into a file image (*out, *outlen,
 * free() it), and leaves the VM paused: vm_resume continues it. 0, or -errno with a reason.
 * Call it from the VM's owner thread (it makes KVM VM and vCPU ioctls, which the vCPU
 * threads' allow-list does not have).
 */
int vm_snapshot_capture(struct vm *vm, uint8_t **out, size_t *outlen, char *err, size_t errlen);

/*
 * Puts a checked snapshot (snap_open) into a VM created, not loaded or started, with the
 * snapshot's RAM size, vCPU count and PIT kind, and this host's disks. Device deadlines
 * move by the VM's timer clock now minus the clock at capture, which must not be negative
 * (start the timer service at the capture's clock). 0, or -errno with a reason.
 */
int vm_snapshot_restore(struct vm *vm, const struct snap_reader *r, char *err, size_t errlen);

/* Writes a captured image to `path` (through path.tmp, renamed: never half a file). 0 or
 * -errno. On the owner's thread: the vCPU threads' allow-list has no files. */
int vm_snapshot_write(const char *path, const uint8_t *data, size_t len);

/* The header a VM would be captured with (no clock), to compare a snapshot's config with. */
void vm_snapshot_config(const struct vm *vm, struct snap_header *h);

#endif
