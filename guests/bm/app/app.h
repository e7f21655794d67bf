/* What a bm C app provides: bm_start, which crt0 calls in ring 3 with the command line. */
#ifndef TINYVMM_GUESTS_BM_APP_H
#define TINYVMM_GUESTS_BM_APP_H

/* Runs the app; its return value is the exit status (0 powers the VM off). */
int bm_start(const char *cmdline);

#endif
