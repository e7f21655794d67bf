/* start.c: what runs between the entry (start.S) and main -- argv from the kernel's command line,
 * constructors, exit(main()). */
#include <stdlib.h>

#include "bm_os.h"

int main(int argc, char **argv);
/* Newlib's runners of .preinit_array/.init_array and .fini_array (libc/misc/init.c, fini.c). */
void __libc_init_array(void);
void __libc_fini_array(void);
_Noreturn void __bm_start(void);

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
