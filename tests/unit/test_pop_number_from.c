/* Unit tests of --number-from: guest numbers per type that start where another population's end. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "population/spec.h"

#define ARGV(...)	   ((char *[]){__VA_ARGS__, NULL})
#define ARGC(...)	   ((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)))
#define PARSE(s, err, ...) pop_spec_parse(s, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), err, sizeof(err))

Test(pop_number_from, each_type_named_starts_there_the_others_at_one)
{
	struct pop_spec s;
	char err[256] = "";
	cr_assert_eq(
	    PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "3", "--number-from", "l4=501,tcl=7"), 0,
	    "%s", err);
	cr_expect_eq(pop_spec_first_number(&s, GUEST_L4), 501);
	cr_expect_eq(pop_spec_first_number(&s, GUEST_BM), 1);
	cr_expect_eq(pop_spec_first_number(&s, GUEST_TCL), 7);
	pop_spec_free(&s);
	cr_assert_eq(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "3"), 0, "%s", err);
	cr_expect_eq(pop_spec_first_number(&s, GUEST_L4), 1, "without the option: 1");
	pop_spec_free(&s);
}

Test(pop_number_from, malformed_values_are_refused_with_the_reason)
{
	static const char *const bad[] = {
	    "",	     "l4",   "l4=",	  "=5",		 "l4=0",  "l4=x",
	    "l4=5,", "xx=5", "l4=5,l4=6", "l4=10000000", "l4=-1", "l4=5;bm=2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pop_spec s;
		char err[256] = "";
		cr_expect_eq(PARSE(&s, err, "-t", "l4", "-i", "x", "-n", "1", "--number-from",
				   (char *)bad[i]),
			     -EINVAL, "'%s' was taken", bad[i]);
		cr_expect(strstr(err, "--number-from"), "'%s': %s", bad[i], err);
	}
}

Test(pop_number_from, the_last_number_must_fit_a_thread_name)
{
	struct pop_spec s;
	char err[256] = "";
	cr_assert_eq(
	    PARSE(&s, err, "-t", "bm", "-i", "x", "-n", "2", "--number-from", "bm=9999998"), 0,
	    "%s", err);
	pop_spec_free(&s);
	cr_assert_eq(
	    PARSE(&s, err, "-t", "bm", "-i", "x", "-n", "3", "--number-from", "bm=9999998"),
	    -EINVAL);
	cr_expect(strstr(err, "bm guests would be numbered up to 10000000"), "%s", err);
}
