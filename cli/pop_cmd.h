/* `tinyvmm pop`: runs a population of guests in this process (population/). */
#ifndef TINYVMM_CLI_POP_CMD_H
#define TINYVMM_CLI_POP_CMD_H

/* argv after "pop"; returns the process exit status. */
int pop_cmd(int argc, char **argv);

#endif
