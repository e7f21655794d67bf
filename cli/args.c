/* Command-line value parsing: sizes, numbers and QEMU-style module lists. */
#include "cli/args.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s || *end)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	unsigned shift = 20;
	if (*end) {
		switch (toupper((unsigned char)*end)) {
		case 'B':
			shift = 0;
			break;
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		case 'T':
			shift = 40;
			break;
		default:
			return -EINVAL;
		}
		end++;
		/* allow "16MiB"/"16MB" spellings */
		if (shift && (*end == 'i' || *end == 'I'))
			end++;
		if (shift && (*end == 'b' || *end == 'B'))
			end++;
		if (*end)
			return -EINVAL;
	}
	if (v == 0)
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

int modlist_parse(struct modlist *ml, const char *s)
{
	memset(ml, 0, sizeof(*ml));
	size_t len = strlen(s);
	/* each entry is stored twice (text, then its first word) */
	ml->storage = malloc(2 * len + 2);
	if (!ml->storage)
		return -ENOMEM;
	char *text = ml->storage;
	char *cur = text;
	int r = 0;
	for (size_t i = 0;; i++) {
		if (s[i] == ',' && s[i + 1] == ',') {
			*cur++ = ',';
			i++;
			continue;
		}
		if (s[i] != ',' && s[i] != 0) {
			*cur++ = s[i];
			continue;
		}
		*cur++ = 0;
		char *entry = trim(text);
		if (!*entry) {
			r = -EINVAL;
			goto fail;
		}
		if (ml->n >= MODLIST_MAX) {
			r = -E2BIG;
			goto fail;
		}
		ml->e[ml->n].text = entry;
		ml->e[ml->n].path = NULL;
		ml->n++;
		text = cur;
		if (!s[i])
			break;
	}
	/* first words go after the texts */
	for (unsigned k = 0; k < ml->n; k++) {
		size_t w = strcspn(ml->e[k].text, " \t");
		memcpy(cur, ml->e[k].text, w);
		cur[w] = 0;
		ml->e[k].path = cur;
		cur += w + 1;
	}
	return 0;
fail:
	modlist_free(ml);
	return r;
}

void modlist_free(struct modlist *ml)
{
	free(ml->storage);
	memset(ml, 0, sizeof(*ml));
}
