/* `tinyvmm run`: boot one guest from a kernel file and run it to its end. */
#ifndef TINYVMM_CLI_RUN_CMD_H
#define TINYVMM_CLI_RUN_CMD_H

/* argv starts after "run"; returns the process exit status. */
int run_cmd(int argc, char **argv);

#endif
