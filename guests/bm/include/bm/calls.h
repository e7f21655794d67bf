/* The bm kernel's call table and app contract: call numbers, errors, stop codes, the app header. */
#ifndef TINYVMM_GUESTS_BM_CALLS_H
#define TINYVMM_GUESTS_BM_CALLS_H

/*
 * BareMetal apps called the kernel through a table of entry points at fixed addresses in
 * the kernel's own pages. Here the kernel's pages are supervisor-only (apps run in ring 3,
 * where kvm_pvm runs them natively), so the table is one of call numbers behind one gate:
 *
 *   rax = BM_CALL_*, arguments in rdi, rsi, rdx, rcx, r8; `int 0x40` (BM_CALL_VECTOR);
 *   the result comes back in rax (a negative BM_E* on failure), BM_CALL_SMP_DEQUEUE's
 *   second result in rdx; every other register is kept.
 *
 * On hardware the gate has DPL 3. On kvm_pvm `int` from ring 3 raises #UD instead; the
 * kernel's #UD handler recognises the two bytes CD 40 at the app's RIP and takes the same
 * path, so apps never need to know which backend they run on.
 *
 * The NASM side (the kernel, NASM apps) includes calls.inc, kept by hand beside this file;
 * tests/unit/test_bm_calls.c checks that it defines exactly BM_CONSTANTS below.
 */
#define BM_CONSTANTS(X)                                                                            \
	X(BM_CALL_VECTOR, 0x40)                                                                    \
	/* the calls */                                                                            \
	X(BM_CALL_EXIT, 0)	  /* (status): ends the app; 0 powers off, else debug-exit */      \
	X(BM_CALL_OUTPUT, 1)	  /* (buf, len) -> len: console (COM1 and the VGA screen) */       \
	X(BM_CALL_INPUT, 2)	  /* (buf, len) -> bytes read from COM1, 0 if none waits */        \
	X(BM_CALL_DELAY, 3)	  /* (ns): sleeps that long (HLT, never a busy loop) */            \
	X(BM_CALL_SLEEP_UNTIL, 4) /* (deadline ns of BM_CALL_TIME_NS): sleeps until then */        \
	X(BM_CALL_TIME_NS, 5)	  /* () -> monotonic ns since the kernel started */                \
	X(BM_CALL_WALL_NS, 6)	  /* () -> ns since 1970-01-01 UTC (the RTC at boot) */            \
	X(BM_CALL_REPORT, 7)	  /* (word): one report (abi/report_abi.h) */                      \
	X(BM_CALL_SMP_ENQUEUE, 8) /* (code, data) -> 0, or BM_EAGAIN when the queue is full */     \
	X(BM_CALL_SMP_DEQUEUE, 9) /* () -> code (0: empty), data in rdx */                         \
	X(BM_CALL_SMP_CORES, 10)  /* () -> cores started (the BSP and every AP that checked in) */ \
	X(BM_CALL_MEM_REGION, 11) /* (struct bm_region *) -> 0: the app's heap */                  \
	X(BM_CALL_FILE_OPEN, 12)  /* (name, len) -> fd, a file of the FAT16 root (8.3 name) */     \
	X(BM_CALL_FILE_READ, 13)  /* (fd, buf, len, offset) -> bytes read (0 at the end) */        \
	X(BM_CALL_FILE_SIZE, 14)  /* (fd) -> size in bytes */                                      \
	X(BM_CALL_FILE_CLOSE, 15) /* (fd) -> 0 */                                                  \
	X(BM_CALL_ARGS, 16)	  /* (buf, size) -> length of the app's command line; copies       \
				     at most size - 1 bytes and a NUL */                           \
	X(BM_CALL_COUNT, 17)                                                                       \
	/* errors (returned negated) */                                                            \
	X(BM_ENOENT, 2)                                                                            \
	X(BM_EIO, 5)                                                                               \
	X(BM_EBADF, 9)                                                                             \
	X(BM_EAGAIN, 11)                                                                           \
	X(BM_EFAULT, 14)                                                                           \
	X(BM_EINVAL, 22)                                                                           \
	X(BM_EMFILE, 24)                                                                           \
	X(BM_ENOSYS, 38)                                                                           \
	/* how the VM ends: isa-debug-exit values (tinyvmm exits with (v << 1) | 1) */             \
	X(BM_STOP_EXIT_MAX, 0x3F) /* an app's nonzero status, up to this, is the value */          \
	X(BM_STOP_FAULT, 0x40)	  /* + the vector: an exception stopped the app (or kernel) */     \
	X(BM_STOP_BOOT, 0x60)	  /* the loader or kernel could not start the app */               \
	/* memory (identity mapped; the first 2 MiB are the kernel's, supervisor-only) */          \
	X(BM_KERNEL_BASE, 0x100000) /* the kernel, loaded there by the loader */                   \
	X(BM_APP_BASE, 0x200000)    /* where the app file is loaded; its header is first */        \
	X(BM_APP_STACK, 0x10000)    /* the app's stack, at the top of RAM */                       \
	X(BM_ARGS_MAX, 256)	    /* command line bytes, NUL included */                         \
	X(BM_FILES_MAX, 8)	    /* open files at once */                                       \
	/* the app header, at BM_APP_BASE */                                                       \
	X(BM_APP_MAGIC, 0x50504142) /* "BAPP" as a little-endian word, at offset 0 */              \
	X(BM_APP_HDR_ENTRY, 8)	    /* offset of the 64-bit entry address */                       \
	X(BM_APP_HDR_END, 16)	    /* offset of the 64-bit end of the app (its .bss included) */  \
	X(BM_APP_HDR_SIZE, 24)

