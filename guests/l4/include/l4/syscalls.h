/* Inline system-call stubs for L4 user programs (sigma0, the root task): the ABI of abi.h as C functions. */
#ifndef TINYVMM_GUESTS_L4_SYSCALLS_H
#define TINYVMM_GUESTS_L4_SYSCALLS_H

#include <stdint.h>

#include "l4/abi.h"

/* A message: MR0 (the tag) .. MR6. */
struct l4_msg {
	uint64_t mr[L4_MAX_MRS];
};

static inline const struct l4_kip *l4_kip(void)
{
	return (const struct l4_kip *)L4_KIP_VADDR;
}

/*
 * One IPC (abi.h, L4_SYS_IPC). *msg is sent (if to != NIL) and overwritten with what was
 * received (if a receive phase happened and succeeded); *from gets the sender.
 */
static inline uint64_t l4_ipc(uint64_t to, uint64_t from_spec, uint64_t timeouts,
			      struct l4_msg *msg, uint64_t *from)
{
	register uint64_t r8 __asm__("r8") = msg->mr[0];
	register uint64_t r9 __asm__("r9") = msg->mr[1];
	register uint64_t r10 __asm__("r10") = msg->mr[2];
	register uint64_t r12 __asm__("r12") = msg->mr[3];
	register uint64_t r13 __asm__("r13") = msg->mr[4];
	register uint64_t r14 __asm__("r14") = msg->mr[5];
	register uint64_t r15 __asm__("r15") = msg->mr[6];
	uint64_t rax = L4_SYS_IPC, rsi = from_spec;
	__asm__ volatile("int $0x30"
			 : "+a"(rax), "+S"(rsi), "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r12),
			   "+r"(r13), "+r"(r14), "+r"(r15)
			 : "D"(to), "d"(timeouts)
			 : "memory");
	if (rax == L4_OK) {
		msg->mr[0] = r8;
		msg->mr[1] = r9;
		msg->mr[2] = r10;
		msg->mr[3] = r12;
		msg->mr[4] = r13;
		msg->mr[5] = r14;
		msg->mr[6] = r15;
		if (from)
			*from = rsi;
	}
	return rax;
}

/* Sleeps `us` microseconds (a receive from oneself that times out); `self` is the caller's tid. */
static inline void l4_sleep_us(uint64_t self, uint32_t us)
{
	struct l4_msg m = {{0}};
	l4_ipc(L4_NILTHREAD, self, L4_TIMEOUTS(0, us), &m, 0);
}

static inline uint64_t l4_thread_control(uint64_t tid, uint64_t space, uint64_t pager, uint64_t ip,
					 uint64_t sp)
{
	register uint64_t r10 __asm__("r10") = ip;
	register uint64_t r8 __asm__("r8") = sp;
	uint64_t rax = L4_SYS_THREAD_CONTROL;
	__asm__ volatile("int $0x30"
			 : "+a"(rax)
			 : "D"(tid), "S"(space), "d"(pager), "r"(r10), "r"(r8)
			 : "memory");
	return rax;
}

static inline void l4_yield(void)
{
	uint64_t rax = L4_SYS_YIELD;
	__asm__ volatile("int $0x30" : "+a"(rax)::"memory");
}

/* Up to L4_KDB_OUT_MAX bytes of `s` in one system call; returns how many were written. */
static inline uint64_t l4_kdb_out(const char *s, uint64_t len)
{
	uint64_t w[6] = {0, 0, 0, 0, 0, 0};
	if (len > L4_KDB_OUT_MAX)
		len = L4_KDB_OUT_MAX;
	for (uint64_t i = 0; i < len; i++)
		w[i / 8] |= (uint64_t)(unsigned char)s[i] << (8 * (i % 8));
	register uint64_t r10 __asm__("r10") = w[2];
	register uint64_t r8 __asm__("r8") = w[3];
	register uint64_t r9 __asm__("r9") = w[4];
	register uint64_t r12 __asm__("r12") = w[5];
	uint64_t rax = L4_SYS_KDB_OUT;
	__asm__ volatile("int $0x30"
			 : "+a"(rax)
			 : "D"(len), "S"(w[0]), "d"(w[1]), "r"(r10), "r"(r8), "r"(r9), "r"(r12)
			 : "memory");
	return rax == L4_OK ? len : 0;
}

static inline void l4_report(uint32_t word)
{
	uint64_t rax = L4_SYS_REPORT;
	__asm__ volatile("int $0x30" : "+a"(rax) : "D"((uint64_t)word) : "memory");
}

static inline uint64_t l4_poweroff(void)
{
	uint64_t rax = L4_SYS_POWEROFF;
	__asm__ volatile("int $0x30" : "+a"(rax)::"memory");
	return rax;
}

static inline uint64_t l4_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
