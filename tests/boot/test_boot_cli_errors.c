/* Boot-tier tests of every status-2 error of tinyvmm's command line: the exact message, before
 * anything starts. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/boot/harness.h"

/*
 * One table per command: the arguments and the exact stderr, status 2, nothing on stdout.
 * None needs KVM: every one of these is found before /dev/kvm is opened, so on a host
 * without it the message is still the input's (a late check would say "no /dev/kvm").
 * In arguments and messages @D is the test's temp dir, @G the hello guest, @B the bzImage
 * guest, @S the spec file the case wrote, @A a 256-byte app string, @M a list of 17 modules.
 */
#define CLI_TIMEOUT_S 20
#define MAX_CASE_ARGS 24

struct cli_case {
	const char *args[MAX_CASE_ARGS];
	const char *err;  /* the exact stderr */
	const char *spec; /* written to @S first, when set */
};

struct cli_env {
	char dir[PATH_MAX], hello[PATH_MAX], bz[PATH_MAX], spec[PATH_MAX + 16];
	char app[300], mods[64];
};

/* `in` with the tokens replaced, in a malloc'd string. */
static char *subst(const struct cli_env *e, const char *in)
{
	size_t cap = strlen(in) + 8 * PATH_MAX, len = 0; /* room for a few paths */
	char *out = malloc(cap);
	cr_assert(out);
	for (const char *p = in; *p;) {
		const char *v = NULL;
		if (p[0] == '@') {
			switch (p[1]) {
			case 'D':
				v = e->dir;
				break;
			case 'G':
				v = e->hello;
				break;
			case 'B':
				v = e->bz;
				break;
			case 'S':
				v = e->spec;
				break;
			case 'A':
				v = e->app;
				break;
			case 'M':
				v = e->mods;
				break;
			}
		}
		if (v) {
			size_t n = strlen(v);
			cr_assert_lt(len + n, cap);
			memcpy(out + len, v, n);
			len += n;
			p += 2;
		} else {
			cr_assert_lt(len + 1, cap);
			out[len++] = *p++;
		}
	}
	out[len] = '\0';
	return out;
}

/* The files the cases name: an empty file, 4 KiB of zeros, 100 bytes, a subdirectory. */
static void env_setup(struct cli_env *e)
{
	memset(e, 0, sizeof(*e));
	cr_assert_eq(harness_tempdir(e->dir, sizeof(e->dir)), 0);
	cr_assert_eq(harness_guest_path(e->hello, sizeof(e->hello), "hello"), 0,
		     "guest hello not built (make test builds it)");
	cr_assert_eq(harness_guest_path(e->bz, sizeof(e->bz), "bzimage"), 0,
		     "guest bzimage not built (make test builds it)");
	snprintf(e->spec, sizeof(e->spec), "%s/p.spec", e->dir);
	static const char zeros[4096];
	cr_assert_eq(harness_write_file(e->dir, "empty", "", 0), 0);
	cr_assert_eq(harness_write_file(e->dir, "zeros", zeros, sizeof(zeros)), 0);
	cr_assert_eq(harness_write_file(e->dir, "odd", zeros, 100), 0);
	memset(e->app, 'x', 256);
	/* short names: the list is refused before any module is opened */
	for (int i = 0; i < 17; i++)
		strcat(e->mods, i ? ",m" : "m");
}

/* Removes what env_setup and the cases made (one level of subdirectories). */
static void env_done(struct cli_env *e)
{
	DIR *d = opendir(e->dir);
	struct dirent *ent;
	while (d && (ent = readdir(d))) {
		char path[PATH_MAX + 300];
		snprintf(path, sizeof(path), "%s/%s", e->dir, ent->d_name);
		struct stat st;
		if (ent->d_name[0] != '.' && !lstat(path, &st) && S_ISDIR(st.st_mode))
			harness_rmdir(path);
	}
	if (d)
		closedir(d);
	harness_rmdir(e->dir);
}

/* No control socket and no results file: nothing was started. */
static void expect_nothing_started(const struct cli_env *e, const char *what)
{
	DIR *d = opendir(e->dir);
	struct dirent *ent;
	while (d && (ent = readdir(d))) {
		size_t n = strlen(ent->d_name);
		cr_expect(n < 5 || strcmp(ent->d_name + n - 5, ".sock"),
			  "%s: a control socket %s was made", what, ent->d_name);
		cr_expect(strcmp(ent->d_name, "r.csv"), "%s: the results file was written", what);
	}
	if (d)
		closedir(d);
}

