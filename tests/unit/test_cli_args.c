/* Unit tests of command-line parsing: sizes, numbers, module lists and `run` options. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "base/parse.h"
#include "cli/run_opts.h"
#include "vmm/boot/modlist.h"

Test(cli_args, sizes)
{
	uint64_t v;
	cr_assert_eq(parse_size("4", &v), 0);
	cr_assert_eq(v, 4ULL << 20, "MiB by default, as QEMU's -m");
	cr_assert_eq(parse_size("512K", &v), 0);
	cr_assert_eq(v, 512ULL << 10);
	cr_assert_eq(parse_size("16M", &v), 0);
	cr_assert_eq(v, 16ULL << 20);
	cr_assert_eq(parse_size("2g", &v), 0);
	cr_assert_eq(v, 2ULL << 30);
	cr_assert_eq(parse_size("3GiB", &v), 0);
	cr_assert_eq(v, 3ULL << 30);
	cr_assert_eq(parse_size("0", &v), -EINVAL);
	cr_assert_eq(parse_size("", &v), -EINVAL);
	cr_assert_eq(parse_size("-4", &v), -EINVAL);
	cr_assert_eq(parse_size("4X", &v), -EINVAL);
	cr_assert_eq(parse_size("4MM", &v), -EINVAL);
	cr_assert_eq(parse_size(" 4", &v), -EINVAL);
	cr_assert_eq(parse_size("99999999999999999999", &v), -ERANGE);
	cr_assert_eq(parse_size("17179869184T", &v), -ERANGE);
}

Test(cli_args, numbers)
{
	uint64_t v;
	cr_assert_eq(parse_u64("0x100000", UINT64_MAX, &v), 0);
	cr_assert_eq(v, 0x100000);
	cr_assert_eq(parse_u64("65", 64, &v), -ERANGE);
	cr_assert_eq(parse_u64("1x", 64, &v), -EINVAL);
	cr_assert_eq(parse_u64("-1", UINT64_MAX, &v), -EINVAL);
}

Test(cli_args, module_lists_in_qemu_syntax)
{
	struct modlist ml;
	cr_assert_eq(modlist_parse(&ml, "x86-kernel,sigma0 , roottask app=hello,,world"), 0);
	cr_assert_eq(ml.n, 3);
	cr_assert_str_eq(ml.e[0].path, "x86-kernel");
	cr_assert_str_eq(ml.e[1].text, "sigma0");
	cr_assert_str_eq(ml.e[2].path, "roottask");
	cr_assert_str_eq(ml.e[2].text, "roottask app=hello,world", "',,' is a literal comma");
	modlist_free(&ml);
	cr_assert_eq(modlist_parse(&ml, "a,,"), 0, "a trailing ',,' is a comma in the name");
	cr_assert_str_eq(ml.e[0].path, "a,");
	modlist_free(&ml);
	cr_assert_eq(modlist_parse(&ml, "a,,b"), 0);
	cr_assert_eq(ml.n, 1);
	modlist_free(&ml);
	cr_assert_eq(modlist_parse(&ml, "a,"), -EINVAL, "empty entry");
	cr_assert_eq(modlist_parse(&ml, ""), -EINVAL);
	cr_assert_eq(modlist_parse(&ml, "a, ,b"), -EINVAL);
	cr_assert_eq(modlist_parse(&ml, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"), -E2BIG);
}

static int parse(struct run_opts *o, char *err, const char *const *args, int n)
{
	return run_opts_parse(o, n, (char **)args, err, 256);
}

Test(cli_args, run_options)
{
	struct run_opts o;
	char err[256];
	const char *a[] = {"-m",	 "4",	    "-kernel", "k",	  "--initrd",
			   "m1 x,m2",	 "-append", "a b",     "-serial", "file:/tmp/s",
			   "-no-reboot", "-name",   "l4_1",    "-smp",	  "2"};
	cr_assert_eq(parse(&o, err, a, 15), 0, "%s", err);
	cr_assert_eq(o.ram_bytes, 4ULL << 20);
	cr_assert_str_eq(o.kernel, "k");
	cr_assert_str_eq(o.initrd, "m1 x,m2");
	cr_assert_str_eq(o.append, "a b");
	cr_assert_eq(o.serial, SERIAL_FILE);
	cr_assert_str_eq(o.serial_path, "/tmp/s");
	cr_assert(o.no_reboot);
	cr_assert_eq(o.smp, 2);
	cr_assert_str_eq(o.name, "l4_1");
}

Test(cli_args, every_documented_option_is_accepted)
{
	struct run_opts o;
	char err[256];
	const char *a[] = {
	    "-kernel",	 "k",	       "-screen", "none",
	    "-pit",	 "kvm",	       "-uuid",	  "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
	    "-fda",	 "f.img",      "-hda",	  "h.img",
	    "-hdb",	 "s.img",      "-boot",	  "c",
	    "-snapshot", "-load-addr", "0x200000"};
	cr_assert_eq(parse(&o, err, a, 19), 0, "%s", err);
	cr_assert_eq(o.screen, SCREEN_NONE);
	cr_assert_eq(o.pit, VM_PIT_KERNEL);
	cr_assert_str_eq(o.fda, "f.img");
	cr_assert_str_eq(o.hdb, "s.img");
	cr_assert_eq(o.boot, 'c');
	cr_assert(o.snapshot);
	cr_assert_eq(o.load_addr, 0x200000);
}

Test(cli_args, disks_without_a_kernel_boot_through_the_bios)
{
	struct run_opts o;
	char err[256];
	const char *fd[] = {"-fda", "f.img", "-hda", "h.img"};
	cr_assert_eq(parse(&o, err, fd, 4), 0, "%s", err);
	cr_assert_eq(o.boot, 'a', "the floppy first, as a PC does");
	const char *hd[] = {"-hda", "h.img"};
	cr_assert_eq(parse(&o, err, hd, 2), 0, "%s", err);
	cr_assert_eq(o.boot, 'c');
	const char *bad1[] = {"-kernel", "k", "-hdb", "s.img"};
	cr_assert_eq(parse(&o, err, bad1, 4), -EINVAL);
	cr_assert(strstr(err, "-hdb needs -hda"), "%s", err);
	const char *bad2[] = {"-hda", "h.img", "-boot", "a"};
	cr_assert_eq(parse(&o, err, bad2, 4), -EINVAL);
	const char *bad3[] = {"-hda", "h.img", "-boot", "d"};
	cr_assert_eq(parse(&o, err, bad3, 4), -EINVAL);
	const char *none[] = {"-m", "4"};
	cr_assert_eq(parse(&o, err, none, 2), -EINVAL);
	cr_assert(strstr(err, "nothing to boot"), "%s", err);
}

Test(cli_args, run_option_errors_say_what_is_wrong)
{
	struct run_opts o;
	char err[256];
	const char *nokernel[] = {"-m", "4"};
	cr_assert_eq(parse(&o, err, nokernel, 2), -EINVAL);
	cr_assert(strstr(err, "-kernel, -fda or -hda"), "%s", err);
	const char *badm[] = {"-m", "lots", "-kernel", "k"};
	cr_assert_eq(parse(&o, err, badm, 4), -EINVAL);
	cr_assert(strstr(err, "lots"), "%s", err);
	const char *missing[] = {"-kernel"};
	cr_assert_eq(parse(&o, err, missing, 1), -EINVAL);
	cr_assert(strstr(err, "needs a value"), "%s", err);
	const char *unknown[] = {"-kernel", "k", "-frobnicate"};
	cr_assert_eq(parse(&o, err, unknown, 3), -EINVAL);
	cr_assert(strstr(err, "-frobnicate"), "%s", err);
	const char *serial[] = {"-kernel", "k", "-serial", "tcp:1"};
	cr_assert_eq(parse(&o, err, serial, 4), -EINVAL);
	const char *uuid[] = {"-kernel", "k", "-uuid", "not-a-uuid"};
	cr_assert_eq(parse(&o, err, uuid, 4), -EINVAL);
	const char *smp[] = {"-kernel", "k", "-smp", "0"};
	cr_assert_eq(parse(&o, err, smp, 4), -EINVAL);
	const char *load[] = {"-kernel", "k", "-load-addr", "0x100001"};
	cr_assert_eq(parse(&o, err, load, 4), -EINVAL);
	const char *help[] = {"--help"};
	cr_assert_eq(parse(&o, err, help, 1), 0);
	cr_assert(o.help);
}

Test(cli_args, report_destination)
{
	struct run_opts o;
	char err[256];
	const char *file[] = {"-kernel", "k", "-report", "file:/tmp/r.txt"};
	cr_assert_eq(parse(&o, err, file, 4), 0, "%s", err);
	cr_assert_str_eq(o.report, "/tmp/r.txt");
	const char *se[] = {"-kernel", "k", "-report", "stderr"};
	cr_assert_eq(parse(&o, err, se, 4), 0, "%s", err);
	cr_assert_str_eq(o.report, "stderr");
	const char *none[] = {"-kernel", "k"};
	cr_assert_eq(parse(&o, err, none, 2), 0, "%s", err);
	cr_assert_null(o.report);
	const char *bad[] = {"-kernel", "k", "-report", "file:"};
	cr_assert_eq(parse(&o, err, bad, 4), -EINVAL);
	cr_assert(strstr(err, "-report"), "%s", err);
	const char *bad2[] = {"-kernel", "k", "-report", "udp:1"};
	cr_assert_eq(parse(&o, err, bad2, 4), -EINVAL);
}

Test(cli_args, app_arguments_for_the_report_port)
{
	struct run_opts o;
	char err[256];
	const char *ok[] = {"-kernel", "k", "-app", "app=pattern pattern=B"};
	cr_assert_eq(parse(&o, err, ok, 4), 0, "%s", err);
	cr_assert_str_eq(o.app, "app=pattern pattern=B");
	char big[300];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	const char *toolong[] = {"-kernel", "k", "-app", big};
	cr_assert_eq(parse(&o, err, toolong, 4), -EINVAL);
	cr_assert(strstr(err, "-app"), "%s", err);
}

Test(cli_args, screen_live_and_a_bad_screen_value)
{
	struct run_opts o;
	char err[256];
	const char *live[] = {"-kernel", "k", "-screen", "live"};
	cr_assert_eq(parse(&o, err, live, 4), 0, "%s", err);
	cr_assert_eq(o.screen, SCREEN_LIVE);
	const char *dflt[] = {"-kernel", "k"};
	cr_assert_eq(parse(&o, err, dflt, 2), 0, "%s", err);
	cr_assert_eq(o.screen, SCREEN_EXIT);
	const char *bad[] = {"-kernel", "k", "-screen", "vga"};
	cr_assert_eq(parse(&o, err, bad, 4), -EINVAL);
	cr_assert_str_eq(err, "-screen 'vga': expected exit, live or none");
}
