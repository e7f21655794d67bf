/* How a VM ends: one enum from the devices and the exit dispatcher up to results and exit codes. */
#ifndef TINYVMM_BASE_VM_END_H
#define TINYVMM_BASE_VM_END_H

/*
 * A device asks for an end through its vm_stopper, exit_dispatch returns one (VM_END_NONE:
 * carry on), vm_stop records the first, and the VM's result carries it.
 */
enum vm_end {
	VM_END_NONE,	   /* not ended; from exit_dispatch: the vCPU carries on */
	VM_END_DEBUG_EXIT, /* isa-debug-exit: status = (v << 1) | 1 */
	VM_END_POWEROFF,   /* clean power-off (ACPI PM1a, KVM system event) */
	VM_END_RESET,	   /* keyboard controller pulse, port 0x92, KVM system event */
	VM_END_CRASH,	   /* triple fault, internal error, failed entry: a message says why */
	VM_END_STOPPED,	   /* stopped from outside (signal, population manager) */
};

/* The end as results, metrics and the control socket spell it: "poweroff", ...; "none". */
const char *vm_end_name(enum vm_end e);

/* The message a guest-asked end records ("guest reset", ...); NULL for CRASH, STOPPED, NONE,
 * whose callers say why themselves. */
const char *vm_end_message(enum vm_end e);

#endif
