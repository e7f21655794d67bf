/* What the root task's files share: its thread id, its threads and its use of the anon zone. */
#ifndef TINYVMM_GUESTS_L4_ROOTTASK_H
#define TINYVMM_GUESTS_L4_ROOTTASK_H

#include <stdint.h>

#include "l4/abi.h"

/* Threads the self-tests create (abi.h: the root task numbers them from L4_FIRST_USER_TID). */
#define RT_PONG_TID (L4_FIRST_USER_TID + 0) /* app=ipc: in an address space of its own */
#define RT_BAD_TID  (L4_FIRST_USER_TID + 1) /* app=fault: in the root task's space */

/*
 * The root task's use of [L4_ANON_START, L4_ANON_END), where sigma0 serves fresh pages.
 * Regions never overlap, and a free page lies between them, so no stack runs into another
 * region before it runs out of its own page.
 */
#define RT_FRESH_BASE	   L4_ANON_START /* app=fault's fresh pages */
#define RT_FRESH_MAX_PAGES 256u
#define RT_PONG_STACK_TOP  (L4_ANON_START + 0x102000ull) /* one page below it */
#define RT_BAD_STACK_TOP   (L4_ANON_START + 0x104000ull) /* one page below it */

/* An address neither image nor anon zone: sigma0 refuses it, so the kernel stops the thread. */
#define RT_FORBIDDEN_ADDR 0x3000ull

/* The shim's own thread id; set once by roottask_main before anything calls the shim. */
void shim_l4_init(uint64_t self);
uint64_t shim_l4_self(void);

/* Prints "roottask: ..." on the kernel console: why a self-test failed, in the shim's words. */
void rt_say(const char *msg);

_Noreturn void roottask_main(uint64_t self, const struct l4_kip *kip);

#endif
