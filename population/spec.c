/* Parses `tinyvmm pop` options and spec files into groups, refusing bad input before any run. */
#include "population/spec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errf.h"
#include "base/parse.h"
#include "base/text_file.h"
#include "abi/report_abi.h"

static const struct {
	const char *name;
	uint64_t ram;
} types[GUEST_TYPES] = {
    [GUEST_L4] = {"l4", 2ULL << 20},
    [GUEST_BM] = {"bm", 4ULL << 20}, /* kernel at 1 MiB, app at 2 MiB: guests/bm/README.md */
    [GUEST_TCL] = {"tcl", 32ULL << 20},
};

const char *guest_type_name(enum guest_type t)
{
	return (unsigned)t < GUEST_TYPES ? types[t].name : "?";
}

int guest_type_parse(const char *name)
{
	for (int t = 0; t < GUEST_TYPES; t++)
		if (!strcmp(name, types[t].name))
			return t;
	return -1;
}

uint64_t guest_type_default_ram(enum guest_type t)
{
	return (unsigned)t < GUEST_TYPES ? types[t].ram : 0;
}

int pop_spec_split(const char *line, int *argc, char ***argv, const char **why)
{
	size_t len = strlen(line);
	/* at most len / 2 + 1 words; the words themselves are never longer than the line */
	size_t maxw = len / 2 + 2;
	char **v = malloc(maxw * sizeof(char *) + len + 1);
	if (!v)
		return -ENOMEM;
	char *out = (char *)(v + maxw);
	int n = 0;
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		v[n++] = out;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');
				if (!q) {
					free(v);
					*why = "unterminated ' quote";
					return -EINVAL;
				}
				memcpy(out, p + 1, (size_t)(q - p - 1));
				out += q - p - 1;
				p = q + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					*out++ = *p;
				}
				if (*p != '"') {
					free(v);
					*why = "unterminated \" quote";
					return -EINVAL;
				}
				p++;
			} else {
				*out++ = *p++;
			}
		}
		*out++ = '\0';
	}
	v[n] = NULL;
	*argc = n;
	*argv = v;
	return 0;
}

/* "-opt" and "--opt" are the same option, as in `tinyvmm run`. */
static const char *opt_name(const char *a)
{
	if (a[0] != '-' || !a[1])
		return NULL;
	return a[1] == '-' ? a + 2 : a + 1;
}

