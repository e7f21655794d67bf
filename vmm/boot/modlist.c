/* QEMU-style module lists ("file args,file2"). */
#include "vmm/boot/modlist.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
