/* Unit tests of `tinyvmm pop` options and spec files: groups, defaults, line-numbered refusals. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/parse.h"
#include "population/spec.h"

#define ARGV(...)	   ((char *[]){__VA_ARGS__, NULL})
#define ARGC(...)	   ((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)))
#define PARSE(s, err, ...) pop_spec_parse(s, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), err, sizeof(err))

Test(pop_spec, command_line_group_with_type_defaults)
{
	struct pop_spec s;
	char err[256] = "";
	cr_assert_eq(PARSE(&s, err, "-t", "l4", "-i", "l4.img", "-n", "20", "--stats", "s.csv",
			   "--results", "r.csv", "--duration", "60"),
		     0, "%s", err);
	cr_assert_eq(s.ngroups, 1);
	cr_assert_eq(s.total, 20);
	cr_assert_eq(s.groups[0].type, GUEST_L4);
	cr_assert_str_eq(s.groups[0].image, "l4.img");
	cr_assert_eq(s.groups[0].ram_bytes, 2ull << 20, "l4 defaults to 2 MiB");
	cr_assert_eq(s.groups[0].smp, 1);
	cr_assert_null(s.groups[0].app);
	cr_assert_str_eq(s.stats_path, "s.csv");
	cr_assert_str_eq(s.results_path, "r.csv");
	cr_assert_float_eq(s.duration_s, 60.0, 1e-9);
	cr_assert_float_eq(s.interval_s, 1.0, 1e-9);
	cr_assert_eq(s.min_free_kb, POP_DEFAULT_MIN_FREE >> 10);
	pop_spec_free(&s);
}

Test(pop_spec, types_have_the_thesis_memory_and_m_overrides)
{
	struct pop_spec s;
	char err[256] = "";
	cr_assert_eq(PARSE(&s, err, "-t", "bm", "-i", "d", "-n", "1"), 0, "%s", err);
	cr_assert_eq(s.groups[0].ram_bytes, 4ull << 20);
	pop_spec_free(&s);
	cr_assert_eq(PARSE(&s, err, "--type", "tcl", "--image", "d", "--count", "1"), 0, "%s", err);
	cr_assert_eq(s.groups[0].ram_bytes, 32ull << 20);
	pop_spec_free(&s);
	cr_assert_eq(PARSE(&s, err, "-t", "tcl", "-i", "d", "-n", "1", "-m", "48"), 0, "%s", err);
	cr_assert_eq(s.groups[0].ram_bytes, 48ull << 20);
	pop_spec_free(&s);
}

Test(pop_spec, app_gets_its_key_when_given_bare)
{
	struct pop_spec s;
	char err[256] = "";
	cr_assert_eq(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "2", "--app", "pattern pattern=B"),
		     0, "%s", err);
	cr_assert_str_eq(s.groups[0].app, "app=pattern pattern=B");
	pop_spec_free(&s);
	cr_assert_eq(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "2", "--app", "app=hello count=3"),
		     0, "%s", err);
	cr_assert_str_eq(s.groups[0].app, "app=hello count=3");
	pop_spec_free(&s);
	char big[300];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "2", "--app", big), -EINVAL);
	cr_assert(strstr(err, "--app"), "%s", err);
}

Test(pop_spec, global_times_accept_units)
{
	struct pop_spec s;
	char err[256] = "";
	cr_assert_eq(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--stagger", "500ms",
			   "--interval", "2.5", "--duration", "2m", "--samples", "30", "--stats",
			   "s", "--min-free", "1G", "--max-load", "3.5", "--ksm", "--overcommit",
			   "--name", "exp-1"),
		     0, "%s", err);
	cr_assert_float_eq(s.stagger_s, 0.5, 1e-9);
	cr_assert_float_eq(s.interval_s, 2.5, 1e-9);
	cr_assert_float_eq(s.duration_s, 120, 1e-9);
	cr_assert_eq(s.samples, 30);
	cr_assert_eq(s.min_free_kb, 1ull << 20);
	cr_assert(s.has_max_load);
	cr_assert_float_eq(s.max_load, 3.5, 1e-9);
	cr_assert(s.ksm);
	cr_assert(s.overcommit);
	cr_assert_str_eq(s.name, "exp-1");
	pop_spec_free(&s);
}

/* Each bad input gives -EINVAL and a message naming the culprit. */
static void refused(int r, const char *err, const char *needle)
{
	cr_assert_eq(r, -EINVAL, "accepted; want a refusal naming %s", needle);
	cr_assert(strstr(err, needle), "message '%s' does not name %s", err, needle);
}

