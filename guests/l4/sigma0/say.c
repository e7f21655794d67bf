/* sigma0's console lines: built in a buffer and written with one system call. */
#include "sigma0.h"

static unsigned put(char *buf, unsigned at, const char *s)
{
	while (*s && at < L4_KDB_OUT_MAX)
		buf[at++] = *s++;
	return at;
}

void say(const char *prefix, uint64_t n, const char *suffix)
{
	char buf[L4_KDB_OUT_MAX], digits[21];
	unsigned at = put(buf, 0, prefix), k = sizeof(digits) - 1;
	digits[k] = 0;
	do {
		digits[--k] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	at = put(buf, at, digits + k);
	at = put(buf, at, suffix);
	l4_kdb_out(buf, at);
}
