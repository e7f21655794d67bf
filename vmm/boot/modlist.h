/* QEMU-style module lists for -initrd. */
#ifndef TINYVMM_VMM_BOOT_MODLIST_H
#define TINYVMM_VMM_BOOT_MODLIST_H

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
