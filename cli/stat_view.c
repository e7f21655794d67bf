/* Parses the `metrics` reply and lays out tinyvmm stat's table: per type, then all guests. */
#include "cli/stat_view.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"

/* KEY VALUE pairs after the line's first word(s); unknown keys are a newer server's: skipped. */
struct field {
	const char *key;
	char kind; /* 'u': unsigned, 'U': uint64_t, 'd': double */
	void *at;
};

static int fields(char *rest, const struct field *f, size_t n)
{
	char *save = NULL;
	for (char *k = strtok_r(rest, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		char *v = strtok_r(NULL, " ", &save), *end;
		if (!v)
			return -EPROTO;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(k, f[i].key))
				continue;
			/* counts through parse_u64: no sign, no junk, no silent wrap */
			uint64_t u;
			errno = 0;
			if (f[i].kind == 'd') {
				*(double *)f[i].at = strtod(v, &end);
				if (errno || *end || end == v)
					return -EPROTO;
			} else if (parse_u64(v, f[i].kind == 'u' ? UINT_MAX : UINT64_MAX, &u)) {
				return -EPROTO;
			} else if (f[i].kind == 'u') {
				*(unsigned *)f[i].at = (unsigned)u;
			} else {
				*(uint64_t *)f[i].at = u;
			}
		}
	}
	return 0;
}

static int parse_population(char *rest, struct stat_snapshot *s)
{
	char *sp = strchr(rest, ' ');
	size_t len = sp ? (size_t)(sp - rest) : strlen(rest);
	if (!len || len >= sizeof(s->name))
		return -EPROTO;
	memcpy(s->name, rest, len);
	s->name[len] = '\0';
	const struct field f[] = {
	    {"now_ns", 'U', &s->now_ns},
	    {"uptime_ns", 'U', &s->uptime_ns},
	    {"guests", 'u', &s->guests},
	    {"mem_total_kb", 'U', &s->mem_total_kb},
	    {"mem_available_kb", 'U', &s->mem_available_kb},
	    {"load_1", 'd', &s->load_1},
	    {"rss_kb", 'U', &s->rss_kb},
	};
	return sp ? fields(sp + 1, f, sizeof(f) / sizeof(f[0])) : -EPROTO;
}

static int parse_type(char *rest, struct stat_snapshot *s)
{
	char *sp = strchr(rest, ' ');
	if (!sp)
		return -EPROTO;
	*sp = '\0';
	int t = guest_type_parse(rest);
	if (t < 0)
		return 0; /* a type this client does not know */
	struct stat_type *x = &s->types[t];
	const struct field f[] = {
	    {"guests", 'u', &x->guests},   {"pending", 'u', &x->pending},
	    {"running", 'u', &x->running}, {"booting", 'u', &x->booting},
	    {"paused", 'u', &x->paused},   {"booted", 'U', &x->booted},
	    {"failed", 'U', &x->failed},   {"finished", 'U', &x->finished},
	    {"exits", 'U', &x->exits},	   {"vcpu_ns", 'U', &x->vcpu_ns},
	    {"ram_kb", 'U', &x->ram_kb},
	};
	x->present = true;
	return fields(sp + 1, f, sizeof(f) / sizeof(f[0]));
}

int stat_parse(const char *reply, struct stat_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	char *copy = strdup(reply);
	if (!copy)
		return -ENOMEM;
	int r = 0;
	bool seen = false;
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l && !r; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "population ", 11)) {
			r = parse_population(l + 11, s);
			seen = true;
		} else if (!strncmp(l, "type ", 5)) {
			r = parse_type(l + 5, s);
		}
	}
	free(copy);
	return r ? r : seen ? 0 : -EPROTO;
}

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	if (o->len + 1 >= o->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->size ? o->len + (size_t)n : o->size - 1;
}

static uint64_t since(uint64_t now, uint64_t before)
{
	return now > before ? now - before : 0;
}

/* One row: the rates over the interval between the two snapshots, or "-" without one. */
static void row(struct out *o, const char *label, const struct stat_type *t,
		const struct stat_type *p, double secs)
{
	char exits[24] = "-", vcpu[24] = "-";
	if (p && secs > 0) {
		snprintf(exits, sizeof(exits), "%.1f", (double)since(t->exits, p->exits) / secs);
		snprintf(vcpu, sizeof(vcpu), "%.1f",
			 (double)since(t->vcpu_ns, p->vcpu_ns) / 1e7 / secs);
	}
	put(o, "%-5s %7u %7u %7u %6u %8" PRIu64 " %6" PRIu64 " %9s %6s %9.1f\n", label, t->guests,
	    t->running, t->booting, t->paused, t->finished, t->failed, exits, vcpu,
	    (double)t->ram_kb / 1024);
}

static void add(struct stat_type *sum, const struct stat_type *t)
{
	sum->guests += t->guests;
	sum->running += t->running;
	sum->booting += t->booting;
	sum->paused += t->paused;
	sum->finished += t->finished;
	sum->failed += t->failed;
	sum->exits += t->exits;
	sum->vcpu_ns += t->vcpu_ns;
	sum->ram_kb += t->ram_kb;
}

size_t stat_render(char *buf, size_t size, const struct stat_snapshot *prev,
		   const struct stat_snapshot *cur)
{
	struct out o = {.buf = buf, .size = size};
	if (size)
		buf[0] = '\0';
	double secs = prev ? (double)since(cur->now_ns, prev->now_ns) / 1e9 : 0;
	put(&o,
	    "tinyvmm stat: %s, %u guests, up %.0f s   host: %.0f of %.0f MiB available, "
	    "load %.2f   tinyvmm RSS %.1f MiB\n",
	    cur->name, cur->guests, (double)cur->uptime_ns / 1e9,
	    (double)cur->mem_available_kb / 1024, (double)cur->mem_total_kb / 1024, cur->load_1,
	    (double)cur->rss_kb / 1024);
	put(&o, "%-5s %7s %7s %7s %6s %8s %6s %9s %6s %9s\n", "TYPE", "GUESTS", "RUNNING",
	    "BOOTING", "PAUSED", "FINISHED", "FAILED", "EXITS/S", "VCPU%", "MEM_MIB");
	struct stat_type all = {0}, all_prev = {0};
	for (int t = 0; t < GUEST_TYPES; t++) {
		const struct stat_type *c = &cur->types[t];
		if (!c->present)
			continue;
		const struct stat_type *p = prev && prev->types[t].present ? &prev->types[t] : NULL;
		row(&o, guest_type_name((enum guest_type)t), c, p, secs);
		add(&all, c);
		/* a type new since the last sample adds to the levels, not to the rates */
		add(&all_prev, p ? p : c);
	}
	row(&o, "all", &all, prev ? &all_prev : NULL, secs);
	return o.len;
}
