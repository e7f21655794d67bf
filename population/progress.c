/* Progress display: a redrawn line on terminals, rate-limited plain lines in logs. */
#include "population/progress.h"

#include <stdarg.h>

int progress_format(char *buf, size_t size, const struct progress_view *v)
{
	return snprintf(buf, size,
			"launched %u/%u, running %u, failed %u, finished %u, MemAvailable %llu MiB",
			v->launched, v->total, v->running, v->failed, v->finished,
			(unsigned long long)(v->mem_available_kb >> 10));
}

void progress_init(struct progress *p, FILE *out, bool tty)
{
	*p = (struct progress){
	    .out = out, .tty = tty, .interval_ns = tty ? 250000000ull : 5000000000ull};
}

void progress_update(struct progress *p, const struct progress_view *v, uint64_t now_ns, bool force)
{
	if (!force && p->last_ns && now_ns - p->last_ns < p->interval_ns)
		return;
	p->last_ns = now_ns;
	char line[256];
	progress_format(line, sizeof(line), v);
	if (p->tty) {
		/* \r and erase-to-end: the line shrinks as well as grows */
		fprintf(p->out, "\r\033[Ktinyvmm pop: %s", line);
		p->line_shown = true;
	} else {
		fprintf(p->out, "tinyvmm pop: %s\n", line);
	}
	fflush(p->out);
}

void progress_log(struct progress *p, const char *fmt, ...)
{
	if (p->line_shown)
		fputs("\r\033[K", p->out);
	fputs("tinyvmm pop: ", p->out);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	if (p->line_shown)
		p->last_ns = 0; /* the live line was erased: redraw it at the next update */
	p->line_shown = false;
	fflush(p->out);
}

void progress_done(struct progress *p)
{
	if (p->line_shown)
		fputc('\n', p->out);
	p->line_shown = false;
	fflush(p->out);
}