static bool is_group_opt(const char *name)
{
	static const char *const g[] = {"t", "type", "i",      "image",	 "n",  "count",
					"m", "app",  "initrd", "append", "smp"};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		if (!strcmp(name, g[i]))
			return true;
	return false;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

/* "pattern pattern=B" is what users type (the thesis's app names); the guest reads key=value. */
static int set_app(struct pop_group *g, const char *v, char *err, size_t errlen)
{
	const char *sp = v + strcspn(v, " \t");
	bool bare = !memchr(v, '=', (size_t)(sp - v)) && *v;
	char *s = NULL;
	if (asprintf(&s, "%s%s", bare ? "app=" : "", v) < 0)
		return -ENOMEM;
	if (strlen(s) >= REPORT_ARGS_MAX) {
		free(s);
		return errf(err, errlen, -EINVAL, "--app: at most %u bytes", REPORT_ARGS_MAX - 1);
	}
	free(g->app);
	g->app = s;
	return 0;
}

/* One group option and its value into g. */
static int group_opt(struct pop_group *g, const char *name, const char *v, bool *ram_given,
		     char *err, size_t errlen)
{
	uint64_t n;
	if (!strcmp(name, "t") || !strcmp(name, "type")) {
		int t = guest_type_parse(v);
		if (t < 0)
			return errf(err, errlen, -EINVAL, "-t '%s': unknown type (l4, bm or tcl)",
				    v);
		g->type = (enum guest_type)t;
	} else if (!strcmp(name, "i") || !strcmp(name, "image")) {
		if (!*v)
			return errf(err, errlen, -EINVAL, "-i: empty image path");
		return set_str(&g->image, v);
	} else if (!strcmp(name, "n") || !strcmp(name, "count")) {
		if (parse_u64(v, POP_MAX_GUESTS, &n) || n == 0)
			return errf(err, errlen, -EINVAL, "-n '%s': expected 1 to %u guests", v,
				    POP_MAX_GUESTS);
		g->count = (unsigned)n;
	} else if (!strcmp(name, "m")) {
		if (parse_size(v, &g->ram_bytes) || g->ram_bytes < (1ULL << 20) ||
		    g->ram_bytes > (1ULL << 40))
			return errf(err, errlen, -EINVAL, "-m '%s': expected a size from 1M to 1T",
				    v);
		*ram_given = true;
	} else if (!strcmp(name, "smp")) {
		if (parse_u64(v, 64, &n) || n == 0)
			return errf(err, errlen, -EINVAL, "--smp '%s': expected 1 to 64", v);
		g->smp = (unsigned)n;
	} else if (!strcmp(name, "app")) {
		return set_app(g, v, err, errlen);
	} else if (!strcmp(name, "initrd")) {
		return set_str(&g->initrd, v);
	} else if (!strcmp(name, "append")) {
		return set_str(&g->append, v);
	}
	return 0;
}

static void group_free(struct pop_group *g)
{
	free(g->image);
	free(g->app);
	free(g->initrd);
	free(g->append);
}

/* Checks a complete group and adds it to the spec (taking its strings). */
static int add_group(struct pop_spec *s, struct pop_group *g, bool ram_given, bool type_given,
		     char *err, size_t errlen)
{
	int r = -EINVAL;
	if (!type_given)
		errf(err, errlen, -EINVAL, "no guest type: give -t l4, bm or tcl");
	else if (!g->image)
		errf(err, errlen, -EINVAL, "no image: give -i IMAGE (a disk image or a kernel)");
	else if (!g->count)
		errf(err, errlen, -EINVAL, "no guest count: give -n COUNT");
	else if (s->ngroups >= POP_MAX_GROUPS)
		errf(err, errlen, -EINVAL, "more than %u groups", POP_MAX_GROUPS);
	else if (g->count > POP_MAX_GUESTS - s->total)
		errf(err, errlen, -EINVAL, "more than %u guests in all", POP_MAX_GUESTS);
	else
		r = 0;
	if (r) {
		group_free(g);
		return r;
	}
	if (!ram_given)
		g->ram_bytes = guest_type_default_ram(g->type);
	struct pop_group *ng = realloc(s->groups, (s->ngroups + 1) * sizeof(*ng));
	if (!ng) {
		group_free(g);
		return errf(err, errlen, -EINVAL, "out of memory");
	}
	s->groups = ng;
	s->groups[s->ngroups++] = *g;
	s->total += g->count;
	return 0;
}

/* A spec line: group options only. */
static int parse_group_line(struct pop_spec *s, int argc, char **argv, const char *where, char *err,
			    size_t errlen)
{
	struct pop_group g = {.smp = 1};
	snprintf(g.where, sizeof(g.where), "%s", where);
	bool ram_given = false, type_given = false;
	char msg[256];
	for (int i = 0; i < argc; i++) {
		const char *name = opt_name(argv[i]);
		if (!name || !is_group_opt(name)) {
			group_free(&g);
			return errf(err, errlen, -EINVAL,
				    "%s: '%s' is not a group option (-t, -i, -n, -m, "
				    "--app, --initrd, --append, --smp)",
				    where, argv[i]);
		}
		if (i + 1 >= argc) {
			group_free(&g);
			return errf(err, errlen, -EINVAL, "%s: option '%s' needs a value", where,
				    argv[i]);
		}
		type_given |= !strcmp(name, "t") || !strcmp(name, "type");
		int r = group_opt(&g, name, argv[++i], &ram_given, msg, sizeof(msg));
		if (r) {
			group_free(&g);
			return r == -ENOMEM ? errf(err, errlen, -EINVAL, "out of memory")
					    : errf(err, errlen, -EINVAL, "%s: %s", where, msg);
		}
	}
	if (add_group(s, &g, ram_given, type_given, msg, sizeof(msg)))
		return errf(err, errlen, -EINVAL, "%s: %s", where, msg);
	return 0;
}

int pop_spec_load_text(struct pop_spec *s, const char *text, const char *name, char *err,
		       size_t errlen)
{
	unsigned lineno = 0, groups = 0;
	for (const char *line = text; *line;) {
		lineno++;
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = strndup(line, len);
		if (!copy)
			return errf(err, errlen, -EINVAL, "out of memory");
		int argc;
		char **argv;
		const char *why = "";
		char where[96];
		snprintf(where, sizeof(where), "%s:%u", name, lineno);
		int r = pop_spec_split(copy, &argc, &argv, &why);
		free(copy);
		if (r == -ENOMEM)
			return errf(err, errlen, -EINVAL, "out of memory");
		if (r)
			return errf(err, errlen, -EINVAL, "%s: %s", where, why);
		r = argc ? parse_group_line(s, argc, argv, where, err, errlen) : 0;
		free(argv);
		if (r)
			return r;
		groups += argc > 0;
		line = nl ? nl + 1 : line + len;
	}
	if (!groups)
		return errf(err, errlen, -EINVAL,
			    "%s: no groups (one per line: -t TYPE -i IMAGE -n COUNT ...)", name);
	return 0;
}

int pop_spec_load(struct pop_spec *s, const char *path, char *err, size_t errlen)
{
	/* a spec is a few lines; a huge file is a mistake, not a population */
	char *text;
	size_t n;
	int r = text_file_read(path, 1 << 20, &text, &n);
	if (r)
		return errf(err, errlen, -EINVAL, "--spec '%s': %s", path,
			    r == -EFBIG	   ? "larger than 1 MiB"
			    : r == -EINVAL ? "is not a text file"
			    : r == -EIO	   ? "cannot be read"
					   : strerror(-r));
	r = pop_spec_load_text(s, text, path, err, errlen);
	free(text);
	return r;
}

int pop_parse_number_from(const char *v, unsigned from[GUEST_TYPES], const char **why)
{
	unsigned out[GUEST_TYPES] = {0};
	bool seen[GUEST_TYPES] = {false};
	const char *p = v;
	do {
		char type[8];
		size_t len = strcspn(p, "=,");
		if (p[len] != '=' || len == 0 || len >= sizeof(type)) {
			*why = "expected TYPE=K[,TYPE=K...] (l4=501,bm=101)";
			return -EINVAL;
		}
		memcpy(type, p, len);
		type[len] = '\0';
		int t = guest_type_parse(type);
		if (t < 0) {
			*why = "unknown type (l4, bm or tcl)";
			return -EINVAL;
		}
		if (seen[t]) {
			*why = "a type given twice";
			return -EINVAL;
		}
		p += len + 1;
		size_t nlen = strcspn(p, ",");
		char num[16];
		uint64_t k;
		if (nlen == 0 || nlen >= sizeof(num)) {
			*why = "expected a number from 1 after each '='";
			return -EINVAL;
		}
		memcpy(num, p, nlen);
		num[nlen] = '\0';
		if (parse_u64(num, POP_NUMBER_MAX, &k) || k == 0) {
			*why = "expected a number from 1 to 9999999 after each '='";
			return -EINVAL;
		}
		seen[t] = true;
		out[t] = (unsigned)k;
		p += nlen;
	} while (*p++ == ',');
	memcpy(from, out, sizeof(out));
	return 0;
}

unsigned pop_spec_first_number(const struct pop_spec *s, enum guest_type type)
{
	return s->number_from[type] ? s->number_from[type] : 1;
}

/* The last guest number of each type must still fit a vCPU thread's name. */
static int check_numbers(const struct pop_spec *s, char *err, size_t errlen)
{
	uint64_t count[GUEST_TYPES] = {0};
	for (unsigned i = 0; i < s->ngroups; i++)
		count[s->groups[i].type] += s->groups[i].count;
	for (int t = 0; t < GUEST_TYPES; t++) {
		uint64_t last = pop_spec_first_number(s, (enum guest_type)t) + count[t] - 1;
		if (count[t] && last > POP_NUMBER_MAX)
			return errf(err, errlen, -EINVAL,
				    "--number-from: %s guests would be numbered up to %llu; the "
				    "largest is %u",
				    guest_type_name((enum guest_type)t), (unsigned long long)last,
				    POP_NUMBER_MAX);
	}
	return 0;
}

/* The options of the run as a whole. Returns 1 when `name` is none of them. */
static int global_opt(struct pop_spec *s, const char *name, const char *v, char *err, size_t errlen)
{
	uint64_t n;
	double d;
	if (!strcmp(name, "stagger")) {
		if (parse_seconds(v, &s->stagger_s))
			return errf(err, errlen, -EINVAL,
				    "--stagger '%s': expected seconds (10, 2.5, 500ms)", v);
	} else if (!strcmp(name, "duration")) {
		if (parse_seconds(v, &d) || d <= 0)
			return errf(err, errlen, -EINVAL,
				    "--duration '%s': expected seconds above 0 (60, 10m)", v);
		s->duration_s = d;
	} else if (!strcmp(name, "interval")) {
		if (parse_seconds(v, &d) || d < 0.01)
			return errf(err, errlen, -EINVAL,
				    "--interval '%s': expected seconds, at least 0.01", v);
		s->interval_s = d;
	} else if (!strcmp(name, "samples")) {
		if (parse_u64(v, UINT32_MAX, &n) || n == 0)
			return errf(err, errlen, -EINVAL,
				    "--samples '%s': expected a count above 0", v);
		s->samples = n;
	} else if (!strcmp(name, "stats")) {
		s->stats_path = v;
	} else if (!strcmp(name, "results")) {
		s->results_path = v;
	} else if (!strcmp(name, "prom")) {
		s->prom_path = v;
	} else if (!strcmp(name, "jsonl")) {
		s->jsonl_path = v;
	} else if (!strcmp(name, "logs")) {
		s->logs_dir = v;
	} else if (!strcmp(name, "log-cap")) {
		if (parse_size(v, &s->log_cap_bytes))
			return errf(err, errlen, -EINVAL,
				    "--log-cap '%s': expected a size (64K, 1M)", v);
	} else if (!strcmp(name, "min-free")) {
		uint64_t b;
		if (!strcmp(v, "0"))
			b = 0;
		else if (parse_size(v, &b))
			return errf(err, errlen, -EINVAL,
				    "--min-free '%s': expected a size (512M, 2G) or 0", v);
		s->min_free_kb = b >> 10;
	} else if (!strcmp(name, "max-load")) {
		char *end;
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !isfinite(d) || d < 0)
			return errf(err, errlen, -EINVAL,
				    "--max-load '%s': expected a load average (4, 1.5)", v);
		s->has_max_load = true;
		s->max_load = d;
	} else if (!strcmp(name, "name")) {
		if (!*v || strlen(v) > POP_NAME_MAX ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(v) ||
		    v[0] == '.')
			return errf(err, errlen, -EINVAL,
				    "--name '%s': 1 to %u letters, digits, '_', '-' or '.' (not "
				    "first)",
				    v, POP_NAME_MAX);
		s->name = v;
	} else if (!strcmp(name, "number-from")) {
		const char *why = "";
		if (pop_parse_number_from(v, s->number_from, &why))
			return errf(err, errlen, -EINVAL, "--number-from '%s': %s", v, why);
	} else if (!strcmp(name, "spec") || !strcmp(name, "f")) {
		return 0; /* loaded after the command line's own group */
	} else {
		return 1;
	}
	return 0;
}

