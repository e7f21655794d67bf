/* The apps' command line: space-separated key=value words, checked before anything runs. */
#ifndef TINYVMM_GUESTS_APPS_ARGS_H
#define TINYVMM_GUESTS_APPS_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* Durations are nanoseconds, as shim_clock_ns() counts. */
#define NS_PER_US 1000ull
#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull

/* Bounds the scan of a command line that arrives from outside the app. */
#define APPS_CMDLINE_MAX 1024

enum apps_key {
	APPS_KEY_APP,
	APPS_KEY_PERIOD,
	APPS_KEY_COUNT,
	APPS_KEY_PATTERN,
	APPS_KEY_N,
	APPS_KEY_SLEEP,
	APPS_KEY_LAPS,
	APPS_KEY_ROUNDS,
	APPS_KEY_PAGES,
	APPS_KEY_COUNT_OF_KEYS,
};
#define APPS_KEY_BIT(k) (1u << (k))

/* A value as it stands in the command line (not NUL-terminated); s is NULL when not given. */
struct apps_value {
	const char *s;
	size_t len;
};

struct apps_args {
	struct apps_value val[APPS_KEY_COUNT_OF_KEYS];
};

/*
 * The checks below print "apps: ..." and report REPORT_APP_ERROR themselves, then return
 * APPS_EXIT_USAGE; they return 0 when all is well, so an app passes on any non-zero result.
 */

/* Splits `cmdline` (NULL reads as empty); refuses non key=value words, unknown and repeated keys.
 */
int apps_args_parse(struct apps_args *a, const char *cmdline);

/* Refuses any key given besides app= and those in `allowed` (APPS_KEY_BIT set), naming `app`. */
int apps_args_only(const struct apps_args *a, unsigned allowed, const char *app);

/* A decimal number in [min, max]; `def` when the key is absent. */
int apps_args_uint(const struct apps_args *a, enum apps_key k, uint64_t def, uint64_t min,
		   uint64_t max, uint64_t *out);

/* A duration ("20", "20s", "250ms", "500us") in nanoseconds, in [min_ns, max_ns]; `def_ns` when
 * absent. */
int apps_args_duration(const struct apps_args *a, enum apps_key k, uint64_t def_ns, uint64_t min_ns,
		       uint64_t max_ns, uint64_t *out);

/* Whether value `v` is exactly the string `lit`. */
int apps_value_is(struct apps_value v, const char *lit);

/* The key's name as written on the command line ("period", ...). */
const char *apps_key_name(enum apps_key k);

#endif
