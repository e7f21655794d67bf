/* The apps' formatter: the printf conversions they use, written out because apps link no libc. */
#include "fmt.h"

struct sink {
	char *buf;
	size_t cap, len;
};

static void put(struct sink *s, char c)
{
	if (s->len + 1 < s->cap)
		s->buf[s->len++] = c;
}

static void put_str(struct sink *s, const char *str, size_t max)
{
	if (!str)
		str = "(null)";
	for (size_t i = 0; i < max && str[i]; i++)
		put(s, str[i]);
}

static void put_num(struct sink *s, unsigned long long v, unsigned base)
{
	char digits[24];
	size_t n = 0;
	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(s, digits[--n]);
}

/* Reads one integer argument of the size the length modifier (0, 1 or 2 'l's) names. */
static unsigned long long arg_unsigned(va_list *ap, int longs)
{
	if (longs >= 2)
		return va_arg(*ap, unsigned long long);
	if (longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned);
}

size_t apps_vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct sink s = {buf, cap, 0};
	va_list args;
	va_copy(args, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&s, *p);
			continue;
		}
		const char *start = p++;
		size_t prec = (size_t)-1;
		if (p[0] == '.' && p[1] == '*') {
			int v = va_arg(args, int);
			prec = v < 0 ? (size_t)-1 : (size_t)v;
			p += 2;
		}
		int longs = 0;
		while (*p == 'l' && longs < 2) {
			longs++;
			p++;
		}
		switch (*p) {
		case 's':
			put_str(&s, va_arg(args, const char *), prec);
			break;
		case 'c':
			put(&s, (char)va_arg(args, int));
			break;
		case 'd': {
			int v = va_arg(args, int);
			/* Negating in unsigned arithmetic keeps INT_MIN defined. */
			unsigned mag = v < 0 ? 0u - (unsigned)v : (unsigned)v;
			if (v < 0)
				put(&s, '-');
			put_num(&s, mag, 10);
			break;
		}
		case 'u':
			put_num(&s, arg_unsigned(&args, longs), 10);
			break;
		case 'x':
			put_num(&s, arg_unsigned(&args, longs), 16);
			break;
		case '%':
			put(&s, '%');
			break;
		default:
			/* Not ours: show it rather than guess what argument it meant. */
			for (const char *q = start; q <= p && *q; q++)
				put(&s, *q);
			if (!*p)
				p--;
			break;
		}
	}
	va_end(args);
	if (cap)
		buf[s.len] = '\0';
	return s.len;
}

size_t apps_format(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = apps_vformat(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
