/* Recording fakes of the device contract (IRQ lines, sinks, stoppers) for unit tests. */
#ifndef TINYVMM_TESTS_FAKES_H
#define TINYVMM_TESTS_FAKES_H

#include "devices/device.h"

struct fake_irq {
	int level;
	unsigned rises; /* 0 -> 1 transitions seen */
	uint32_t last_gsi;
	int edge_status; /* what irq_pulse_status() edges report (IRQ_EDGE_TAKEN at first) */
	unsigned taken;	 /* edges reported IRQ_EDGE_TAKEN */
};
struct irq_line fake_irq_line(struct fake_irq *f, uint32_t gsi);

struct fake_sink {
	uint8_t buf[4096];
	size_t len;
};
struct char_sink fake_sink_of(struct fake_sink *f);

struct fake_stopper {
	int stops;
	enum vm_end kind;
	int status;
};
struct vm_stopper fake_stopper_of(struct fake_stopper *f);

#endif
