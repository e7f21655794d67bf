/* sys.h: what the bm system-call files share: errno in both of Newlib's places, and the bm_os error
 * mapping. */
#ifndef BM_LIBC_SYS_H
#define BM_LIBC_SYS_H

/*
 * Newlib declares its _-prefixed system calls (_write, _sbrk, ...) only for its own
 * build; our definitions are part of that port, and seeing the declarations lets the
 * compiler check them. Every file of this directory defines _COMPILING_NEWLIB before
 * its first include.
 */
#ifndef _COMPILING_NEWLIB
#error "define _COMPILING_NEWLIB before the first include"
#endif

/*
 * Defines a POSIX name (write) as a weak alias of our system call (_write): apps may call
 * write() as on any POSIX system, and an app that defines its own function of that name
 * replaces only the alias -- Newlib's stdio keeps calling _write.
 */
#define BM_WEAK_ALIAS(name, target)                                                                \
	extern __typeof__(target) name __attribute__((weak, alias(#target)))

/*
 * Fails a system call with errno `e`: returns -1 after storing e where both kinds of
 * caller look. Newlib's wrappers (_write_r and friends) clear a global int errno, call us,
 * and copy that global into the caller's reentrancy structure; an app calling write()
 * itself reads errno, which is that structure's field. Both get `e`.
 */
long bm_fail(int e);

/* The errno value for a negative bm_os result (-BM_OS_ENOENT -> ENOENT); EIO if unknown. */
int bm_errno(long bm_result);

#endif