#define BM_CONSTANT_ENUM(name, value) name = (value),
enum bm_constant { BM_CONSTANTS(BM_CONSTANT_ENUM) };
#undef BM_CONSTANT_ENUM

#ifndef BM_CALLS_NO_INLINE
#include <stddef.h>
#include <stdint.h>

/* The heap BM_CALL_MEM_REGION gives the app: [base, base + size), page aligned. */
struct bm_region {
	uint64_t base;
	uint64_t size;
};

/*
 * The header every app starts with (guests/bm/libc/start.c provides it, bm_app.ld puts it
 * first; the kernel checks it).
 */
struct bm_app_header {
	uint32_t magic; /* BM_APP_MAGIC */
	uint32_t version;
	/* entered in ring 3 with rsp = the top of the app's stack, rdi = the command line,
	 * rsi = its length (the C runtime keeps rsp and asks BM_CALL_ARGS instead) */
	uint64_t entry;
	uint64_t end; /* first byte past the app's memory (.bss included) */
};

static inline int64_t bm_call5(uint64_t n, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			       uint64_t e)
{
	register uint64_t r8 __asm__("r8") = e;
	int64_t ret;
	__asm__ volatile("int $0x40"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "c"(d), "r"(r8)
			 : "memory");
	return ret;
}

static inline int64_t bm_call2(uint64_t n, uint64_t a, uint64_t b)
{
	int64_t ret;
	__asm__ volatile("int $0x40" : "=a"(ret) : "a"(n), "D"(a), "S"(b) : "memory");
	return ret;
}

static inline _Noreturn void bm_exit(int status)
{
	bm_call2(BM_CALL_EXIT, (uint64_t)(int64_t)status, 0);
	__builtin_unreachable();
}
static inline int64_t bm_output(const void *buf, size_t len)
{
	return bm_call2(BM_CALL_OUTPUT, (uint64_t)buf, len);
}
static inline int64_t bm_input(void *buf, size_t len)
{
	return bm_call2(BM_CALL_INPUT, (uint64_t)buf, len);
}
static inline void bm_delay_ns(uint64_t ns)
{
	bm_call2(BM_CALL_DELAY, ns, 0);
}
static inline void bm_sleep_until(uint64_t deadline_ns)
{
	bm_call2(BM_CALL_SLEEP_UNTIL, deadline_ns, 0);
}
static inline uint64_t bm_time_ns(void)
{
	return (uint64_t)bm_call2(BM_CALL_TIME_NS, 0, 0);
}
static inline uint64_t bm_wall_ns(void)
{
	return (uint64_t)bm_call2(BM_CALL_WALL_NS, 0, 0);
}
static inline void bm_report(uint32_t word)
{
	bm_call2(BM_CALL_REPORT, word, 0);
}
static inline int64_t bm_smp_enqueue(uint64_t code, uint64_t data)
{
	return bm_call2(BM_CALL_SMP_ENQUEUE, code, data);
}
/* The next work item's code (0 when the queue is empty), its data in *data. */
static inline uint64_t bm_smp_dequeue(uint64_t *data)
{
	uint64_t code, d;
	__asm__ volatile("int $0x40"
			 : "=a"(code), "=d"(d)
			 : "a"((uint64_t)BM_CALL_SMP_DEQUEUE)
			 : "memory");
	*data = d;
	return code;
}
static inline unsigned bm_smp_cores(void)
{
	return (unsigned)bm_call2(BM_CALL_SMP_CORES, 0, 0);
}
static inline int64_t bm_mem_region(struct bm_region *r)
{
	return bm_call2(BM_CALL_MEM_REGION, (uint64_t)r, 0);
}
static inline int64_t bm_file_open(const char *name, size_t len)
{
	return bm_call2(BM_CALL_FILE_OPEN, (uint64_t)name, len);
}
static inline int64_t bm_file_read(int fd, void *buf, size_t len, uint64_t offset)
{
	return bm_call5(BM_CALL_FILE_READ, (uint64_t)fd, (uint64_t)buf, len, offset, 0);
}
static inline int64_t bm_file_size(int fd)
{
	return bm_call2(BM_CALL_FILE_SIZE, (uint64_t)fd, 0);
}
static inline int64_t bm_file_close(int fd)
{
	return bm_call2(BM_CALL_FILE_CLOSE, (uint64_t)fd, 0);
}
static inline int64_t bm_args(char *buf, size_t size)
{
	return bm_call2(BM_CALL_ARGS, (uint64_t)buf, size);
}
#endif /* BM_CALLS_NO_INLINE */

#endif
