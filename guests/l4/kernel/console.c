/* The kernel console: COM1, or tinyvmm's one-exit console records when the report port answers. */
#include <stdarg.h>

#include "cpu.h"
#include "kernel.h"
#include "apps/report_abi.h"

#define COM1	 0x3F8
#define LINE_MAX 200

int verbose;

/*
 * KVM exits to the VMM for every byte of a rep outsb to COM1 (it batches string input
 * only), so where tinyvmm's report port answered at boot, a line goes out as a console
 * record instead: a length byte and the bytes in kernel memory, announced by one report
 * word (guests/apps/report_abi.h). Elsewhere (QEMU, hardware) COM1 as usual.
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

struct out {
	char b[LINE_MAX] __attribute__((aligned(8)));
	unsigned n;
};

static void put(struct out *o, char c)
{
	if (o->n < LINE_MAX)
		o->b[o->n++] = c;
}

static void put_num(struct out *o, uint64_t v, unsigned base)
{
	char d[20];
	unsigned n = 0;
	do {
		d[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16) {
		put(o, '0');
		put(o, 'x');
	}
	while (n)
		put(o, d[--n]);
}

/* %s %c %u %lu %x %lx (hex with 0x); nothing else is needed here. */
void kprintf(const char *fmt, ...)
{
	struct out o;
	va_list ap;
	o.n = 0;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		int lng = 0;
		if (*++p == 'l') {
			lng = 1;
			p++;
		}
		switch (*p) {
		case 's':
			for (const char *s = va_arg(ap, const char *); *s; s++)
				put(&o, *s);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'u':
		case 'x':
			put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
				*p == 'u' ? 10 : 16);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			p--; /* a lone % at the end: stop at the NUL */
			break;
		}
	}
	va_end(ap);
	console_write(o.b, o.n);
}
