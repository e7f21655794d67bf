/* `tinyvmm cluster submit|status|merge`: populations across a Slurm cluster, one task per host. */
#ifndef TINYVMM_CLI_CLUSTER_CMD_H
#define TINYVMM_CLI_CLUSTER_CMD_H

/* argv after "cluster". Returns the exit status. */
int cluster_cmd(int argc, char **argv);

#endif
