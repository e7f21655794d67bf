/* The kernel console: COM1, or tinyvmm's one-exit console records when the report port answers. */
#include <stdarg.h>

#include "cpu.h"
#include "kernel.h"
#include "apps/fmt.h"
#include "abi/report_abi.h"

#define COM1	 0x3F8
#define LINE_MAX 200

int verbose;

/*
 * KVM exits to the VMM for every byte of a rep outsb to COM1 (it batches string input
 * only), so where tinyvmm's report port answered at boot, a line goes out as a console
 * record instead: a length byte and the bytes in kernel memory, announced by one report
 * word (abi/report_abi.h). Elsewhere (QEMU, hardware) COM1 as usual.
 */
static int use_records;
static struct {
	uint8_t pad[7];
	uint8_t len;		 /* the record starts here ... */
	uint8_t bytes[LINE_MAX]; /* ... and its bytes follow at once */
} rec __attribute__((aligned(8)));

void console_use_records(void)
{
	use_records = 1;
}

/* `n` bytes at `buf` (n <= LINE_MAX) to the console, in one exit where it can. */
void console_write(const void *buf, uint64_t n)
{
	if (!use_records || n == 0) {
		outsb(COM1, buf, n);
		return;
	}
	uint64_t words = (n + 7) / 8;
	const uint64_t *src = buf;
	uint64_t *dst = (uint64_t *)rec.bytes;
	for (uint64_t i = 0; i < words; i++) /* whole words: the callers' buffers allow it */
		dst[i] = src[i];
	rec.len = (uint8_t)n;
	outl(REPORT_PORT, REPORT_WORD(REPORT_CONSOLE, KPHYS(&rec.len)));
}

/* The apps' printf subset (guests/apps/fmt.h); hex takes an explicit 0x. One console write. */
void kprintf(const char *fmt, ...)
{
	char line[LINE_MAX] __attribute__((aligned(8))); /* console_write reads whole words */
	va_list ap;
	va_start(ap, fmt);
	size_t n = apps_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write(line, n);
}