Test(pop_spec, bad_command_lines_are_refused)
{
	struct pop_spec s;
	char err[256];
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "0"), err, "-n '0'");
	refused(PARSE(&s, err, "-t", "l5", "-i", "x", "-n", "1"), err, "unknown type");
	refused(PARSE(&s, err, "-i", "x", "-n", "1"), err, "-t");
	refused(PARSE(&s, err, "-t", "l4", "-n", "1"), err, "-i");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x"), err, "-n");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "100001"), err, "-n");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "-m", "0"), err, "-m");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--stagger", "-1"), err,
		"--stagger");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--duration", "0"), err,
		"--duration");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--interval", "0"), err,
		"--interval");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--samples", "5"), err, "--stats");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--max-load", "x"), err,
		"--max-load");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--name", "a/b"), err, "--name");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--bogus", "1"), err, "--bogus");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n"), err, "needs a value");
	refused(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "stray"), err, "stray");
}

Test(pop_spec, help_wins)
{
	struct pop_spec s;
	char err[64];
	cr_assert_eq(PARSE(&s, err, "-n", "0", "--help"), -EINVAL, "-n 0 comes first");
	cr_assert_eq(PARSE(&s, err, "--help", "-n", "0"), 0);
	cr_assert(s.help);
	pop_spec_free(&s);
}

Test(pop_spec, split_handles_quotes_and_comments)
{
	int argc;
	char **argv;
	const char *why = "";
	cr_assert_eq(pop_spec_split("  -t l4 --app \"pattern pattern=B\" -i 'my disk.img' # note",
				    &argc, &argv, &why),
		     0);
	cr_assert_eq(argc, 6);
	cr_assert_str_eq(argv[3], "pattern pattern=B");
	cr_assert_str_eq(argv[5], "my disk.img");
	cr_assert_null(argv[6]);
	free(argv);
	cr_assert_eq(pop_spec_split("a\"b \\\"c\\\\\"d", &argc, &argv, &why), 0);
	cr_assert_eq(argc, 1);
	cr_assert_str_eq(argv[0], "ab \"c\\d");
	free(argv);
	cr_assert_eq(pop_spec_split("--app \"open", &argc, &argv, &why), -EINVAL);
	cr_assert(strstr(why, "unterminated"));
	cr_assert_eq(pop_spec_split("   # only a comment", &argc, &argv, &why), 0);
	cr_assert_eq(argc, 0);
	free(argv);
}

