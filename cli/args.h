/* Parsing helpers for the command line: sizes with suffixes, numbers, module lists. */
#ifndef TINYVMM_CLI_ARGS_H
#define TINYVMM_CLI_ARGS_H

#include <stdint.h>

/*
 * "64" (MiB by default), "512K", "16M", "2G", "1T": bytes in *out. Rejects empty strings,
 * junk after the number, zero, and values that overflow. 0 or -EINVAL / -ERANGE.
 */
int parse_size(const char *s, uint64_t *out);

/* Unsigned number in decimal or 0x-hex, no junk, at most `max`. 0 or -EINVAL / -ERANGE. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

#define MODLIST_MAX 16

/* One entry of a QEMU-style "-initrd 'file args,file2'" list. */
struct modlist_entry {
	char *path; /* first word */
	char *text; /* the whole entry: path and arguments, the multiboot module string */
};

struct modlist {
	unsigned n;
	struct modlist_entry e[MODLIST_MAX];
	char *storage;
};

/*
 * Splits at commas (",," is a literal comma, as in QEMU) and trims spaces. Rejects empty
 * entries and more than MODLIST_MAX. 0 or -EINVAL / -E2BIG / -ENOMEM.
 */
int modlist_parse(struct modlist *ml, const char *s);
void modlist_free(struct modlist *ml);

#endif
