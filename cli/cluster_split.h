/* Splitting a population spec into one share per host, and each share as a spec file of its own. */
#ifndef TINYVMM_CLI_CLUSTER_SPLIT_H
#define TINYVMM_CLI_CLUSTER_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "population/spec.h"

#define CLUSTER_MAX_HOSTS 10000u

/* One host's share: how many guests of each group, and where its guest numbers start. */
struct cluster_share {
	unsigned *count; /* one per group of the spec */
	unsigned guests;
	uint64_t ram_bytes; /* guest RAM of the share */
	unsigned number_from[GUEST_TYPES];
};

/*
 * Splits the spec's guests over `hosts` shares, balanced by guest RAM first and guest count
 * second: each group is divided evenly and what is left over goes, one guest at a time, to
 * the share with the least RAM (then the fewest guests). Guest numbers run on from share to
 * share per type, so TYPE_K names stay unique over the job. out[] gets `hosts` shares (free
 * with cluster_shares_free). 0, or -EINVAL with a message (more hosts than guests, too many
 * hosts) or -ENOMEM.
 */
int cluster_split(const struct pop_spec *s, unsigned hosts, struct cluster_share *out, char *err,
		  size_t errlen);
void cluster_shares_free(struct cluster_share *shares, unsigned hosts);

/*
 * The share as spec text, one line per group it has guests of, every group option written
 * out (-t, -i, -n, -m, --smp, and --app, --initrd, --append when set), quoted so that
 * pop_spec_split reads them back unchanged. malloc'd, or NULL.
 */
char *cluster_share_spec(const struct pop_spec *s, const struct cluster_share *share,
			 const char *title);

/* "l4=501,bm=1" for --number-from: every type the share has guests of. */
void cluster_number_from(const struct pop_spec *s, const struct cluster_share *share, char *buf,
			 size_t size);

#endif
