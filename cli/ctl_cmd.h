/* `tinyvmm list`, `stop`, `pause`, `resume`: talk to running populations over their sockets. */
#ifndef TINYVMM_CLI_CTL_CMD_H
#define TINYVMM_CLI_CTL_CMD_H

#include <stddef.h>

/* argv after "list": [POP]. Returns the exit status. */
int list_cmd(int argc, char **argv);

/* verb is "stop", "pause" or "resume"; argv after it: POP [GUEST...]. */
int ctl_cmd(const char *verb, int argc, char **argv);
/* `tinyvmm snapshot POP GUEST FILE`: one guest captured by its population. */
int snapshot_cmd(int argc, char **argv);

/*
 * The control socket path of population `name` into `path`; -1 when none is running by that
 * name (said on stderr as "tinyvmm CMD: ...").
 */
int ctl_find_pop(const char *cmd, const char *name, char *path, size_t size);

/*
 * One request to the socket at `path`, its whole reply in *reply (NUL-terminated, free() it;
 * NULL when none). A socket nobody listens on any more (its population was killed before it
 * could remove it) is removed. control_call's result: 0, or -errno with err set.
 */
int ctl_call_capture(const char *path, const char *req, char **reply, char *err, size_t errlen);

#endif
