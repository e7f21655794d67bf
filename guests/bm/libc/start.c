/* start.c: the app's start in C -- the BAPP header the bm kernel checks, then argv from the
 * command line, constructors, exit(main()). */
#include <stdint.h>
#include <stdlib.h>

#include "bm_os.h"
#include "guests/bm/include/bm/calls.h"

int main(int argc, char **argv);
/* Newlib's runners of .preinit_array/.init_array and .fini_array (libc/misc/init.c, fini.c). */
void __libc_init_array(void);
void __libc_fini_array(void);
_Noreturn void __bm_start(void);

/* start.S's entry, and the end of the image with its BSS (bm_app.ld). */
extern char _start[], _end[];

/*
 * The image's first bytes (bm_app.ld puts .bm_header first): the kernel loads the file at
 * BM_APP_BASE, checks the magic and that the entry lies in the file, puts the heap past
 * `end` and jumps to `entry` (guests/bm/kernel/app.inc). Linux ignores it.
 */
__attribute__((section(".bm_header"), used)) static const struct bm_app_header header = {
    .magic = BM_APP_MAGIC,
    .version = 1,
    .entry = (uintptr_t)_start,
    .end = (uintptr_t)_end,
};
_Static_assert(sizeof(header) == BM_APP_HDR_SIZE, "struct bm_app_header is BM_APP_HDR_SIZE bytes");

/* Our copy of the command line, cut into words in place: argv's strings must be writable. */
static char line[BM_CMDLINE_MAX];
static char *args[BM_ARGV_MAX + 1];
static char no_name[1];

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits the kernel's command line into args[]; returns argc, at least 1. */
static int split(const char *cmd)
{
	size_t n = 0;
	if (cmd)
		while (n < sizeof(line) - 1 && cmd[n]) {
			line[n] = cmd[n];
			n++;
		}
	line[n] = '\0';
	int argc = 0;
	char *p = line;
	while (argc < BM_ARGV_MAX) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		args[argc++] = p;
		while (*p && !is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	/* C allows an empty name when there is none; many programs read argv[0] anyway. */
	if (argc == 0)
		args[argc++] = no_name;
	args[argc] = NULL;
	return argc;
}

void __bm_start(void)
{
	int argc = split(bm_os_cmdline());
	/* Registered first, so the destructors run after every atexit handler of the app. */
	atexit(__libc_fini_array);
	__libc_init_array();
	exit(main(argc, args));
}