/* Runs argv (already substituted) and checks status 2, the exact stderr, an empty stdout. */
static void expect_error_argv(const char *const argv[], const char *want, const char *what)
{
	struct run_result r;
	int err = harness_run(argv, NULL, CLI_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	char how[96];
	cr_expect_eq(r.status, 2, "%s: tinyvmm %s (want 2)\nstderr:\n%s", what,
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect_str_eq(r.err, want, "%s: stderr\n%s\nwant\n%s", what, r.err, want);
	cr_expect_eq(r.out_len, 0, "%s: stdout:\n%s", what, r.out);
	harness_result_free(&r);
}

static void run_case(struct cli_env *e, const struct cli_case *c)
{
	char prog[PATH_MAX];
	cr_assert_eq(harness_build_path(prog, sizeof(prog), "tinyvmm"), 0);
	if (c->spec) {
		char *text = subst(e, c->spec);
		cr_assert_eq(harness_write_file(e->dir, "p.spec", text, strlen(text)), 0);
		free(text);
	}
	const char *argv[MAX_CASE_ARGS + 4];
	char *owned[MAX_CASE_ARGS];
	unsigned n = 0;
	argv[0] = prog;
	bool pop = !strcmp(c->args[0], "pop");
	char what[256] = "tinyvmm";
	for (; c->args[n]; n++) {
		owned[n] = subst(e, c->args[n]);
		argv[n + 1] = owned[n];
		size_t l = strlen(what);
		snprintf(what + l, sizeof(what) - l, " %.40s", owned[n]);
	}
	unsigned argc = n + 1;
	char results[PATH_MAX + 16];
	bool names_results = false;
	for (unsigned i = 0; i < n; i++)
		names_results |= !strcmp(owned[i], "--results");
	if (pop && !names_results) {
		/* had the population started, this file would hold its header */
		snprintf(results, sizeof(results), "%s/r.csv", e->dir);
		argv[argc++] = "--results";
		argv[argc++] = results;
	}
	argv[argc] = NULL;
	char *want = subst(e, c->err);
	expect_error_argv(argv, want, what);
	if (pop)
		expect_nothing_started(e, what);
	free(want);
	for (unsigned i = 0; i < n; i++)
		free(owned[i]);
}

static void run_table(const struct cli_case *cases, size_t n)
{
	struct cli_env e;
	env_setup(&e);
	for (size_t i = 0; i < n; i++)
		run_case(&e, &cases[i]);
	env_done(&e);
}

#define RUN_ERR(msg) "tinyvmm run: " msg "\n"
#define POP_ERR(msg) "tinyvmm pop: " msg "\n"

Test(boot_cli_errors, every_run_usage_and_input_error)
{
	static const struct cli_case cases[] = {
	    {{"run", "-m", "64", "stray"}, RUN_ERR("unexpected argument 'stray'")},
	    {{"run", "-frob"}, RUN_ERR("unknown option '-frob' (see --help)")},
	    {{"run", "-kernel", "@G", "-m"}, RUN_ERR("option '-m' needs a value")},
	    {{"run", "-m", "12Q", "-kernel", "@G"},
	     RUN_ERR("-m '12Q': expected a size such as 64, 512K, 16M or 2G")},
	    {{"run", "-boot", "d", "-fda", "@D/zeros"}, RUN_ERR("-boot 'd': expected a or c")},
	    {{"run", "-name", "", "-kernel", "@G"}, RUN_ERR("-name must not be empty")},
	    {{"run", "-uuid", "not-a-uuid", "-kernel", "@G"},
	     RUN_ERR("-uuid 'not-a-uuid' is not a UUID")},
	    {{"run", "-serial", "tty", "-kernel", "@G"},
	     RUN_ERR("-serial 'tty': expected stdio, file:PATH or none")},
	    {{"run", "-serial", "file:", "-kernel", "@G"},
	     RUN_ERR("-serial 'file:': expected stdio, file:PATH or none")},
	    {{"run", "-report", "stdout", "-kernel", "@G"},
	     RUN_ERR("-report 'stdout': expected stderr or file:PATH")},
	    {{"run", "-app", "@A", "-kernel", "@G"}, RUN_ERR("-app: at most 255 bytes")},
	    {{"run", "-smp", "0", "-kernel", "@G"}, RUN_ERR("-smp '0': expected 1 to 64")},
	    {{"run", "-smp", "65", "-kernel", "@G"}, RUN_ERR("-smp '65': expected 1 to 64")},
	    {{"run", "-pit", "hpet", "-kernel", "@G"},
	     RUN_ERR("-pit 'hpet': expected user or kvm")},
	    {{"run", "-screen", "vga", "-kernel", "@G"},
	     RUN_ERR("-screen 'vga': expected exit, live or none")},
	    {{"run", "-load-addr", "0x1001", "-kernel", "@G"},
	     RUN_ERR("-load-addr '0x1001': expected a non-zero, 4 KiB aligned address")},
	    {{"run", "-m", "8"},
	     RUN_ERR("nothing to boot: give -kernel, -fda or -hda (see --help)")},
	    {{"run", "-hdb", "@D/zeros", "-kernel", "@G"},
	     RUN_ERR("-hdb needs -hda (a slave needs a master)")},
	    {{"run", "-boot", "a", "-hda", "@D/zeros"}, RUN_ERR("-boot a without -fda")},
	    {{"run", "-boot", "c", "-fda", "@D/zeros"}, RUN_ERR("-boot c without -hda")},
	    {{"run", "-m", "512K", "-kernel", "@G"},
	     RUN_ERR("-m: 512 KiB is outside 1 MiB .. 1 TiB")},
	    {{"run", "-m", "2T", "-kernel", "@G"},
	     RUN_ERR("-m: 2147483648 KiB is outside 1 MiB .. 1 TiB")},
	    {{"run", "-kernel", "@D/none"},
	     "tinyvmm: kernel '@D/none': No such file or directory\n"},
	    {{"run", "-kernel", "@D"}, "tinyvmm: kernel '@D': is a directory\n"},
	    {{"run", "-kernel", "@D/empty"}, "tinyvmm: kernel '@D/empty': is empty\n"},
	    {{"run", "-kernel", "/dev/null"},
	     "tinyvmm: kernel '/dev/null': is not a regular file\n"},
	    {{"run", "-kernel", "@D/zeros"},
	     "tinyvmm: kernel '@D/zeros': not a kernel tinyvmm can boot (neither multiboot, nor a "
	     "Linux bzImage/vmlinux, nor an x86-64 ELF)\n"},
	    {{"run", "-kernel", "@G", "-initrd", "@D/zeros, ,@D/zeros"},
	     "tinyvmm: -initrd '@D/zeros, ,@D/zeros': expected \"file [args],file2 [args]\"\n"},
	    {{"run", "-kernel", "@G", "-initrd", "@M"},
	     "tinyvmm: -initrd '@M': too many modules (16 at most)\n"},
	    {{"run", "-kernel", "@G", "-initrd", "@D/none arg"},
	     "tinyvmm: module '@D/none': No such file or directory\n"},
	    {{"run", "-kernel", "@B", "-initrd", "@D/zeros,@D/zeros"},
	     "tinyvmm: -initrd: a Linux kernel takes one initrd, not 2 files\n"},
	    {{"run", "-fda", "@D/none"},
	     "tinyvmm: -fda '@D/none': cannot open: No such file or directory\n"},
	    {{"run", "-hda", "/dev/null"}, "tinyvmm: -hda '/dev/null': is not a regular file\n"},
	    {{"run", "-kernel", "@G", "-hda", "@D/odd"},
	     "tinyvmm: -hda '@D/odd': size 100 bytes is not a multiple of 512\n"},
	    {{"run", "-hda", "@D/empty", "-hdb", "@D/zeros"},
	     "tinyvmm: -hdb '@D/zeros': the master (-hda) is no usable disk\n"},
	    {{"run", "-kernel", "@G", "-serial", "file:@D/none/out"},
	     "tinyvmm: -serial file:@D/none/out: No such file or directory\n"},
	    {{"run", "-kernel", "@G", "-report", "file:@D/none/out"},
	     "tinyvmm: -report file:@D/none/out: No such file or directory\n"},
	    {{"run", "-kernel", "@G", "-snapshot-at", "lap"},
	     RUN_ERR("-snapshot-at needs a milestone and a file")},
	    {{"run", "-kernel", "@G", "-snapshot-at", "tea-time", "@D/s"},
	     RUN_ERR("-snapshot-at 'tea-time': no such milestone (kernel-up, app-start, lap, "
		     "app-done, ...)")},
	    {{"run", "-kernel", "@G", "-snapshot-at", "lap:0", "@D/s"},
	     RUN_ERR("-snapshot-at 'lap:0': expected NAME or NAME:N")},
	    {{"run", "-restore", "@D/zeros", "-kernel", "@G"},
	     RUN_ERR("-restore continues a captured guest: no -kernel or -snapshot-at")},
	    {{"run", "-kernel", "@G", "-snapshot-at", "lap", "@D/none/s"},
	     "tinyvmm: -snapshot-at: @D/none/s: its directory is not writable: No such file or "
	     "directory\n"},
	    {{"run", "-restore", "@D/none"},
	     "tinyvmm: -restore @D/none: No such file or directory\n"},
	    {{"run", "-restore", "@D/empty"},
	     "tinyvmm: -restore @D/empty: refused: truncated: 0 bytes, no header\n"},
	    {{"run", "-restore", "@D/zeros"},
	     "tinyvmm: -restore @D/zeros: refused: not a tinyvmm snapshot (bad magic)\n"},
	};
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

#define POP_BASE "pop", "-t", "l4", "-i", "@G", "-n", "1"

Test(boot_cli_errors, every_pop_usage_and_input_error)
{
	static const struct cli_case cases[] = {
	    {{"pop", "stray"}, POP_ERR("unexpected argument 'stray'")},
	    {{"pop", "--results", "@D/r.csv", "-t", "l4", "-i", "@G", "-n", "1", "--stats"},
	     POP_ERR("option '--stats' needs a value (see --help)")},
	    {{POP_BASE, "--frob", "1"}, POP_ERR("unknown option '--frob' (see --help)")},
	    {{POP_BASE, "--stagger", "-1"},
	     POP_ERR("--stagger '-1': expected seconds (10, 2.5, 500ms)")},
	    {{POP_BASE, "--duration", "0"},
	     POP_ERR("--duration '0': expected seconds above 0 (60, 10m)")},
	    {{POP_BASE, "--interval", "5ms"},
	     POP_ERR("--interval '5ms': expected seconds, at least 0.01")},
	    {{POP_BASE, "--samples", "0", "--stats", "@D/s.csv"},
	     POP_ERR("--samples '0': expected a count above 0")},
	    {{POP_BASE, "--log-cap", "big"}, POP_ERR("--log-cap 'big': expected a size (64K, 1M)")},
	    {{POP_BASE, "--min-free", "-5"},
	     POP_ERR("--min-free '-5': expected a size (512M, 2G) or 0")},
	    {{POP_BASE, "--max-load", "high"},
	     POP_ERR("--max-load 'high': expected a load average (4, 1.5)")},
	    {{POP_BASE, "--name", "a/b"},
	     POP_ERR("--name 'a/b': 1 to 48 letters, digits, '_', '-' or '.' (not first)")},
	    {{POP_BASE, "--name", ".hidden"},
	     POP_ERR("--name '.hidden': 1 to 48 letters, digits, '_', '-' or '.' (not first)")},
	    {{POP_BASE, "--samples", "3"}, POP_ERR("--samples needs --stats FILE")},
	    {{"pop", "-t", "xen", "-i", "@G", "-n", "1"},
	     POP_ERR("-t 'xen': unknown type (l4, bm or tcl)")},
	    {{"pop", "-t", "l4", "-i", "", "-n", "1"}, POP_ERR("-i: empty image path")},
	    {{"pop", "-t", "l4", "-i", "@G", "-n", "0"},
	     POP_ERR("-n '0': expected 1 to 100000 guests")},
	    {{"pop", "-t", "l4", "-i", "@G", "-n", "100001"},
	     POP_ERR("-n '100001': expected 1 to 100000 guests")},
	    {{POP_BASE, "-m", "512K"}, POP_ERR("-m '512K': expected a size from 1M to 1T")},
	    {{POP_BASE, "--smp", "65"}, POP_ERR("--smp '65': expected 1 to 64")},
	    {{POP_BASE, "--app", "@A"}, POP_ERR("--app: at most 255 bytes")},
	    {{"pop", "-i", "@G", "-n", "1"}, POP_ERR("no guest type: give -t l4, bm or tcl")},
	    {{"pop", "-t", "l4", "-n", "1"},
	     POP_ERR("no image: give -i IMAGE (a disk image or a kernel)")},
	    {{"pop", "-t", "l4", "-i", "@G"}, POP_ERR("no guest count: give -n COUNT")},
	    {{"pop", "-t", "l4", "-i", "@D/none", "-n", "1"},
	     POP_ERR("image '@D/none': No such file or directory")},
	    {{"pop", "-t", "l4", "-i", "@D/empty", "-n", "1"},
	     POP_ERR("image '@D/empty': is empty")},
	    {{"pop", "-t", "bm", "-i", "@D/odd", "-n", "1"},
	     POP_ERR("image '@D/odd': size 100 bytes is not a multiple of 512")},
	    {{"pop", "-t", "bm", "-i", "@D/zeros", "-n", "1", "--append", "quiet"},
	     POP_ERR("image '@D/zeros' is a disk image: --initrd and --append need a kernel")},
	    {{POP_BASE, "--initrd", "@D/none"},
	     POP_ERR("module '@D/none': No such file or directory")},
	    {{POP_BASE, "--initrd", "@D/zeros, ,@D/zeros"},
	     POP_ERR("--initrd '@D/zeros, ,@D/zeros': expected \"file [args],file2 [args]\"")},
	    {{"pop", "-t", "tcl", "-i", "@B", "-n", "1", "--initrd", "@D/zeros,@D/zeros"},
	     POP_ERR("--initrd: a Linux kernel takes one initrd, not 2 files")},
	    {{POP_BASE, "--logs", "@D/none/logs"},
	     POP_ERR("--logs '@D/none/logs': No such file or directory")},
	    {{POP_BASE, "--logs", "@D/zeros"}, POP_ERR("--logs '@D/zeros': not a directory")},
	    {{POP_BASE, "--stats", "@D/none/s.csv"},
	     POP_ERR("--stats '@D/none/s.csv': No such file or directory")},
	    {{POP_BASE, "--results", "@D/none/r.csv"},
	     POP_ERR("--results '@D/none/r.csv': No such file or directory")},
	};
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Errors in spec files name the file and the line; the files' own failures name the file. */
Test(boot_cli_errors, every_spec_file_error)
{
	static const struct cli_case cases[] = {
	    {{"pop", "--spec", "@D/none"}, POP_ERR("--spec '@D/none': No such file or directory")},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S:2: unterminated ' quote"),
	     "-t l4 -i @G -n 1\n-t l4 -i '@G -n 1\n"},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S:1: unterminated \" quote"),
	     "-t l4 -i @G -n 1 --app \"hello\n"},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S:1: '--stats' is not a group option (-t, -i, -n, -m, --app, --initrd, "
		     "--append, --smp)"),
	     "-t l4 -i @G -n 1 --stats s.csv\n"},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S:1: option '-n' needs a value"),
	     "-t l4 -i @G -n\n"},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S:3: -n 'many': expected 1 to 100000 guests"),
	     "# comment\n\n-t l4 -i @G -n many\n"},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S:1: no guest type: give -t l4, bm or tcl"),
	     "-i @G -n 1\n"},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S: no groups (one per line: -t TYPE -i IMAGE -n COUNT ...)"),
	     "# only a comment\n\n"},
	    {{"pop", "-t", "l4", "-i", "@G", "-n", "100000", "--spec", "@S"},
	     POP_ERR("@S:1: more than 100000 guests in all"),
	     "-t l4 -i @G -n 1\n"},
	    {{"pop", "--spec", "@S"},
	     POP_ERR("@S:2: image '@D/none': No such file or directory"),
	     "-t l4 -i @G -n 1\n-t l4 -i @D/none -n 1\n"},
	};
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* The spec errors that need files of their own: a NUL byte, over 1 MiB, 1025 groups. */
Test(boot_cli_errors, spec_files_that_are_no_spec)
{
	struct cli_env e;
	env_setup(&e);
	char prog[PATH_MAX], path[PATH_MAX + 32], want[2 * PATH_MAX];
	cr_assert_eq(harness_build_path(prog, sizeof(prog), "tinyvmm"), 0);
	const char *argv[] = {prog, "pop", "--spec", path, NULL};

	cr_assert_eq(harness_write_file(e.dir, "nul.spec", "-t l4\0", 6), 0);
	snprintf(path, sizeof(path), "%s/nul.spec", e.dir);
	snprintf(want, sizeof(want), "tinyvmm pop: --spec '%s': is not a text file\n", path);
	expect_error_argv(argv, want, "spec with a NUL byte");

	size_t big = (1u << 20) + 1;
	char *text = malloc(big);
	cr_assert(text);
	memset(text, '#', big);
	text[big - 1] = '\n';
	cr_assert_eq(harness_write_file(e.dir, "big.spec", text, big), 0);
	snprintf(path, sizeof(path), "%s/big.spec", e.dir);
	snprintf(want, sizeof(want), "tinyvmm pop: --spec '%s': larger than 1 MiB\n", path);
	expect_error_argv(argv, want, "spec over 1 MiB");
	free(text);

	size_t line_len = strlen(e.hello) + 24, cap = 1025 * line_len + 1, len = 0;
	text = malloc(cap);
	cr_assert(text);
	for (int i = 0; i < 1025; i++)
		len += (size_t)snprintf(text + len, cap - len, "-t l4 -i %s -n 1\n", e.hello);
	cr_assert_eq(harness_write_file(e.dir, "many.spec", text, len), 0);
	free(text);
	snprintf(path, sizeof(path), "%s/many.spec", e.dir);
	snprintf(want, sizeof(want), "tinyvmm pop: %s:1025: more than 1024 groups\n", path);
	expect_error_argv(argv, want, "spec with 1025 groups");

	/* 65 --spec options: refused while parsing, before any file is read */
	const char *many[2 + 2 * 65 + 1];
	unsigned n = 0;
	many[n++] = prog;
	many[n++] = "pop";
	for (int i = 0; i < 65; i++) {
		many[n++] = "--spec";
		many[n++] = "no-such.spec";
	}
	many[n] = NULL;
	expect_error_argv(many, "tinyvmm pop: more than 64 --spec files\n", "65 spec files");
	env_done(&e);
}

