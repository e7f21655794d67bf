/* kickstart's memory helpers: string instructions, one emulated instruction for a whole copy. */
#include "kickstart.h"

void ks_copy(void *dst, const void *src, uint64_t n)
{
	uint64_t q = n / 8, r = n % 8;
	__asm__ volatile("rep movsq\n\tmov %3, %%rcx\n\trep movsb"
			 : "+D"(dst), "+S"(src), "+c"(q)
			 : "r"(r)
			 : "memory");
}

void ks_zero(void *dst, uint64_t n)
{
	uint64_t q = n / 8, r = n % 8;
	__asm__ volatile("rep stosq\n\tmov %2, %%rcx\n\trep stosb"
			 : "+D"(dst), "+c"(q)
			 : "r"(r), "a"(0ull)
			 : "memory");
}

/* The index of the first c in s[0..max), or max: one string instruction however long s is. */
uint64_t ks_find(const char *s, char c, uint64_t max)
{
	uint64_t left = max;
	__asm__ volatile("repne scasb" : "+D"(s), "+c"(left) : "a"(c) : "memory", "cc");
	/* scasb stops just after a match, having counted it, or when the count runs out. */
	if (left == 0 && (max == 0 || s[-1] != c))
		return max;
	return max - left - 1;
}

int ks_mapped(uint64_t addr, uint64_t len)
{
	return addr <= KS_MAPPED_END && len <= KS_MAPPED_END - addr;
}
