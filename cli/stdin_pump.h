/* Feeds an interactive terminal's keystrokes to a guest's COM1 while it runs. */
#ifndef TINYVMM_CLI_STDIN_PUMP_H
#define TINYVMM_CLI_STDIN_PUMP_H

#include <pthread.h>
#include <stdbool.h>

#include "devices/uart.h"

struct stdin_pump {
	pthread_t thread;
	int wake[2]; /* writing to wake[1] ends the thread */
	int in_fd;
	struct uart *uart;
	bool running;
};

/* Starts pumping `in_fd` into `uart`. 0 or -errno. */
int stdin_pump_start(struct stdin_pump *p, int in_fd, struct uart *uart);
void stdin_pump_stop(struct stdin_pump *p);

#endif
