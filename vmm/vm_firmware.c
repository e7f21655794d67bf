/* Firmware boot: BIOS, tables, PIC and PIT state, and the real-mode entry at the boot sector. */
#include "vmm/vm_firmware.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "devices/pit.h"
#include "vmm/cpu_setup.h"
#include "abi/bios_abi.h"
#include "vmm/vm_internal.h"

#define PIC_MASTER_BASE 0x08
#define PIC_SLAVE_BASE	0x70
/* Unmasked: IRQ0 (the BIOS tick) and IRQ2 (the cascade); the OS unmasks the rest. */
#define PIC_MASTER_IMR 0xFA
#define PIC_SLAVE_IMR  0xFF

static int set_pic(int vm_fd, uint32_t chip, uint8_t base, uint8_t imr)
{
	struct kvm_irqchip c;
	memset(&c, 0, sizeof(c));
	c.chip_id = chip;
	if (ioctl(vm_fd, KVM_GET_IRQCHIP, &c))
		return -errno;
	struct kvm_pic_state *p = &c.chip.pic;
	p->irq_base = base;
	p->imr = imr;
	p->irr = p->isr = 0;
	p->init_state = 0; /* initialization done: ICW1-4 as a BIOS would have sent them */
	p->init4 = 1;
	p->auto_eoi = 0;
	p->read_reg_select = 0;
	return ioctl(vm_fd, KVM_SET_IRQCHIP, &c) ? -errno : 0;
}

/* Channel 0 in mode 3 with count 0 (65536): the 18.2 Hz tick DOS-era code expects. */
static int start_bios_tick(struct vm *vm)
{
	if (vm->dev.user_pit) {
		bus_write(&vm->bus, PIT_IO_BASE + 3, 1, 0x36); /* mode/command */
		bus_write(&vm->bus, PIT_IO_BASE, 1, 0x00);     /* channel 0 count, low byte */
		bus_write(&vm->bus, PIT_IO_BASE, 1, 0x00);     /* and high */
		return 0;
	}
	struct kvm_pit_state2 ps;
	if (ioctl(vm->fd, KVM_GET_PIT2, &ps))
		return -errno;
	ps.channels[0].count = 0x10000;
	ps.channels[0].mode = 3;
	ps.channels[0].rw_mode = 3; /* lsb then msb */
	ps.channels[0].gate = 1;
	return ioctl(vm->fd, KVM_SET_PIT2, &ps) ? -errno : 0;
}

static struct kvm_segment real_segment(uint16_t sel, uint8_t type)
{
	return (struct kvm_segment){.base = (uint64_t)sel << 4,
				    .limit = 0xFFFF,
				    .selector = sel,
				    .type = type,
				    .present = 1,
				    .s = 1};
}

static int enter_boot_sector(int vcpu_fd, const struct bios_entry *e)
{
	struct kvm_sregs s;
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &s))
		return -errno;
	s.cs = real_segment(e->cs, 0xB);
	s.ss = real_segment(e->ss, 0x3);
	s.ds = real_segment(e->ds, 0x3);
	s.es = s.fs = s.gs = real_segment(e->es, 0x3);
	s.cr0 &= ~1ULL; /* real mode, whatever the reset state said */
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &s))
		return -errno;
	struct kvm_regs r;
	memset(&r, 0, sizeof(r));
	r.rip = e->ip;
	r.rsp = e->sp;
	r.rdx = e->edx;
	r.rflags = e->eflags | 0x2;
	return ioctl(vcpu_fd, KVM_SET_REGS, &r) ? -errno : 0;
}

int vm_load_firmware(struct vm *vm, uint8_t boot_drive, char *err, size_t errlen)
{
	struct bios_env *b = &vm->bios;
	int r;
	b->boot_drive = boot_drive;
	if ((r = bios_install(b))) {
		snprintf(err, errlen, "cannot install the BIOS: %s", b->why);
		return r;
	}
	if ((r = vm_platform_tables(vm))) {
		snprintf(err, errlen, "cannot build the ACPI/MP tables: %s", strerror(-r));
		return r;
	}
	if ((r = set_pic(vm->fd, KVM_IRQCHIP_PIC_MASTER, PIC_MASTER_BASE, PIC_MASTER_IMR)) ||
	    (r = set_pic(vm->fd, KVM_IRQCHIP_PIC_SLAVE, PIC_SLAVE_BASE, PIC_SLAVE_IMR))) {
		snprintf(err, errlen, "cannot program the PICs: %s", strerror(-r));
		return r;
	}
	if ((r = start_bios_tick(vm))) {
		snprintf(err, errlen, "cannot program the PIT: %s", strerror(-r));
		return r;
	}
	/* once per VM: a reset boots through here again with the port already on the bus */
	struct bus_range *port = bus_find(&vm->bus, BIOS_SERVICE_PORT);
	if (!port &&
	    (r = bus_register(&vm->bus, BIOS_SERVICE_PORT, 1, &bios_port_ops, b, "bios-service"))) {
		snprintf(err, errlen, "cannot put the BIOS service port on the bus: %s",
			 strerror(-r));
		return r;
	}
	if (port && port->ops != &bios_port_ops) {
		snprintf(err, errlen, "port 0x%x, the BIOS's, is taken by %s", BIOS_SERVICE_PORT,
			 port->name);
		return -EBUSY;
	}
	struct bios_entry entry;
	if (bios_boot(b, &entry) == BIOS_NO_BOOT) {
		snprintf(err, errlen, "%s", b->why);
		return VM_FIRMWARE_NO_BOOT;
	}
	struct boot_entry real = {.mode = CPU_REAL16};
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		const char *what = "";
		r = cpu_setup_boot(vm->vcpus[i].fd, vm->host, i, vm->nvcpus, &real, &what);
		if (!r && i == 0 && (r = enter_boot_sector(vm->vcpus[0].fd, &entry)))
			what = "real-mode entry";
		if (r) {
			snprintf(err, errlen, "vCPU %u: %s: %s", i, what, strerror(-r));
			return r;
		}
	}
	return VM_FIRMWARE_OK;
}

int vm_boot(struct vm *vm, const struct boot_request *direct, uint8_t boot_drive, char *err,
	    size_t errlen)
{
	if (direct)
		return vm_load(vm, direct, err, errlen) ? -EINVAL : VM_FIRMWARE_OK;
	return vm_load_firmware(vm, boot_drive, err, errlen);
}
