/* Boot-test harness: runs build/tinyvmm as a child with a hard timeout and collects its status and
 * output. */
#ifndef TINYVMM_TESTS_BOOT_HARNESS_H
#define TINYVMM_TESTS_BOOT_HARNESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/support/tier.h"

/* Each stream keeps at most this much; the rest is read and dropped so the child never blocks. */
#define HARNESS_OUT_MAX (1u << 20)

struct run_result {
	int status;    /* exit status, or -1 if the child did not exit on its own */
	int signal;    /* signal that ended it, 0 if it exited */
	int timed_out; /* the harness killed it after the timeout */
	char *out;     /* stdout, NUL-terminated */
	size_t out_len;
	char *err; /* stderr, NUL-terminated */
	size_t err_len;
	_Atomic int pid; /* the child's, once started (read with harness_pid from other threads) */
};

/*
 * The files the test guests expect (see tests/guests/mbinfo.asm and bzimage.asm): each
 * multiboot module starts with "TVM-MOD" + its upper-case letter and is filled with that
 * letter; the bzImage initrd's byte i is (i * 7 + 3) & 0xFF.
 */
#define HARNESS_MOD_A_SIZE  100
#define HARNESS_MOD_B_SIZE  5000
#define HARNESS_MOD_C_SIZE  4096
#define HARNESS_INITRD_SIZE 5000
void harness_module_fill(uint8_t *buf, size_t size, char letter);
void harness_initrd_fill(uint8_t *buf, size_t size);

/* $TINYVMM_BUILD (set by make test) or "build", made absolute, joined with `rel`. 0 or -errno. */
int harness_build_path(char *buf, size_t size, const char *rel);

/* Like harness_build_path for build/tests/guests/NAME; -ENOENT if it was not built. */
int harness_guest_path(char *buf, size_t size, const char *name);

/*
 * Runs argv (argv[0] is the program's path) in `cwd` (NULL: the current directory) with
 * stdin from /dev/null, and SIGKILLs it after `timeout_s` seconds. Returns 0 with *r
 * filled, or -errno if it could not be started. Free *r with harness_result_free().
 */
int harness_run(const char *const argv[], const char *cwd, unsigned timeout_s,
		struct run_result *r);

/* harness_run of "$TINYVMM_BUILD/tinyvmm" followed by `args` (NULL-terminated, at most 30). */
int harness_run_tinyvmm(const char *const args[], const char *cwd, unsigned timeout_s,
			struct run_result *r);

/*
 * Boots build/tests/guests/GUEST: "run -kernel <its path>" followed by `extra`
 * (NULL-terminated, at most 27; NULL for none). -ENOENT if the guest was not built.
 */
int harness_boot_guest(const char *guest, const char *const extra[], const char *cwd,
		       unsigned timeout_s, struct run_result *r);

/* Whether the captured stdout holds `needle`; binary-safe (a guest may print NUL bytes). */
int harness_out_has(const struct run_result *r, const char *needle);

/* How many times `needle` occurs in the captured stdout, binary-safe. */
size_t harness_out_count(const struct run_result *r, const char *needle);

void harness_result_free(struct run_result *r);

/* How the run ended, in words, for assertion messages: "exited with status 3", "timed out ...". */
const char *harness_describe(const struct run_result *r, char *buf, size_t size);

/* A fresh private directory under $TMPDIR or /tmp. 0 or -errno. */
int harness_tempdir(char *buf, size_t size);
/* Writes `len` bytes to dir/name (created or truncated). 0 or -errno. */
int harness_write_file(const char *dir, const char *name, const void *data, size_t len);
/* Removes the plain files in `dir`, then `dir` itself (what harness_tempdir made). */
void harness_rmdir(const char *dir);

#endif
