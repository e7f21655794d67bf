/* Writes report-port events as "report SECONDS EVENT VALUE" lines for `tinyvmm run -report`. */
#include "cli/report_log.h"

#include <errno.h>
#include <string.h>

#include "base/clock.h"

int report_log_open(struct report_log *l, const char *dest)
{
	memset(l, 0, sizeof(*l));
	if (!strcmp(dest, "stderr")) {
		l->f = stderr;
	} else {
		l->f = fopen(dest, "w");
		if (!l->f)
			return -errno;
		l->own = true;
	}
	pthread_mutex_init(&l->lock, NULL);
	l->origin_ns = clock_mono_ns();
	return 0;
}

static void log_report(void *ctx, uint64_t host_ns, unsigned event, uint32_t value)
{
	struct report_log *l = ctx;
	char buf[24];
	uint64_t t = host_ns > l->origin_ns ? host_ns - l->origin_ns : 0;
	pthread_mutex_lock(&l->lock);
	fprintf(l->f, "report %llu.%06llu %s %u\n", (unsigned long long)(t / 1000000000u),
		(unsigned long long)(t % 1000000000u / 1000u),
		report_event_name(event, buf, sizeof(buf)), value);
	fflush(l->f); /* whoever reads it live (a test, a population) sees each line at once */
	pthread_mutex_unlock(&l->lock);
}

struct report_sink report_log_sink(struct report_log *l)
{
	return (struct report_sink){.report = log_report, .ctx = l};
}

void report_log_close(struct report_log *l)
{
	if (!l->f)
		return;
	if (l->own)
		fclose(l->f);
	pthread_mutex_destroy(&l->lock);
	l->f = NULL;
}
