/* Unit tests of the pure parts of vCPU setup: entry registers and the IRQ routing table. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/boot/layout.h"
#include "vmm/cpu_setup.h"
#include "vmm/vm_irq.h"

Test(cpu_setup, protected_mode_entry_is_flat_and_unpaged)
{
	struct boot_entry e = {.mode = CPU_PROT32,
			       .rip = 0x100000,
			       .rax = 0x2BADB002,
			       .rbx = 0x8000,
			       .gdt_base = 0x500,
			       .gdt_limit = 31};
	struct kvm_sregs s;
	memset(&s, 0, sizeof(s));
	cpu_sregs_for_entry(&s, &e);
	cr_assert_eq(s.cr0 & 0x80000001u, 1, "PE on, PG off");
	cr_assert_eq(s.efer, 0);
	cr_assert_eq(s.cs.selector, BOOT_SEL_CODE32);
	cr_assert_eq(s.cs.db, 1);
	cr_assert_eq(s.cs.l, 0);
	cr_assert_eq(s.cs.limit, 0xFFFFFFFFu);
	cr_assert_eq(s.ds.selector, BOOT_SEL_DATA);
	cr_assert_eq(s.ss.base, 0);
	cr_assert_eq(s.gdt.base, 0x500);
	struct kvm_regs r;
	cpu_regs_for_entry(&r, &e);
	cr_assert_eq(r.rip, 0x100000);
	cr_assert_eq(r.rax, 0x2BADB002);
	cr_assert_eq(r.rbx, 0x8000);
	cr_assert_eq(r.rflags & 0x200, 0, "IF=0 as multiboot requires");
}

Test(cpu_setup, long_mode_entry)
{
	struct boot_entry e = {.mode = CPU_LONG64, .rip = 0x100200, .rsi = 0x7000, .cr3 = 0x1000};
	struct kvm_sregs s;
	memset(&s, 0, sizeof(s));
	cpu_sregs_for_entry(&s, &e);
	cr_assert_eq(s.cr0 & 0x80000001u, 0x80000001u);
	cr_assert(s.cr4 & 0x20, "PAE");
	cr_assert_eq(s.efer & 0x500, 0x500, "LME and LMA");
	cr_assert_eq(s.cr3, 0x1000);
	cr_assert_eq(s.cs.selector, BOOT_SEL_CODE64);
	cr_assert_eq(s.cs.l, 1);
	cr_assert_eq(s.cs.db, 0);
	struct kvm_regs r;
	cpu_regs_for_entry(&r, &e);
	cr_assert_eq(r.rsi, 0x7000);
}

Test(vm_irq, isa_routing_puts_irq0_on_ioapic_pin2)
{
	struct kvm_irq_routing_entry e[48];
	unsigned n = vm_irq_routing_entries(e, 48);
	int irq0_pic = 0, irq0_ioapic_pin = -1, irq8_slave = 0, gsi2 = 0, gsi23 = 0;
	for (unsigned i = 0; i < n; i++) {
		cr_assert_eq(e[i].type, KVM_IRQ_ROUTING_IRQCHIP);
		if (e[i].gsi == 2)
			gsi2++;
		if (e[i].gsi == 0 && e[i].u.irqchip.irqchip == KVM_IRQCHIP_PIC_MASTER)
			irq0_pic = e[i].u.irqchip.pin == 0;
		if (e[i].gsi == 0 && e[i].u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC)
			irq0_ioapic_pin = (int)e[i].u.irqchip.pin;
		if (e[i].gsi == 8 && e[i].u.irqchip.irqchip == KVM_IRQCHIP_PIC_SLAVE)
			irq8_slave = e[i].u.irqchip.pin == 0;
		if (e[i].gsi == 23 && e[i].u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC)
			gsi23 = 1;
	}
	cr_assert(irq0_pic);
	cr_assert_eq(irq0_ioapic_pin, 2);
	cr_assert(irq8_slave);
	cr_assert_eq(gsi2, 0, "the cascade is not a device line");
	cr_assert(gsi23);
	cr_assert_eq(n, 15 + 23);
}

/* Pure64-era kernels (the bm guest) program the RTC's periodic interrupt on IOAPIC pin 8,
 * with no MADT override for IRQ 8: GSI 8 must reach that pin (and the slave 8259's pin 0). */
Test(vm_irq, rtc_irq8_reaches_ioapic_pin8)
{
	struct kvm_irq_routing_entry e[48];
	unsigned n = vm_irq_routing_entries(e, 48);
	int ioapic_pin = -1, routes = 0;
	for (unsigned i = 0; i < n; i++) {
		if (e[i].gsi != 8)
			continue;
		routes++;
		if (e[i].u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC)
			ioapic_pin = (int)e[i].u.irqchip.pin;
	}
	cr_assert_eq(ioapic_pin, 8);
	cr_assert_eq(routes, 2, "GSI 8: the slave 8259 and the IOAPIC, nothing else");
}