Test(pop_spec, spec_text_mixes_groups)
{
	struct pop_spec s = {0};
	char err[256] = "";
	const char *text = "# the thesis's mixed population\n"
			   "\n"
			   "-t l4 -i l4.img -n 10 --app \"pattern pattern=B\"\n"
			   "-t tcl -i tcl.img -n 5 -m 48 --app context\n"
			   "-t l4 -i kick --initrd 'k,s0,rt app=hello' -n 3\n";
	cr_assert_eq(pop_spec_load_text(&s, text, "mix.spec", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.ngroups, 3);
	cr_assert_eq(s.total, 18);
	cr_assert_eq(s.groups[1].type, GUEST_TCL);
	cr_assert_eq(s.groups[1].ram_bytes, 48ull << 20);
	cr_assert_str_eq(s.groups[1].app, "app=context");
	cr_assert_str_eq(s.groups[2].initrd, "k,s0,rt app=hello");
	cr_assert_str_eq(s.groups[0].where, "mix.spec:3");
	pop_spec_free(&s);
}

Test(pop_spec, spec_errors_name_the_line)
{
	struct pop_spec s = {0};
	char err[256] = "";
	const char *text = "-t l4 -i l4.img -n 10\n"
			   "# fine so far\n"
			   "-t l4 -i l4.img -n 0\n";
	cr_assert_eq(pop_spec_load_text(&s, text, "p.spec", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "p.spec:3:"), "%s", err);
	pop_spec_free(&s);

	s = (struct pop_spec){0};
	cr_assert_eq(
	    pop_spec_load_text(&s, "-t l4 -i x -n 1 --stats s.csv\n", "q.spec", err, sizeof(err)),
	    -EINVAL);
	cr_assert(strstr(err, "q.spec:1:") && strstr(err, "--stats"), "%s", err);
	pop_spec_free(&s);

	s = (struct pop_spec){0};
	cr_assert_eq(pop_spec_load_text(&s, "\n\n-t l4 --app \"x\n", "r.spec", err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "r.spec:3:") && strstr(err, "quote"), "%s", err);
	pop_spec_free(&s);

	s = (struct pop_spec){0};
	cr_assert_eq(pop_spec_load_text(&s, "# nothing\n", "e.spec", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "no groups"), "%s", err);
	pop_spec_free(&s);
}

Test(pop_spec, spec_file_from_the_command_line)
{
	char path[] = "/tmp/tinyvmm-spec-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	const char text[] = "-t bm -i bm.img -n 4\n-t l4 -i l4.img -n 2 --app hello\n";
	cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	struct pop_spec s;
	char err[256] = "";
	int r = PARSE(&s, err, "--spec", path, "--stagger", "5");
	unlink(path);
	cr_assert_eq(r, 0, "%s", err);
	cr_assert_eq(s.ngroups, 2);
	cr_assert_eq(s.total, 6);
	cr_assert_float_eq(s.stagger_s, 5, 1e-9);
	pop_spec_free(&s);

	r = PARSE(&s, err, "--spec", "/nonexistent/x.spec");
	cr_assert_eq(r, -EINVAL);
	cr_assert(strstr(err, "/nonexistent/x.spec"), "%s", err);
}

Test(pop_spec, seconds)
{
	double d;
	cr_assert_eq(parse_seconds("10", &d), 0);
	cr_assert_float_eq(d, 10, 1e-12);
	cr_assert_eq(parse_seconds("0", &d), 0);
	cr_assert_eq(parse_seconds("250ms", &d), 0);
	cr_assert_float_eq(d, 0.25, 1e-12);
	cr_assert_eq(parse_seconds("1h", &d), 0);
	cr_assert_float_eq(d, 3600, 1e-12);
	cr_assert_eq(parse_seconds("", &d), -EINVAL);
	cr_assert_eq(parse_seconds("-1", &d), -EINVAL);
	cr_assert_eq(parse_seconds("1x", &d), -EINVAL);
	cr_assert_eq(parse_seconds("nan", &d), -EINVAL);
	cr_assert_eq(parse_seconds("inf", &d), -EINVAL);
	cr_assert_eq(parse_seconds("0x10", &d), -EINVAL);
}

Test(pop_spec, type_names)
{
	cr_assert_eq(guest_type_parse("l4"), GUEST_L4);
	cr_assert_eq(guest_type_parse("bm"), GUEST_BM);
	cr_assert_eq(guest_type_parse("tcl"), GUEST_TCL);
	cr_assert_eq(guest_type_parse("L4"), -1);
	cr_assert_str_eq(guest_type_name(GUEST_TCL), "tcl");
}
