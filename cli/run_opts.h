/* The options of `tinyvmm run`, parsed and validated before anything is started. */
#ifndef TINYVMM_CLI_RUN_OPTS_H
#define TINYVMM_CLI_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vm.h"

enum serial_kind { SERIAL_STDIO, SERIAL_FILE, SERIAL_NONE };

/* What becomes of the guest's VGA text screen (-screen). */
enum screen_kind {
	SCREEN_EXIT, /* printed on stderr when the VM ends, however it ends, unless blank */
	SCREEN_LIVE, /* followed while the VM runs (cli/screen_live.h), on stdout */
	SCREEN_NONE,
};

struct run_opts {
	uint64_t ram_bytes;
	unsigned smp;
	const char *kernel; /* direct boot; without it the BIOS boots from a disk */
	const char *fda;
	const char *hda, *hdb;
	bool snapshot;	    /* disk writes stay in memory */
	char boot;	    /* 'a' floppy, 'c' hard disk; 0 = floppy if there is one */
	const char *initrd; /* raw list, parsed later */
	const char *append;
	const char *name;
	const char *uuid;
	enum serial_kind serial;
	const char *serial_path;
	bool no_reboot;
	enum screen_kind screen;
	bool exit_stats;    /* print the exits taken, by kind, device and BIOS service */
	const char *report; /* "stderr" or a file path for the guest's reports; NULL: none */
	const char *app;    /* app command line offered to the guest on the report port */
	enum vm_pit_kind pit;
	uint64_t load_addr; /* flat 64-bit image, 0 = not flat */
	/* -snapshot-at MILESTONE[:N] FILE: capture at the Nth report of that event (N >= 1) */
	unsigned snap_event;
	unsigned snap_nth;
	const char *snap_file;
	const char *restore; /* -restore FILE: continue a captured VM instead of booting */
	bool help;
};

#define RUN_DEFAULT_RAM (64ULL << 20)
#define RUN_MIN_RAM	(1ULL << 20)
#define RUN_MAX_RAM	(1ULL << 40)
/* A guest must not fill the host's disk through its console log. */
#define RUN_SERIAL_FILE_CAP (256ULL << 20)

/*
 * Parses argv (after "run"). On a usage error returns -EINVAL and writes a one-line
 * message into err.
 */
int run_opts_parse(struct run_opts *o, int argc, char **argv, char *err, size_t errlen);

void run_opts_usage(void);

#endif
