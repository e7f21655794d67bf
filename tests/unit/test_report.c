/* Unit tests for the report port (devices/report.c) and the -report log (cli/report_log.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/report_log.h"
#include "devices/report.h"

struct seen {
	unsigned n;
	uint64_t ns[8];
	unsigned event[8];
	uint32_t value[8];
};

static void record(void *ctx, uint64_t host_ns, unsigned event, uint32_t value)
{
	struct seen *s = ctx;
	if (s->n < 8) {
		s->ns[s->n] = host_ns;
		s->event[s->n] = event;
		s->value[s->n] = value;
	}
	s->n++;
}

static uint64_t fake_now(void *ctx)
{
	return *(uint64_t *)ctx;
}

struct rig {
	struct seen seen;
	uint64_t now;
	struct report_dev dev;
};

static void rig_up(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	struct report_config cfg = {
	    .sink = {.report = record, .ctx = &r->seen}, .now_ns = fake_now, .clock_ctx = &r->now};
	cr_assert_eq(report_init(&r->dev, &cfg), 0);
}

Test(report, a_word_becomes_event_and_value_stamped_with_the_host_clock)
{
	struct rig r;
	rig_up(&r);
	r.now = 1234567;
	report_io_ops.write(&r.dev, 0, 4, REPORT_WORD(REPORT_LAP, 42));
	r.now = 2000000;
	report_io_ops.write(&r.dev, 0, 4, REPORT_WORD(REPORT_APP_DONE, 3));
	cr_assert_eq(r.seen.n, 2);
	cr_assert_eq(r.seen.ns[0], 1234567);
	cr_assert_eq(r.seen.event[0], REPORT_LAP);
	cr_assert_eq(r.seen.value[0], 42);
	cr_assert_eq(r.seen.ns[1], 2000000);
	cr_assert_eq(r.seen.event[1], REPORT_APP_DONE);
	cr_assert_eq(r.seen.value[1], 3);
	cr_assert_eq(r.dev.count[REPORT_LAP], 1);
	cr_assert_eq(r.dev.count[REPORT_APP_DONE], 1);
}

Test(report, reads_other_than_the_magic_and_argument_bytes_float_high)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(report_io_ops.read(&r.dev, 0, 4), REPORT_MAGIC);
	cr_assert_eq(report_io_ops.read(&r.dev, 0, 1), 0xFF);
	cr_assert_eq(report_io_ops.read(&r.dev, 0, 2), 0xFFFF);
	cr_assert_eq(report_io_ops.read(&r.dev, 1, 2), 0xFFFF);
	cr_assert_eq(report_io_ops.read(&r.dev, 3, 1), 0xFF);
	cr_assert_eq(report_io_ops.read(&r.dev, 2, 2), 0xFFFF);
}

Test(report, other_widths_and_offsets_are_counted_and_ignored)
{
	struct rig r;
	rig_up(&r);
	report_io_ops.write(&r.dev, 0, 1, 0x03);
	report_io_ops.write(&r.dev, 0, 2, 0x0300);
	report_io_ops.write(&r.dev, 2, 2, 0x0300);
	report_io_ops.write(&r.dev, 1, 1, 0x03);
	cr_assert_eq(r.seen.n, 0);
	cr_assert_eq(r.dev.malformed, 4);
}

Test(report, unknown_events_still_reach_the_sink_and_are_counted_apart)
{
	struct rig r;
	rig_up(&r);
	report_io_ops.write(&r.dev, 0, 4, 0xEE000005u);
	report_io_ops.write(&r.dev, 0, 4, 0x00000001u);
	cr_assert_eq(r.seen.n, 2);
	cr_assert_eq(r.seen.event[0], 0xEE);
	cr_assert_eq(r.seen.value[0], 5);
	cr_assert_eq(r.dev.unknown, 2);
	char buf[24];
	cr_assert_str_eq(report_event_name(0xEE, buf, sizeof(buf)), "event-238");
	cr_assert_str_eq(report_event_name(REPORT_APP_START, buf, sizeof(buf)), "app-start");
}

Test(report, without_a_sink_reports_are_only_counted)
{
	struct report_dev d;
	struct report_config cfg = {0};
	cr_assert_eq(report_init(&d, &cfg), 0);
	report_io_ops.write(&d, 0, 4, REPORT_WORD(REPORT_KERNEL_UP, 0));
	cr_assert_eq(d.count[REPORT_KERNEL_UP], 1);
	cr_assert_eq(report_init(NULL, &cfg), -EINVAL);
	cr_assert_eq(report_init(&d, NULL), -EINVAL);
}

Test(report, words_saturate_values_instead_of_wrapping)
{
	cr_assert_eq(REPORT_WORD(REPORT_RESULT, 165580141u), 0x05FFFFFFu);
	cr_assert_eq(REPORT_WORD(REPORT_RESULT, 0xFFFFFFu), 0x05FFFFFFu);
	cr_assert_eq(REPORT_WORD(REPORT_LAP, 7), 0x03000007u);
	cr_assert_eq(REPORT_EVENT_OF(0x03000007u), REPORT_LAP);
	cr_assert_eq(REPORT_VALUE_OF(0x03000007u), 7);
}

Test(report, the_log_writes_one_flushed_line_per_report)
{
	char path[] = "/tmp/tinyvmm-report-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	struct report_log l;
	cr_assert_eq(report_log_open(&l, path), 0);
	struct report_sink s = report_log_sink(&l);
	s.report(s.ctx, l.origin_ns + 1500000000ull, REPORT_LAP, 2);
	s.report(s.ctx, l.origin_ns + 2000001000ull, REPORT_APP_DONE, 9);
	/* flushed before close: a reader sees the lines while the VM still runs */
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	char text[256] = {0};
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	report_log_close(&l);
	unlink(path);
	cr_assert_gt(n, 0);
	cr_assert_str_eq(text, "report 1.500000 lap 2\nreport 2.000001 app-done 9\n");
}

