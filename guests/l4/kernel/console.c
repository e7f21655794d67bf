/* The kernel console on COM1: a small printf; each line leaves in one rep outsb (one exit). */
#include <stdarg.h>

#include "cpu.h"
#include "kernel.h"

#define COM1	 0x3F8
#define LINE_MAX 200

int verbose;

struct out {
	char b[LINE_MAX];
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
	outsb(COM1, o.b, o.n);
}