int pop_spec_parse(struct pop_spec *s, int argc, char **argv, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->interval_s = POP_DEFAULT_INTERVAL_S;
	s->min_free_kb = POP_DEFAULT_MIN_FREE >> 10;
	s->log_cap_bytes = POP_DEFAULT_LOG_CAP;
	struct pop_group g = {.smp = 1};
	snprintf(g.where, sizeof(g.where), "the command line");
	bool ram_given = false, type_given = false, any_group_opt = false;
	const char *specs[64];
	unsigned nspecs = 0;
	int r = 0;
	for (int i = 0; i < argc && !r; i++) {
		const char *name = opt_name(argv[i]);
		if (!name) {
			r = errf(err, errlen, -EINVAL, "unexpected argument '%s'", argv[i]);
			break;
		}
		if (!strcmp(name, "h") || !strcmp(name, "help")) {
			s->help = true;
			group_free(&g);
			return 0;
		}
		if (!strcmp(name, "ksm") || !strcmp(name, "overcommit")) {
			*(!strcmp(name, "ksm") ? &s->ksm : &s->overcommit) = true;
			continue;
		}
		if (i + 1 >= argc) {
			r = errf(err, errlen, -EINVAL, "option '%s' needs a value (see --help)",
				 argv[i]);
			break;
		}
		const char *opt = argv[i], *v = argv[++i];
		if (is_group_opt(name)) {
			any_group_opt = true;
			type_given |= !strcmp(name, "t") || !strcmp(name, "type");
			r = group_opt(&g, name, v, &ram_given, err, errlen);
			continue;
		}
		r = global_opt(s, name, v, err, errlen);
		if (r == 1)
			r = errf(err, errlen, -EINVAL, "unknown option '%s' (see --help)", opt);
		if (!r && (!strcmp(name, "spec") || !strcmp(name, "f"))) {
			if (nspecs == sizeof(specs) / sizeof(specs[0]))
				r = errf(err, errlen, -EINVAL, "more than %u --spec files", nspecs);
			else
				specs[nspecs++] = v;
		}
	}
	if (r) {
		group_free(&g);
		pop_spec_free(s);
		return r;
	}
	if (any_group_opt || !nspecs) {
		char msg[256];
		if (add_group(s, &g, ram_given, type_given, msg, sizeof(msg))) {
			pop_spec_free(s);
			return errf(err, errlen, -EINVAL, "%s", msg);
		}
	}
	for (unsigned k = 0; k < nspecs; k++) {
		if ((r = pop_spec_load(s, specs[k], err, errlen))) {
			pop_spec_free(s);
			return r;
		}
	}
	if (s->samples && !s->stats_path) {
		pop_spec_free(s);
		return errf(err, errlen, -EINVAL, "--samples needs --stats FILE");
	}
	if ((r = check_numbers(s, err, errlen)))
		pop_spec_free(s);
	return r;
}

void pop_spec_free(struct pop_spec *s)
{
	for (unsigned i = 0; i < s->ngroups; i++)
		group_free(&s->groups[i]);
	free(s->groups);
	s->groups = NULL;
	s->ngroups = 0;
	s->total = 0;
}
