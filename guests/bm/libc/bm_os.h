/* bm_os.h: the bm kernel's services as the apps' C library uses them -- the boundary the kernel
 * side implements. */
#ifndef BM_OS_H
#define BM_OS_H

/*
 * guests/bm/libc/ turns these calls into Newlib's system calls (_write, _sbrk, ...); the
 * kernel side provides them as C functions linked into every app (ordinarily stubs that
 * enter the kernel through its call table). tests/newlib/bm_os_linux.c is a second
 * implementation on Linux system calls, and the reference for the behaviour below.
 *
 * Calling convention: the x86-64 System V ABI (arguments in RDI, RSI, RDX, RCX; result in
 * RAX; RBX, RBP, RSP, R12-R15 preserved; DF clear on entry and exit). They are called from
 * ring 3, from the app's one thread, never from an interrupt or signal context, and none
 * keeps a pointer it is given past its return.
 *
 * Errors: a call that can fail returns a negated BM_OS_E* code (-BM_OS_ENOENT). The
 * numbers are the classic Unix ones; the C library maps them to its own errno values, so
 * the kernel side needs no C headers. A code not listed here reads as an I/O error.
 */

/*
 * Version of this contract: changes when a call is added, removed or changes meaning.
 * 2: the image starts with the bm kernel's BAPP header and the app runs on the stack it is
 * entered with (1: entered at byte 0, with a stack in the image); BM_OS_EFAULT.
 */
#define BM_OS_VERSION 2

#define BM_OS_ENOENT 2	/* no file of that name */
#define BM_OS_EIO    5	/* the disk or the console failed */
#define BM_OS_EBADF  9	/* no such descriptor or handle */
#define BM_OS_EFAULT 14 /* a buffer or name outside the app's memory */
#define BM_OS_EINVAL 22 /* a bad argument (a NULL buffer, a bad name) */
#define BM_OS_EMFILE 24 /* no free file handle in the kernel */

/* ---- the app's image and entry (what the kernel does before any call below) */

/*
 * An app is a flat image (objcopy -O binary of an ELF linked with bm_app.ld) loaded at
 * BM_OS_APP_BASE. It starts with the bm kernel's app header (struct bm_app_header in
 * guests/bm/include/bm/calls.h: magic "BAPP", version, entry, end of the BSS), which
 * start.c provides; the entry is start.S's _start. The kernel jumps there in 64-bit
 * ring 3 with:
 *   - memory from BM_OS_APP_BASE up to the end of the heap region (bm_os_heap) mapped
 *     writable and user-accessible; the app's BSS lies past the end of the file and the
 *     app zeroes it itself, so its contents do not matter;
 *   - SSE usable (CR0.EM = 0, CR4.OSFXSR = 1): the x86-64 ABI passes doubles in XMM
 *     registers. The app sets MXCSR itself;
 *   - RSP at the top of a stack of at least 64 KiB that is neither the image nor the
 *     heap (the bm kernel's BM_APP_STACK at the top of RAM; a Linux process's own). The
 *     app runs on it and reads no other register.
 * The app never returns from the entry: it ends through bm_os_exit.
 */
#define BM_OS_APP_BASE 0x200000ul

/* ---- console */

/*
 * Writes `len` bytes of `buf` to the console; fd is 1 (stdout) or 2 (stderr), which the
 * kernel may show alike. Returns len (a console write is whole) or a negative error:
 * -BM_OS_EBADF for any other fd, -BM_OS_EFAULT for a buffer outside the app's memory.
 * len 0 returns 0.
 */
long bm_os_write(int fd, const void *buf, unsigned long len);

/*
 * Reads console input for fd 0 into `buf` (len > 0). Blocks until at least one byte is
 * available, then returns 1..len bytes; returns 0 when the console has no more input
 * (end of file; a serial console never ends) and a negative error otherwise
 * (-BM_OS_EBADF for any fd but 0, -BM_OS_EFAULT). Echo
 * and line editing are the kernel's choice; a line-at-a-time console returns a line with
 * its '\n' (or the first len bytes of it, the rest on the next call).
 */
long bm_os_read(int fd, void *buf, unsigned long len);

/* ---- the app's command line */

/*
 * The command line the app was started with: a NUL-terminated string of words separated
 * by spaces or tabs, the app's name first where the system knows it ("hello.app" or
 * "fib.app 30"; on bm the host's -app line as it is, "app=libc exit=3", whose app=NAME
 * word chose NAME.APP); no quoting.
 * The string stays valid and unchanged while the app runs (the C library copies what it
 * keeps: at most BM_CMDLINE_MAX - 1 bytes, and BM_ARGV_MAX words, for argc and argv).
 * NULL or "" when there is none: the app then gets argc 1 and an empty argv[0].
 */
const char *bm_os_cmdline(void);

#define BM_CMDLINE_MAX 1024
#define BM_ARGV_MAX    64

/* ---- read-only files on the boot disk's FAT16 file system */

/*
 * Opens the file called `name` (NUL-terminated; matching, case and 8.3 rules are the
 * kernel's) for reading. Returns a handle >= 0 that stays valid until bm_os_file_close,
 * or -BM_OS_ENOENT (no such file, or a directory), -BM_OS_EMFILE (the kernel's handles
 * are all in use), -BM_OS_EIO, -BM_OS_EFAULT. The file does not change while it is open.
 */
int bm_os_file_open(const char *name);

/*
 * Copies up to `len` bytes of the file from byte `offset` into `buf`. Returns how many
 * it copied: len, fewer only when the file ends first, 0 at or past its end; or
 * -BM_OS_EBADF (not an open handle), -BM_OS_EIO, -BM_OS_EFAULT (`buf` outside the app's
 * memory, for the bytes the file has there). The kernel keeps no file position: the
 * C library passes its own.
 */
long bm_os_file_read(int handle, unsigned long long offset, void *buf, unsigned long len);

/* The file's size in bytes, or -BM_OS_EBADF. */
long long bm_os_file_size(int handle);

/* Releases the handle. 0, or -BM_OS_EBADF. */
int bm_os_file_close(int handle);

/* ---- memory */

/*
 * The region the app's heap may use: returns its base and stores its length in bytes in
 * *size; the same answer on every call. The region may start at BM_OS_APP_BASE and so
 * include the app's own image: the C library's heap begins at the later of the base and
 * the image's end (the linker's _end, past the BSS) and never goes past
 * base + *size (malloc then fails with ENOMEM). NULL with *size 0: no heap.
 */
void *bm_os_heap(unsigned long *size);

/* ---- time */

/* Monotonic time in nanoseconds from an arbitrary start (the boot): never goes back. */
unsigned long long bm_os_time_ns(void);

/* Wall-clock time: whole seconds since 1970-01-01 00:00:00 UTC, from the RTC. */
unsigned long long bm_os_wall_s(void);

/* ---- the end */

/*
 * Ends the app with `status` (exit's argument, or 128 + the signal's number after
 * abort() or raise()); the kernel may report it. Never returns. The C library has
 * flushed its streams before it calls this.
 */
_Noreturn void bm_os_exit(int status);

#endif
