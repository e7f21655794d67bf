/* kickstart's only output: one error line on COM1, then a halt that never resumes. */
#include <stdarg.h>

#include "kickstart.h"

#define COM1 0x3F8

/* No LSR polling: every port access is an exit on the target host, and its UART (and
 * QEMU's) takes each byte at once; GRUB has set the line up when it runs us. */
static void put(char c)
{
	__asm__ volatile("outb %0, %1" : : "a"(c), "Nd"((uint16_t)COM1));
}

static void put_str(const char *s)
{
	while (*s)
		put(*s++);
}

static void putnum(uint64_t v, unsigned base)
{
	char buf[24];
	unsigned n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(buf[--n]);
}

_Noreturn void ks_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_str("kickstart: ");
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			put(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == 's')
			put_str(va_arg(ap, const char *));
		else if (*fmt == 'x')
			putnum(va_arg(ap, uint64_t), 16);
		else if (*fmt == 'u')
			putnum(va_arg(ap, uint64_t), 10);
		else
			put(*fmt);
	}
	va_end(ap);
	put('\n');
	for (;;)
		__asm__ volatile("cli; hlt");
}
