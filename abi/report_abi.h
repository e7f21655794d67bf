/* The guest-to-host report ABI (version 1): how apps in every guest tell tinyvmm their milestones.
 */
#ifndef TINYVMM_ABI_REPORT_ABI_H
#define TINYVMM_ABI_REPORT_ABI_H

/*
 * Self-contained: included by guest code (freestanding, any of the three guests) and by
 * tinyvmm's report device (devices/report.c). Nothing here depends on a libc.
 *
 * The port. A guest writes one 32-bit word with `out dx, eax` to REPORT_PORT; tinyvmm
 * stamps it with the host's CLOCK_MONOTONIC on arrival, so the times a population manager
 * records are host times, never the guest's idea of time. Each report costs the guest one
 * exit to user space. Reading 32 bits from the port returns REPORT_MAGIC (a guest can
 * probe for a host that listens); other widths and other offsets read as ones.
 *
 * Host arguments. The host may hand the guest an app command line ("app=pattern
 * pattern=B", at most REPORT_ARGS_MAX - 1 bytes) that overrides the one in the guest's own
 * image, so one shared image serves a whole population with different apps. 8-bit reads
 * at REPORT_PORT + 1 return its bytes one after another, then zeros (all zeros when the
 * host gave none); a 32-bit read at REPORT_PORT (the magic) rewinds to the first byte.
 * A guest reads it in ONE exit: the magic, then `rep insb` of REPORT_ARGS_MAX bytes from
 * REPORT_PORT + 1. An empty string means "use your own command line".
 *
 * Console lines in one exit. KVM stops for every byte of a `rep outsb` to a UART (it
 * batches string input, not output), so a line printed on COM1 costs one exit per byte.
 * A guest that found the magic may instead place a console record -- one length byte
 * (1..REPORT_CONSOLE_MAX) followed by that many bytes -- in its RAM below 16 MiB and send
 * REPORT_WORD(REPORT_CONSOLE, its guest-physical address): tinyvmm appends the bytes to
 * COM1's output, as if they had been written there. A record that is not in RAM or has
 * length 0 is dropped and counted; the guest is never stopped for it.
 *
 * The word: bits 31..24 the event, bits 23..0 its value (REPORT_VALUE_MAX at most;
 * larger values are saturated by the guest side, never wrapped).
 */
#define REPORT_PORT	   0x0ECu
#define REPORT_PORT_LEN	   4u
#define REPORT_MAGIC	   0x31525654u /* "TVR1" read as a little-endian word */
#define REPORT_VERSION	   1u
#define REPORT_VALUE_MAX   0x00FFFFFFu
#define REPORT_ARGS_PORT   (REPORT_PORT + 1u)
#define REPORT_ARGS_MAX	   256u
#define REPORT_CONSOLE_MAX 255u

#define REPORT_WORD(event, value)                                                                  \
	((((unsigned)(event)&0xFFu) << 24) |                                                       \
	 ((unsigned long long)(value) > REPORT_VALUE_MAX ? REPORT_VALUE_MAX                        \
							 : ((unsigned)(value)&REPORT_VALUE_MAX)))
#define REPORT_EVENT_OF(word) (((unsigned)(word) >> 24) & 0xFFu)
#define REPORT_VALUE_OF(word) ((unsigned)(word)&REPORT_VALUE_MAX)

/* Events. */
enum report_event {
	REPORT_KERNEL_UP = 0x01, /* the guest kernel is initialised; value: 0 */
	REPORT_APP_START = 0x02, /* the app begins; value: enum report_app */
	REPORT_LAP = 0x03,	 /* a lap (hello line, pattern round, context lap) ended; value: lap
				    number, from 1 */
	REPORT_APP_DONE = 0x04,	 /* the app finished; value: laps completed */
	REPORT_RESULT = 0x05,	 /* a result worth keeping (ms, rounds/s ...); value: the number */
	REPORT_FAULT =
	    0x06, /* the guest kernel stopped a faulting thread; value: its thread number */
	REPORT_APP_ERROR = 0x07, /* the app could not run (bad parameters ...); value: 0 */
	REPORT_CONSOLE = 0x08,	 /* value: guest-physical address of a console record (above) */
};

/* Apps (value of REPORT_APP_START). */
enum report_app {
	REPORT_APP_HELLO = 1,
	REPORT_APP_PATTERN = 2,
	REPORT_APP_CONTEXT = 3,
	REPORT_APP_IPC = 4,
	REPORT_APP_FAULT = 5, /* the L4 guest's fault/pager self-test */
};

#endif
