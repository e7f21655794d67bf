/* The apps' command-line parsing: words, keys, numbers and durations, each bounded and checked. */
#include "args.h"

#include "out.h"

/* Values are echoed in error messages only this far: the console line stays short. */
#define SHOWN_MAX 32

static const char *const key_names[APPS_KEY_COUNT_OF_KEYS] = {
    [APPS_KEY_APP] = "app",	    [APPS_KEY_PERIOD] = "period", [APPS_KEY_COUNT] = "count",
    [APPS_KEY_PATTERN] = "pattern", [APPS_KEY_N] = "n",		  [APPS_KEY_SLEEP] = "sleep",
    [APPS_KEY_LAPS] = "laps",	    [APPS_KEY_ROUNDS] = "rounds", [APPS_KEY_PAGES] = "pages",
};

const char *apps_key_name(enum apps_key k)
{
	return (unsigned)k < APPS_KEY_COUNT_OF_KEYS ? key_names[k] : "?";
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int shown(size_t len)
{
	return len > SHOWN_MAX ? SHOWN_MAX : (int)len;
}

static int same(const char *s, size_t len, const char *lit)
{
	size_t i = 0;
	for (; i < len; i++)
		if (lit[i] != s[i])
			return 0;
	return lit[i] == '\0';
}

int apps_value_is(struct apps_value v, const char *lit)
{
	return v.s && same(v.s, v.len, lit);
}

static int find_key(const char *s, size_t len)
{
	for (int k = 0; k < APPS_KEY_COUNT_OF_KEYS; k++)
		if (same(s, len, key_names[k]))
			return k;
	return -1;
}

static int take_word(struct apps_args *a, const char *w, size_t len)
{
	size_t eq = 0;
	while (eq < len && w[eq] != '=')
		eq++;
	if (eq == len || eq == 0)
		return apps_usage_error("'%.*s' is not key=value", shown(len), w);
	int k = find_key(w, eq);
	if (k < 0)
		return apps_usage_error("unknown key '%.*s'", shown(eq), w);
	if (a->val[k].s)
		return apps_usage_error("%s= given twice", key_names[k]);
	a->val[k].s = w + eq + 1;
	a->val[k].len = len - eq - 1;
	return 0;
}

int apps_args_parse(struct apps_args *a, const char *cmdline)
{
	for (int k = 0; k < APPS_KEY_COUNT_OF_KEYS; k++)
		a->val[k] = (struct apps_value){0, 0};
	if (!cmdline)
		return 0;
	size_t i = 0;
	while (i < APPS_CMDLINE_MAX && cmdline[i]) {
		if (is_space(cmdline[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < APPS_CMDLINE_MAX && cmdline[i] && !is_space(cmdline[i]))
			i++;
		int rc = take_word(a, cmdline + start, i - start);
		if (rc)
			return rc;
	}
	if (i == APPS_CMDLINE_MAX && cmdline[i])
		return apps_usage_error("command line longer than %u bytes", APPS_CMDLINE_MAX);
	return 0;
}

int apps_args_only(const struct apps_args *a, unsigned allowed, const char *app)
{
	allowed |= APPS_KEY_BIT(APPS_KEY_APP);
	for (int k = 0; k < APPS_KEY_COUNT_OF_KEYS; k++)
		if (a->val[k].s && !(allowed & APPS_KEY_BIT(k)))
			return apps_usage_error("%s= does not apply to app=%s", key_names[k], app);
	return 0;
}

/* Leading decimal digits of v into *out; returns how many there were, or 0 on none or overflow. */
static size_t parse_digits(struct apps_value v, uint64_t *out)
{
	uint64_t n = 0;
	size_t i = 0;
	for (; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++) {
		unsigned d = (unsigned)(v.s[i] - '0');
		if (n > (UINT64_MAX - d) / 10)
			return 0;
		n = n * 10 + d;
	}
	*out = n;
	return i;
}

int apps_args_uint(const struct apps_args *a, enum apps_key k, uint64_t def, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	struct apps_value v = a->val[k];
	if (!v.s) {
		*out = def;
		return 0;
	}
	uint64_t n;
	if (v.len == 0 || parse_digits(v, &n) != v.len || n < min || n > max)
		return apps_usage_error("bad value '%.*s' for %s= (a number, %llu to %llu)",
					shown(v.len), v.s, key_names[k], (unsigned long long)min,
					(unsigned long long)max);
	*out = n;
	return 0;
}

int apps_args_duration(const struct apps_args *a, enum apps_key k, uint64_t def_ns, uint64_t min_ns,
		       uint64_t max_ns, uint64_t *out)
{
	struct apps_value v = a->val[k];
	if (!v.s) {
		*out = def_ns;
		return 0;
	}
	uint64_t n = 0, unit = 0;
	size_t digits = parse_digits(v, &n);
	struct apps_value suffix = {v.s + digits, v.len - digits};
	if (same(suffix.s, suffix.len, "") || same(suffix.s, suffix.len, "s"))
		unit = NS_PER_S;
	else if (same(suffix.s, suffix.len, "ms"))
		unit = NS_PER_MS;
	else if (same(suffix.s, suffix.len, "us"))
		unit = NS_PER_US;
	if (digits == 0 || unit == 0 || n > UINT64_MAX / unit || n * unit < min_ns ||
	    n * unit > max_ns)
		return apps_usage_error("bad duration '%.*s' for %s= (20, 20s, 250ms or 500us; "
					"%llu us to %llu s)",
					shown(v.len), v.s, key_names[k],
					(unsigned long long)(min_ns / NS_PER_US),
					(unsigned long long)(max_ns / NS_PER_S));
	*out = n * unit;
	return 0;
}
