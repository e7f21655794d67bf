/* libFuzzer harness: the population's --spec files and command line (population/spec.c), as a
 * user's file could be written. */
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "population/spec.h"
#include "tests/fuzz/support.h"

#define MAX_ARGS 64

/* The input as a command line: NUL-separated words; any --spec file becomes /dev/null so
 * the harness reads nothing of the host's. */
static void parse_argv(char *text, size_t len)
{
	char *argv[MAX_ARGS];
	int argc = 0;
	for (size_t i = 0; i < len && argc < MAX_ARGS; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	for (int i = 0; i + 1 < argc; i++)
		if (strstr(argv[i], "spec"))
			argv[i + 1] = (char *)"/dev/null";
	struct pop_spec s;
	char err[256] = "";
	if (pop_spec_parse(&s, argc, argv, err, sizeof(err)) && !err[0])
		abort(); /* every refusal says why */
	if (s.total > POP_MAX_GUESTS || s.ngroups > POP_MAX_GROUPS)
		abort();
	pop_spec_free(&s);
}

static void parse_text(const char *text)
{
	struct pop_spec s;
	char err[256] = "";
	const char *none[] = {"-t", "l4", "-i", "x", "-n", "1"};
	if (pop_spec_parse(&s, 6, (char **)none, err, sizeof(err)))
		abort();
	if (pop_spec_load_text(&s, text, "fuzz.spec", err, sizeof(err)) && !err[0])
		abort();
	for (unsigned i = 0; i < s.ngroups; i++)
		if (!s.groups[i].count || !s.groups[i].ram_bytes || !s.groups[i].smp ||
		    s.groups[i].type >= GUEST_TYPES)
			abort();
	pop_spec_free(&s);
	int argc;
	char **argv;
	const char *why;
	if (pop_spec_split(text, &argc, &argv, &why) == 0)
		free(argv);
	double secs;
	if (parse_seconds(text, &secs) == 0 && !(secs >= 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	if (data[0] & 1)
		parse_argv(text, size - 1);
	else
		parse_text(text);
	free(text);
	return 0;
}
