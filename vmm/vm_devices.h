/* The PC devices every VM gets, created, wired to its bus and IRQ lines, and torn down together. */
#ifndef TINYVMM_VMM_VM_DEVICES_H
#define TINYVMM_VMM_VM_DEVICES_H

#include <stddef.h>

struct vm;
struct vm_config;

/* 0, or -errno with a one-line reason in err (everything created so far is undone). */
int vm_devices_init(struct vm *vm, const struct vm_config *cfg, char *err, size_t errlen);
void vm_devices_destroy(struct vm *vm);

#endif
