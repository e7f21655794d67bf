/* Strict checkers for the Prometheus text format and JSON, so tests need neither promtool nor jq.
 */
#include "tests/support/textcheck.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errf.h"

/* ---- Prometheus ---------------------------------------------------------------------- */

static bool name_char(char c, bool first, bool colon)
{
	return isalpha((unsigned char)c) || c == '_' || (colon && c == ':') ||
	       (!first && isdigit((unsigned char)c));
}

/* A metric (colon allowed) or label name at *p; its length, 0 when there is none. */
static size_t name_len(const char *p, bool colon)
{
	size_t n = 0;
	while (name_char(p[n], n == 0, colon))
		n++;
	return n;
}

static bool float_ok(const char *s, size_t len)
{
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!strcmp(buf, "NaN") || !strcmp(buf, "+Inf") || !strcmp(buf, "-Inf"))
		return true;
	char *end;
	double v = strtod(buf, &end);
	return *end == '\0' && isfinite(v) && (isdigit((unsigned char)buf[0]) || buf[0] == '-');
}

struct family {
	char name[128];
	bool typed, helped, closed;
	char type[16];
};

#define MAX_FAMILIES 256
#define MAX_SERIES   4096

struct prom_state {
	struct family fam[MAX_FAMILIES];
	unsigned nfam;
	char *series[MAX_SERIES];
	unsigned nseries;
	int current; /* the family whose samples are being read, -1: none */
};

static struct family *find_family(struct prom_state *st, const char *name, size_t len, bool add)
{
	for (unsigned i = 0; i < st->nfam; i++)
		if (strlen(st->fam[i].name) == len && !strncmp(st->fam[i].name, name, len))
			return &st->fam[i];
	if (!add || st->nfam == MAX_FAMILIES || len >= sizeof(st->fam[0].name))
		return NULL;
	struct family *f = &st->fam[st->nfam++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, len);
	return f;
}

/* "# HELP name text" or "# TYPE name type"; other comments pass. */
static int comment(struct prom_state *st, const char *l, size_t len, unsigned line, char *why,
		   size_t size)
{
	bool help = len > 7 && !strncmp(l, "# HELP ", 7);
	bool type = len > 7 && !strncmp(l, "# TYPE ", 7);
	if (!help && !type)
		return 0;
	const char *n = l + 7;
	size_t nl = name_len(n, true);
	if (!nl || (n[nl] != ' ' && n + nl != l + len))
		return errf(why, size, -1, "line %u: bad metric name in '%.*s'", line, (int)len, l);
	struct family *f = find_family(st, n, nl, true);
	if (!f)
		return errf(why, size, -1, "line %u: too many families", line);
	if (f->closed || (st->current >= 0 && &st->fam[st->current] == f))
		return errf(why, size, -1, "line %u: %s after the family's samples", line, f->name);
	const char *rest = n + nl + (n[nl] == ' ');
	size_t rlen = (size_t)(l + len - rest);
	if (help) {
		if (f->helped)
			return errf(why, size, -1, "line %u: a second HELP for %s", line, f->name);
		for (size_t i = 0; i < rlen; i++)
			if (rest[i] == '\\' &&
			    (i + 1 == rlen || (rest[i + 1] != '\\' && rest[i + 1] != 'n')))
				return errf(why, size, -1, "line %u: bad escape in HELP", line);
		f->helped = true;
		return 0;
	}
	if (f->typed)
		return errf(why, size, -1, "line %u: a second TYPE for %s", line, f->name);
	if ((rlen != 7 || strncmp(rest, "counter", 7)) && (rlen != 5 || strncmp(rest, "gauge", 5)))
		return errf(why, size, -1, "line %u: TYPE '%.*s' (counter or gauge expected)", line,
			    (int)rlen, rest);
	memcpy(f->type, rest, rlen);
	f->type[rlen] = '\0';
	if (!strcmp(f->type, "counter") && (nl < 6 || strncmp(n + nl - 6, "_total", 6)))
		return errf(why, size, -1, "line %u: counter %s not named *_total", line, f->name);
	f->typed = true;
	return 0;
}

/* name{label="value",...} value */
static int sample_line(struct prom_state *st, const char *l, size_t len, unsigned line, char *why,
		       size_t size)
{
	size_t nl = name_len(l, true);
	if (!nl)
		return errf(why, size, -1, "line %u: no metric name: '%.*s'", line, (int)len, l);
	struct family *f = find_family(st, l, nl, false);
	if (!f || !f->typed)
		return errf(why, size, -1, "line %u: sample of %.*s before its TYPE", line, (int)nl,
			    l);
	if (f->closed)
		return errf(why, size, -1, "line %u: %s's samples are not together", line, f->name);
	if (st->current >= 0 && &st->fam[st->current] != f)
		st->fam[st->current].closed = true;
	st->current = (int)(f - st->fam);
	const char *p = l + nl;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			size_t ll = name_len(p, false);
			if (!ll || p[ll] != '=' || p[ll + 1] != '"')
				return errf(why, size, -1, "line %u: bad label at '%.20s'", line,
					    p);
			p += ll + 2;
			for (; *p != '"'; p++) {
				if (p >= l + len)
					return errf(why, size, -1,
						    "line %u: label value not closed", line);
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' && *p != 'n')
						return errf(why, size, -1, "line %u: bad escape",
							    line);
				}
			}
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return errf(why, size, -1, "line %u: ',' or '}' expected", line);
		}
		p++;
	}
	size_t slen = (size_t)(p - l);
	if (*p != ' ')
		return errf(why, size, -1, "line %u: no value", line);
	p++;
	size_t vlen = (size_t)(l + len - p);
	if (memchr(p, ' ', vlen))
		return errf(why, size, -1, "line %u: a timestamp or junk after the value", line);
	if (!float_ok(p, vlen))
		return errf(why, size, -1, "line %u: value '%.*s' is no float", line, (int)vlen, p);
	for (unsigned i = 0; i < st->nseries; i++)
		if (strlen(st->series[i]) == slen && !strncmp(st->series[i], l, slen))
			return errf(why, size, -1, "line %u: series %.*s twice", line, (int)slen,
				    l);
	if (st->nseries == MAX_SERIES)
		return errf(why, size, -1, "line %u: too many series", line);
	st->series[st->nseries++] = strndup(l, slen);
	return 0;
}