Test(report, the_log_refuses_a_path_it_cannot_write)
{
	struct report_log l;
	cr_assert_eq(report_log_open(&l, "/nonexistent-dir/r.txt"), -ENOENT);
}

static unsigned read_args(struct report_dev *d, char *out, unsigned n)
{
	cr_assert_eq(report_io_ops.read(d, 0, 4), REPORT_MAGIC);
	unsigned len = 0;
	for (unsigned i = 0; i < n; i++) {
		out[i] = (char)report_io_ops.read(d, 1, 1);
		if (out[i] && len == i)
			len = i + 1;
	}
	return len;
}

Test(report, host_args_are_read_byte_by_byte_then_zeros_and_rewound_by_the_magic)
{
	struct report_dev d;
	struct report_config cfg = {.args = "app=pattern pattern=B"};
	cr_assert_eq(report_init(&d, &cfg), 0);
	char buf[REPORT_ARGS_MAX + 8];
	/* more reads than the buffer holds: the tail stays zero, nothing wraps */
	cr_assert_eq(read_args(&d, buf, sizeof(buf)), 21);
	cr_assert_eq(memcmp(buf, "app=pattern pattern=B", 21), 0);
	for (unsigned i = 21; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0, "byte %u", i);
	cr_assert_eq(read_args(&d, buf, 4), 4);
	cr_assert_eq(memcmp(buf, "app=", 4), 0, "the magic read rewinds");
}

Test(report, no_host_args_read_as_zeros_and_too_long_ones_are_refused)
{
	struct report_dev d;
	struct report_config none = {0};
	cr_assert_eq(report_init(&d, &none), 0);
	char buf[8];
	cr_assert_eq(read_args(&d, buf, sizeof(buf)), 0);
	char big[REPORT_ARGS_MAX + 1];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct report_config toolong = {.args = big};
	cr_assert_eq(report_init(&d, &toolong), -EINVAL);
	big[REPORT_ARGS_MAX - 1] = 0; /* 255 bytes fit */
	cr_assert_eq(report_init(&d, &toolong), 0);
}

struct fake_ram {
	uint8_t bytes[256];
	char out[512];
	size_t out_len;
};

static int fake_read(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	struct fake_ram *m = ctx;
	if (gpa > sizeof(m->bytes) || len > sizeof(m->bytes) - gpa)
		return -EFAULT;
	memcpy(dst, m->bytes + gpa, len);
	return 0;
}

static void fake_console(void *ctx, const uint8_t *buf, size_t len)
{
	struct fake_ram *m = ctx;
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
}

Test(report, console_records_reach_the_console_in_one_write_and_no_milestone)
{
	static struct fake_ram ram;
	struct seen seen = {0};
	struct report_dev d;
	struct report_config cfg = {.sink = {.report = record, .ctx = &seen},
				    .read_guest = fake_read,
				    .mem_ctx = &ram,
				    .console = {.write = fake_console, .ctx = &ram}};
	cr_assert_eq(report_init(&d, &cfg), 0);
	ram.bytes[16] = 18;
	memcpy(ram.bytes + 17, "Sleeping. Count 1\n", 18);
	report_io_ops.write(&d, 0, 4, REPORT_WORD(REPORT_CONSOLE, 16));
	cr_assert_eq(ram.out_len, 18);
	cr_assert_eq(memcmp(ram.out, "Sleeping. Count 1\n", 18), 0);
	cr_assert_eq(seen.n, 0, "console output is not a milestone");
	cr_assert_eq(d.console_bytes, 18);
	cr_assert_eq(d.count[REPORT_CONSOLE], 1);
}

Test(report, console_records_past_ram_or_empty_are_dropped_and_counted)
{
	static struct fake_ram ram;
	struct report_dev d;
	struct report_config cfg = {.read_guest = fake_read,
				    .mem_ctx = &ram,
				    .console = {.write = fake_console, .ctx = &ram}};
	cr_assert_eq(report_init(&d, &cfg), 0);
	ram.bytes[250] = 200; /* the bytes would run past the end of RAM */
	report_io_ops.write(&d, 0, 4, REPORT_WORD(REPORT_CONSOLE, 250));
	ram.bytes[10] = 0; /* empty */
	report_io_ops.write(&d, 0, 4, REPORT_WORD(REPORT_CONSOLE, 10));
	report_io_ops.write(&d, 0, 4, REPORT_WORD(REPORT_CONSOLE, 0xFFFFFF)); /* no RAM there */
	cr_assert_eq(ram.out_len, 0);
	cr_assert_eq(d.console_dropped, 3);
	struct report_dev bare;
	struct report_config none = {0};
	cr_assert_eq(report_init(&bare, &none), 0);
	report_io_ops.write(&bare, 0, 4, REPORT_WORD(REPORT_CONSOLE, 16));
	cr_assert_eq(bare.console_dropped, 1, "no reader: dropped, not a crash");
}
