/* Interrupt wiring of a VM: the PC's ISA IRQ to PIC/IOAPIC routing, and the line devices raise. */
#ifndef TINYVMM_VMM_VM_IRQ_H
#define TINYVMM_VMM_VM_IRQ_H

#include <linux/kvm.h>
#include <stdint.h>

#include "devices/device.h"

/*
 * ISA IRQ n goes to PIC pin n and IOAPIC pin n, except IRQ 0, which reaches IOAPIC pin 2
 * (the override every PC firmware's MADT announces); IOAPIC pins 16-23 are GSIs 16-23.
 * 0 or -errno.
 */
int vm_irq_setup_routing(int vm_fd);

/* Fills the routing table that vm_irq_setup_routing installs; returns the entry count. */
unsigned vm_irq_routing_entries(struct kvm_irq_routing_entry *e, unsigned cap);

/* An irq_line whose set() is KVM_IRQ_LINE on `vm_fd`; vm_fd is stored in ctx. */
struct irq_line vm_irq_line(int *vm_fd, uint32_t gsi);

#endif
