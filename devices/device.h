/* The contract between device models and the VM that hosts them: port ops, IRQ lines, sinks. */
#ifndef TINYVMM_DEVICES_DEVICE_H
#define TINYVMM_DEVICES_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/vm_end.h"

/*
 * Who makes a port access and what it asks of the VM, for the rare device that needs to know:
 * the accessing vCPU's exit context (vmm's struct exit_env; NULL when host code or a test
 * makes the access), how many accesses its instruction makes (a string OUT's count), and an
 * end the device may ask for (VM_END_NONE: the vCPU carries on).
 */
struct io_ctx {
	void *vcpu;
	uint32_t count;
	enum vm_end end;
};

/*
 * Port-I/O handlers. `offset` is relative to the base the device was registered at;
 * `size` is 1, 2 or 4. Reads return the value zero-extended; a device that does not
 * decode a register returns all ones, as an open ISA bus does.
 */
struct io_ops {
	uint32_t (*read)(void *dev, uint16_t offset, unsigned size);
	void (*write)(void *dev, uint16_t offset, unsigned size, uint32_t value);
	/*
	 * true: an 8-bit ISA device. Its handlers see size 1 alone: the bus (vmm/bus.h) turns
	 * a 16- or 32-bit access into byte accesses at consecutive offsets, as ISA does, bytes
	 * past the device's ports reading all ones and writes to them dropped.
	 */
	bool byte_regs;
	/* Optional, used instead of write when set: a write that needs the accessing vCPU (the
	 * BIOS service port, which works on its registers). Never split into bytes. */
	void (*write_ctx)(void *dev, struct io_ctx *ctx, uint16_t offset, unsigned size,
			  uint32_t value);
	/* With byte_regs: offsets (below 32) that take wide accesses whole, such as a data port
	 * that streams 16- and 32-bit transfers. */
	uint32_t whole_at;
};

/*
 * An interrupt line into the VM's interrupt controllers. `gsi` is the ISA IRQ number
 * (identity-mapped to the PIC and the IOAPIC pin, except IRQ0 which KVM routes itself).
 * set() may be called from any thread; the VM side must be thread safe.
 */
struct irq_line {
	void (*set)(void *ctx, uint32_t gsi, int level);
	/*
	 * Optional: one edge (raise, lower) that says what became of it: IRQ_EDGE_TAKEN when an
	 * interrupt controller latched it anew, IRQ_EDGE_MERGED when it merged with an earlier
	 * edge the guest has not taken yet (that interrupt is lost unless sent again), or
	 * IRQ_EDGE_MASKED when every controller it reaches masks it. NULL: set() twice, taken.
	 */
	int (*edge)(void *ctx, uint32_t gsi);
	void *ctx;
	uint32_t gsi;
};

enum { IRQ_EDGE_MASKED = -1, IRQ_EDGE_MERGED = 0, IRQ_EDGE_TAKEN = 1 };

static inline void irq_set(const struct irq_line *l, int level)
{
	if (l->set)
		l->set(l->ctx, l->gsi, level);
}

/* An ISA edge: the PIC latches on the rising edge, so raise and lower at once. */
static inline void irq_pulse(const struct irq_line *l)
{
	irq_set(l, 1);
	irq_set(l, 0);
}

/* irq_pulse that says whether the edge was taken, merged or masked (IRQ_EDGE_*). */
static inline int irq_pulse_status(const struct irq_line *l)
{
	if (l->edge)
		return l->edge(l->ctx, l->gsi);
	irq_pulse(l);
	return IRQ_EDGE_TAKEN;
}

/* Where a device's output bytes go (serial console, logs, test buffers). */
struct char_sink {
	void (*write)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
};

static inline void sink_write(const struct char_sink *s, const uint8_t *buf, size_t len)
{
	if (s->write)
		s->write(s->ctx, buf, len);
}

/*
 * Where the report port's milestones go (devices/report.h). Called on the vCPU thread that
 * made the report, with the host time it arrived (CLOCK_MONOTONIC ns, or the injected
 * clock). Must be thread safe: a VM with several vCPUs may report from each.
 */
struct report_sink {
	void (*report)(void *ctx, uint64_t host_ns, unsigned event, uint32_t value);
	void *ctx;
};

/* A device's way to end its VM (DEBUG_EXIT, RESET or POWEROFF); called from the vCPU thread that
 * did the I/O. */
struct vm_stopper {
	void (*stop)(void *ctx, enum vm_end kind, int status);
	void *ctx;
};

static inline void vm_request_stop(const struct vm_stopper *s, enum vm_end kind, int status)
{
	if (s->stop)
		s->stop(s->ctx, kind, status);
}

/*
 * A snapshot's device state is a byte copy, and a damaged file may hold any byte where a
 * bool lives, which C may not read as a bool: loads pass every bool through this first.
 */
static inline void snap_fix_bool(bool *b)
{
	unsigned char c;
	memcpy(&c, b, 1);
	c = c != 0;
	memcpy(b, &c, 1);
}

#endif
