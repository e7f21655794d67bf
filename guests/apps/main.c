/* apps_main: reads the command line and runs the app it names (hello when it names none). */
#include "apps.h"
#include "out.h"
#include "shim.h"

struct app {
	const char *name;
	int (*run)(const struct apps_args *a);
};

static const struct app apps[] = {
    {"hello", apps_hello}, {"pattern", apps_pattern}, {"context", apps_context},
    {"ipc", apps_ipc},	   {"fault", apps_fault},
};

int apps_main(const char *cmdline)
{
	struct apps_args a;
	int rc = apps_args_parse(&a, cmdline);
	if (rc)
		return rc;
	struct apps_value name = a.val[APPS_KEY_APP];
	if (!name.s)
		return apps_hello(&a);
	for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++)
		if (apps_value_is(name, apps[i].name))
			return apps[i].run(&a);
	return apps_usage_error("unknown app '%.*s' (hello, pattern, context, ipc or fault)",
				name.len > 32 ? 32 : (int)name.len, name.s);
}