/* The control-socket directory: group- or world-writable, or too long for a socket path. */
Test(boot_cli_errors, pop_control_directory_errors)
{
	struct cli_env e;
	env_setup(&e);
	char open_dir[PATH_MAX + 16], long_dir[PATH_MAX + 128], want[2 * PATH_MAX + 256];
	snprintf(open_dir, sizeof(open_dir), "%s/open", e.dir);
	cr_assert_eq(mkdir(open_dir, 0700), 0);
	cr_assert_eq(chmod(open_dir, 0777), 0);
	snprintf(long_dir, sizeof(long_dir), "%s/%0100d", e.dir, 0);
	cr_assert_eq(mkdir(long_dir, 0700), 0);
	char prog[PATH_MAX];
	cr_assert_eq(harness_build_path(prog, sizeof(prog), "tinyvmm"), 0);
	const char *argv[] = {prog, "pop", "-t", "l4", "-i", e.hello, "-n", "1", NULL};

	setenv("TINYVMM_CONTROL_DIR", open_dir, 1);
	snprintf(want, sizeof(want),
		 "tinyvmm pop: control socket directory '%s': Operation not permitted (set "
		 "TINYVMM_CONTROL_DIR)\n",
		 open_dir);
	expect_error_argv(argv, want, "world-writable control directory");
	setenv("TINYVMM_CONTROL_DIR", long_dir, 1);
	snprintf(want, sizeof(want),
		 "tinyvmm pop: control socket directory '%s': File name too long (set "
		 "TINYVMM_CONTROL_DIR)\n",
		 long_dir);
	expect_error_argv(argv, want, "control directory too long for a socket");

	/* list and the control verbs see the same directory */
	setenv("TINYVMM_CONTROL_DIR", open_dir, 1);
	const char *list[] = {prog, "list", NULL};
	snprintf(want, sizeof(want),
		 "tinyvmm list: control directory '%s': Operation not permitted\n", open_dir);
	expect_error_argv(list, want, "list in a world-writable directory");
	unsetenv("TINYVMM_CONTROL_DIR");
	env_done(&e);
}

