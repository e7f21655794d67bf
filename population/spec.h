/* A population's description: groups of guests (type, image, count, app) and the run's options. */
#ifndef TINYVMM_POPULATION_SPEC_H
#define TINYVMM_POPULATION_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum guest_type {
	GUEST_L4,
	GUEST_BM,
	GUEST_TCL,
	GUEST_TYPES,
};

/* "l4", "bm", "tcl". */
const char *guest_type_name(enum guest_type t);
/* -1 when `name` is no type. */
int guest_type_parse(const char *name);
/* The thesis's memory per type: what -m defaults to. */
uint64_t guest_type_default_ram(enum guest_type t);

/* Guests that share one image and one app. Strings are owned by the group. */
struct pop_group {
	enum guest_type type;
	char *image; /* -i: a disk image (firmware boot) or a kernel (direct boot) */
	unsigned count;
	uint64_t ram_bytes;
	unsigned smp;
	char *app;	/* --app, as the guest reads it ("app=pattern pattern=B"); NULL: none */
	char *initrd;	/* --initrd LIST: direct boot's modules or Linux initrd */
	char *append;	/* --append: direct boot's kernel command line */
	char where[96]; /* "the command line" or "FILE:LINE", for messages */
};

#define POP_MAX_GUESTS 100000u
#define POP_MAX_GROUPS 1024u

struct pop_spec {
	struct pop_group *groups;
	unsigned ngroups;
	unsigned total; /* guests of every group */

	double stagger_s;  /* between boots */
	double duration_s; /* 0: until every guest has ended, or stopped */
	double interval_s; /* between statistics rows */
	uint64_t samples;  /* statistics rows to write; 0: no limit */
	const char *stats_path;
	const char *results_path;
	const char *prom_path;	/* --prom: a node_exporter textfile, rewritten each interval */
	const char *jsonl_path; /* --jsonl: a JSON object per interval */
	const char *logs_dir; /* a capped serial log per guest; NULL: serial output counted only */
	uint64_t log_cap_bytes; /* per guest */
	uint64_t min_free_kb;
	bool overcommit; /* admission counts only the RAM guests have touched, not all they have */
	bool has_max_load;
	double max_load;
	bool ksm;
	const char *name; /* the population's name (control socket); NULL: "pop<pid>" */
	/* --number-from: the first K of TYPE_K per type (0: 1), so that several populations
	 * (a cluster job's tasks) name their guests apart */
	unsigned number_from[GUEST_TYPES];
	bool help;
};

#define POP_DEFAULT_INTERVAL_S 1.0
#define POP_DEFAULT_MIN_FREE   (256ULL << 20)
#define POP_DEFAULT_LOG_CAP    (1ULL << 20)
#define POP_NAME_MAX	       48
/* The largest K of a guest name TYPE_K: "tcl_9999999/63" still fits a thread name (15). */
#define POP_NUMBER_MAX 9999999u

/*
 * Parses `tinyvmm pop` arguments (after "pop"): global options, one group from -t/-i/-n
 * and friends, and groups from --spec files. On bad input returns -EINVAL (or -ENOMEM)
 * with a one-line message in err that names the spec file's line where there is one.
 * Nothing is opened but the spec files.
 */
int pop_spec_parse(struct pop_spec *s, int argc, char **argv, char *err, size_t errlen);

/* Adds the groups of one spec file, one group per line ("-t l4 -i IMG -n 10 --app ..."). */
int pop_spec_load(struct pop_spec *s, const char *path, char *err, size_t errlen);
/* The same from text in memory; `name` is what messages call it. */
int pop_spec_load_text(struct pop_spec *s, const char *text, const char *name, char *err,
		       size_t errlen);

void pop_spec_free(struct pop_spec *s);

/*
 * Splits a line into words the way a shell would for plain cases: blanks separate,
 * "double" (with \" and \\) and 'single' quotes group, # starts a comment outside quotes.
 * *argv is one allocation (free it); 0, -EINVAL with *why on an unterminated quote, or
 * -ENOMEM.
 */
int pop_spec_split(const char *line, int *argc, char ***argv, const char **why);

/*
 * "l4=501,bm=101": the first guest number of each type named (the others keep 1) into
 * from[]. 0, or -EINVAL with *why saying what is wrong.
 */
int pop_parse_number_from(const char *v, unsigned from[GUEST_TYPES], const char **why);

/* The first K of `type`'s guest names (--number-from, else 1). */
unsigned pop_spec_first_number(const struct pop_spec *s, enum guest_type type);

#endif
