/* `tinyvmm stat POP`: a running population's live figures per guest type, like top for guests. */
#ifndef TINYVMM_CLI_STAT_CMD_H
#define TINYVMM_CLI_STAT_CMD_H

/* argv after "stat". Returns the exit status. */
int stat_cmd(int argc, char **argv);

#endif
