/* Unit tests of tinyvmm stat's screen: the metrics reply parsed, rates from two replies, the table.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "cli/stat_view.h"

static const char reply1[] =
    "population web now_ns 10000000000 uptime_ns 5000000000 guests 7 mem_total_kb 2097152 "
    "mem_available_kb 1048576 load_1 0.50 rss_kb 20480\n"
    "type l4 guests 5 pending 1 running 3 booting 2 paused 1 booted 4 failed 0 finished 1 "
    "exits 1000 vcpu_ns 1000000000 ram_kb 6144\n"
    "type tcl guests 2 pending 0 running 1 booting 0 paused 0 booted 2 failed 1 finished 0 "
    "exits 50 vcpu_ns 0 ram_kb 32768\n";

/* Two seconds later: 600 more l4 exits and 0.5 s more vCPU; tcl unchanged. */
static const char reply2[] =
    "population web now_ns 12000000000 uptime_ns 7000000000 guests 7 mem_total_kb 2097152 "
    "mem_available_kb 1048576 load_1 0.75 rss_kb 20480 some_new_key 3\n"
    "type l4 guests 5 pending 0 running 4 booting 1 paused 1 booted 5 failed 0 finished 1 "
    "exits 1600 vcpu_ns 1500000000 ram_kb 8192\n"
    "type tcl guests 2 pending 0 running 1 booting 0 paused 0 booted 2 failed 1 finished 0 "
    "exits 50 vcpu_ns 0 ram_kb 32768\n"
    "type xx guests 1\n";

Test(stat_view, parses_the_metrics_reply)
{
	struct stat_snapshot s;
	cr_assert_eq(stat_parse(reply2, &s), 0);
	cr_expect_str_eq(s.name, "web");
	cr_expect_eq(s.now_ns, 12000000000ull);
	cr_expect_eq(s.guests, 7);
	cr_expect_float_eq(s.load_1, 0.75, 1e-9);
	cr_expect(s.types[GUEST_L4].present);
	cr_expect(!s.types[GUEST_BM].present);
	cr_expect_eq(s.types[GUEST_L4].running, 4);
	cr_expect_eq(s.types[GUEST_L4].exits, 1600);
	cr_expect_eq(s.types[GUEST_TCL].failed, 1);
	cr_expect_eq(stat_parse("ok\n", &s), -EPROTO, "no population line");
	cr_expect_eq(stat_parse("population p now_ns x\n", &s), -EPROTO, "a bad number");
	cr_expect_eq(stat_parse("population p now_ns\n", &s), -EPROTO, "a key without value");
}

Test(stat_view, renders_rates_between_two_replies)
{
	struct stat_snapshot a, b;
	cr_assert_eq(stat_parse(reply1, &a), 0);
	cr_assert_eq(stat_parse(reply2, &b), 0);
	char screen[2048];
	size_t n = stat_render(screen, sizeof(screen), &a, &b);
	cr_assert_eq(n, strlen(screen));
	cr_expect(strstr(screen, "tinyvmm stat: web, 7 guests, up 7 s   host: 1024 of 2048 MiB "
				 "available, load 0.75   tinyvmm RSS 20.0 MiB\n"),
		  "%s", screen);
	cr_expect(strstr(screen, "TYPE   GUESTS RUNNING BOOTING PAUSED FINISHED FAILED   EXITS/S  "
				 "VCPU%   MEM_MIB\n"),
		  "%s", screen);
	/* l4: 600 exits and 0.5 s of vCPU in 2 s: 300/s and 25 % of one core */
	cr_expect(strstr(screen, "l4          5       4       1      1        1      0     300.0   "
				 "25.0       8.0\n"),
		  "%s", screen);
	cr_expect(strstr(screen,
			 "tcl         2       1       0      0        0      1       0.0    "
			 "0.0      32.0\n"),
		  "%s", screen);
	cr_expect(strstr(screen, "all         7       5       1      1        1      1     300.0   "
				 "25.0      40.0\n"),
		  "%s", screen);
	cr_expect(!strstr(screen, "bm "), "a type without guests has a row:\n%s", screen);
}

Test(stat_view, without_a_previous_reply_rates_read_as_a_dash)
{
	struct stat_snapshot b;
	cr_assert_eq(stat_parse(reply2, &b), 0);
	char screen[2048];
	stat_render(screen, sizeof(screen), NULL, &b);
	cr_expect(strstr(screen, "l4          5       4       1      1        1      0         -   "
				 "   -       8.0\n"),
		  "%s", screen);
}

Test(stat_view, a_small_buffer_gets_a_cut_screen_never_an_overrun)
{
	struct stat_snapshot b;
	cr_assert_eq(stat_parse(reply2, &b), 0);
	char screen[40];
	memset(screen, 'x', sizeof(screen));
	size_t n = stat_render(screen, 32, NULL, &b);
	cr_expect_lt(n, 32);
	cr_expect_eq(screen[n], '\0');
	cr_expect_eq(screen[33], 'x');
}