int textcheck_prom(const char *text, unsigned *samples, char *why, size_t size)
{
	struct prom_state *st = calloc(1, sizeof(*st));
	if (!st)
		return errf(why, size, -1, "out of memory");
	st->current = -1;
	int r = 0;
	size_t tlen = strlen(text);
	if (tlen && text[tlen - 1] != '\n')
		r = errf(why, size, -1, "the text does not end in a newline");
	unsigned line = 0;
	for (const char *l = text; !r && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		line++;
		if (len == 0)
			r = errf(why, size, -1, "line %u: empty", line);
		else if (l[0] == '#')
			r = comment(st, l, len, line, why, size);
		else
			r = sample_line(st, l, len, line, why, size);
		l += len + (nl ? 1 : 0);
	}
	if (samples)
		*samples = st->nseries;
	for (unsigned i = 0; i < st->nseries; i++)
		free(st->series[i]);
	free(st);
	return r;
}

double textcheck_prom_value(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *l = text; l && *l;) {
		if (!strncmp(l, series, n) && l[n] == ' ')
			return strtod(l + n + 1, NULL);
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	return -1;
}

/* ---- JSON ---------------------------------------------------------------------------- */

struct json {
	const char *s, *p;
	char *why;
	size_t size;
	unsigned depth;
};

static int jfail(struct json *j, const char *what)
{
	return errf(j->why, j->size, -1, "offset %zu: %s", (size_t)(j->p - j->s), what);
}

static void ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int jvalue(struct json *j);

static int jstring(struct json *j)
{
	if (*j->p != '"')
		return jfail(j, "a string expected");
	for (j->p++; *j->p != '"'; j->p++) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '\0')
			return jfail(j, "string not closed");
		if (c < 0x20)
			return jfail(j, "raw control character in a string");
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)j->p[i]))
						return jfail(j, "bad \\u escape");
				j->p += 4;
			} else if (!strchr("\"\\/bfnrt", *j->p) || !*j->p) {
				return jfail(j, "bad escape");
			}
		}
	}
	j->p++;
	return 0;
}

static int digits(struct json *j)
{
	if (!isdigit((unsigned char)*j->p))
		return jfail(j, "a digit expected");
	while (isdigit((unsigned char)*j->p))
		j->p++;
	return 0;
}

static int jnumber(struct json *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (digits(j))
		return -1;
	if (*j->p == '.') {
		j->p++;
		if (digits(j))
			return -1;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (digits(j))
			return -1;
	}
	return 0;
}

static int jcontainer(struct json *j, char close, bool object)
{
	if (++j->depth > 64)
		return jfail(j, "nested too deep");
	j->p++;
	ws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		ws(j);
		if (object) {
			if (jstring(j))
				return -1;
			ws(j);
			if (*j->p != ':')
				return jfail(j, "':' expected");
			j->p++;
		}
		if (jvalue(j))
			return -1;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != close)
			return jfail(j, object ? "',' or '}' expected" : "',' or ']' expected");
		j->p++;
		j->depth--;
		return 0;
	}
}

static int jvalue(struct json *j)
{
	ws(j);
	switch (*j->p) {
	case '{':
		return jcontainer(j, '}', true);
	case '[':
		return jcontainer(j, ']', false);
	case '"':
		return jstring(j);
	case 't':
	case 'f':
	case 'n': {
		const char *w = *j->p == 't' ? "true" : *j->p == 'f' ? "false" : "null";
		if (strncmp(j->p, w, strlen(w)))
			return jfail(j, "bad literal");
		j->p += strlen(w);
		return 0;
	}
	default:
		if (*j->p == '-' || isdigit((unsigned char)*j->p))
			return jnumber(j);
		return jfail(j, "a value expected");
	}
}

int textcheck_json(const char *text, char *why, size_t size)
{
	struct json j = {.s = text, .p = text, .why = why, .size = size};
	if (jvalue(&j))
		return -1;
	ws(&j);
	return *j.p ? jfail(&j, "text after the value") : 0;
}

int textcheck_json_keys(const char *text, char *out, size_t size)
{
	char why[128];
	if (textcheck_json(text, why, sizeof(why)))
		return -1;
	struct json j = {.s = text, .p = text, .why = why, .size = sizeof(why)};
	ws(&j);
	if (*j.p != '{' || size == 0)
		return -1;
	size_t pos = 0;
	out[0] = '\0';
	j.p++;
	for (;;) {
		ws(&j);
		if (*j.p == '}')
			return 0;
		const char *k = j.p + 1;
		jstring(&j);
		int n = snprintf(out + pos, size - pos, "%s%.*s", pos ? "," : "",
				 (int)(j.p - 1 - k), k);
		if (n < 0 || (size_t)n >= size - pos)
			return -1;
		pos += (size_t)n;
		ws(&j);
		j.p++; /* ':' */
		jvalue(&j);
		ws(&j);
		if (*j.p == ',')
			j.p++;
	}
}