/* A socket file nobody listens on: what a population killed with SIGKILL leaves. */
static void stale_socket(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	cr_assert_lt(strlen(path), sizeof(a.sun_path));
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);
}

#define LIST_USAGE                                                                                 \
	"Usage: tinyvmm list [POP]\nWithout POP: the running populations. With it: its guests "    \
	"and their states.\n"

Test(boot_cli_errors, every_control_command_error)
{
	struct cli_env e;
	env_setup(&e);
	char sock[PATH_MAX + 32], missing[PATH_MAX + 16];
	snprintf(sock, sizeof(sock), "%s/stale.sock", e.dir);
	stale_socket(sock);
	setenv("TINYVMM_CONTROL_DIR", e.dir, 1);
	/* 28 guest names of 2400 bytes: a request over CONTROL_REQUEST_MAX (64 KiB) */
	static char huge[2401];
	memset(huge, 'g', 2400);
	static const struct cli_case cases[] = {
	    {{"list", "a", "b"}, LIST_USAGE},
	    {{"list", "-x"}, LIST_USAGE},
	    {{"list", "nosuch"},
	     "tinyvmm list: no population named 'nosuch' is running (see tinyvmm list)\n"},
	    {{"stop"},
	     "Usage: tinyvmm stop POP [GUEST...]\nWithout GUEST: every guest of population POP, "
	     "which then ends. A GUEST is a name (l4_3)\nor a UUID.\n"},
	    {{"pause", "-x"},
	     "Usage: tinyvmm pause POP [GUEST...]\nWithout GUEST: every guest of population POP. A "
	     "GUEST is a name (l4_3)\nor a UUID.\n"},
	    {{"resume"},
	     "Usage: tinyvmm resume POP [GUEST...]\nWithout GUEST: every guest of population POP. "
	     "A GUEST is a name (l4_3)\nor a UUID.\n"},
	    {{"resume", "p", ""}, "tinyvmm resume: '' is no guest name or UUID\n"},
	    {{"stop", "p", "l4_1 l4_2"}, "tinyvmm stop: 'l4_1 l4_2' is no guest name or UUID\n"},
	    {{"pause", "nosuch"},
	     "tinyvmm pause: no population named 'nosuch' is running (see tinyvmm list)\n"},
	    {{"stop", "stale"}, "tinyvmm stop: population 'stale' is no longer running\n"},
	    {{"frob"}, "tinyvmm: unknown command 'frob' (see tinyvmm --help)\n"},
	};
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
	cr_expect_neq(access(sock, F_OK), 0, "the stale socket was not removed");

	char prog[PATH_MAX];
	cr_assert_eq(harness_build_path(prog, sizeof(prog), "tinyvmm"), 0);
	const char *argv[32] = {prog, "stop", "p"};
	for (unsigned i = 3; i < 31; i++)
		argv[i] = huge;
	expect_error_argv(argv, "tinyvmm stop: too many guests in one request\n",
			  "a request over 64 KiB");

	/* without a control directory at all */
	snprintf(missing, sizeof(missing), "%s/missing", e.dir);
	setenv("TINYVMM_CONTROL_DIR", missing, 1);
	const char *stop[] = {prog, "stop", "nosuch", NULL};
	expect_error_argv(stop, "tinyvmm stop: no population named 'nosuch' is running\n",
			  "no control directory");
	unsetenv("TINYVMM_CONTROL_DIR");
	env_done(&e);
}

/* tinyvmm alone is a usage error: the usage goes to stderr, stdout stays empty. */
Test(boot_cli_errors, no_command_at_all)
{
	char prog[PATH_MAX];
	cr_assert_eq(harness_build_path(prog, sizeof(prog), "tinyvmm"), 0);
	const char *argv[] = {prog, NULL};
	struct run_result r;
	cr_assert_eq(harness_run(argv, NULL, CLI_TIMEOUT_S, &r), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_eq(r.out_len, 0, "stdout:\n%s", r.out);
	cr_expect(!strncmp(r.err, "Usage: tinyvmm COMMAND [options]\n", 33), "stderr:\n%s", r.err);
	harness_result_free(&r);
}
