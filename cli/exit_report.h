/* The -exit-stats report: how many exits to user space a VM took, and which devices caused them. */
#ifndef TINYVMM_CLI_EXIT_REPORT_H
#define TINYVMM_CLI_EXIT_REPORT_H

#include <stdio.h>

#include "vmm/vm.h"

void exit_report_print(FILE *out, const struct vm *vm, double seconds);

#endif
