/* GSI routing that matches a PC (IRQ0 on IOAPIC pin 2) and KVM_IRQ_LINE-backed IRQ lines for
 * devices. */
#include "vmm/vm_irq.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#define IOAPIC_PINS 24

static void route(struct kvm_irq_routing_entry *e, uint32_t gsi, uint32_t chip, uint32_t pin)
{
	*e = (struct kvm_irq_routing_entry){.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP};
	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

unsigned vm_irq_routing_entries(struct kvm_irq_routing_entry *e, unsigned cap)
{
	unsigned n = 0;
	for (uint32_t irq = 0; irq < 16 && n < cap; irq++) {
		if (irq == 2)
			continue; /* the cascade input is not a device line */
		route(&e[n++], irq, irq < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE,
		      irq % 8);
	}
	for (uint32_t gsi = 0; gsi < IOAPIC_PINS && n < cap; gsi++) {
		if (gsi == 2)
			continue;
		route(&e[n++], gsi, KVM_IRQCHIP_IOAPIC, gsi == 0 ? 2 : gsi);
	}
	return n;
}

int vm_irq_setup_routing(int vm_fd)
{
	enum { CAP = 48 };
	struct kvm_irq_routing *t = calloc(1, sizeof(*t) + CAP * sizeof(t->entries[0]));
	if (!t)
		return -ENOMEM;
	t->nr = vm_irq_routing_entries(t->entries, CAP);
	int r = ioctl(vm_fd, KVM_SET_GSI_ROUTING, t) ? -errno : 0;
	free(t);
	return r;
}

static void kvm_line_set(void *ctx, uint32_t gsi, int level)
{
	struct kvm_irq_level l = {.irq = gsi, .level = (uint32_t)(level != 0)};
	/* Can only fail if the VM is being torn down; a lost edge then is harmless. */
	(void)ioctl(*(int *)ctx, KVM_IRQ_LINE, &l);
}

/*
 * KVM_IRQ_LINE_STATUS says what the raise did: the sum over the controllers the GSI is
 * routed to of 1 (latched anew) or 0 (already pending: coalesced), -1 when all masked.
 * The 8259 tells coalesced edges apart; KVM's IOAPIC reports an edge-triggered pin as
 * delivered even when the local APIC still had the vector pending.
 */
static int kvm_line_edge(void *ctx, uint32_t gsi)
{
	int fd = *(int *)ctx;
	struct kvm_irq_level l = {.irq = gsi, .level = 1};
	int st = IRQ_EDGE_TAKEN;
	if (ioctl(fd, KVM_IRQ_LINE_STATUS, &l) == 0)
		st = l.status > 0    ? IRQ_EDGE_TAKEN
		     : l.status == 0 ? IRQ_EDGE_MERGED
				     : IRQ_EDGE_MASKED;
	else
		kvm_line_set(ctx, gsi, 1); /* no status from this KVM: count it taken */
	kvm_line_set(ctx, gsi, 0);
	return st;
}

struct irq_line vm_irq_line(int *vm_fd, uint32_t gsi)
{
	return (struct irq_line){
	    .set = kvm_line_set, .edge = kvm_line_edge, .ctx = vm_fd, .gsi = gsi};
}
