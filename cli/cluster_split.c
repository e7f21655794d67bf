/* Divides a population's groups over hosts by guest RAM and count, and writes each share's spec. */
#include "cli/cluster_split.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cluster_shares_free(struct cluster_share *shares, unsigned hosts)
{
	for (unsigned h = 0; h < hosts; h++) {
		free(shares[h].count);
		shares[h].count = NULL;
	}
}

/* The share that should take the next guest: least RAM, then fewest guests, then first. */
static unsigned lightest(const struct cluster_share *sh, unsigned hosts)
{
	unsigned best = 0;
	for (unsigned h = 1; h < hosts; h++)
		if (sh[h].ram_bytes < sh[best].ram_bytes ||
		    (sh[h].ram_bytes == sh[best].ram_bytes && sh[h].guests < sh[best].guests))
			best = h;
	return best;
}

int cluster_split(const struct pop_spec *s, unsigned hosts, struct cluster_share *out, char *err,
		  size_t errlen)
{
	if (hosts == 0 || hosts > CLUSTER_MAX_HOSTS) {
		snprintf(err, errlen, "--hosts %u: expected 1 to %u", hosts, CLUSTER_MAX_HOSTS);
		return -EINVAL;
	}
	if (hosts > s->total) {
		snprintf(err, errlen,
			 "--hosts %u: more hosts than guests (%u); each host needs one", hosts,
			 s->total);
		return -EINVAL;
	}
	memset(out, 0, hosts * sizeof(*out));
	for (unsigned h = 0; h < hosts; h++) {
		if (!(out[h].count = calloc(s->ngroups ? s->ngroups : 1, sizeof(unsigned)))) {
			cluster_shares_free(out, hosts);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}
	/* the biggest guests first, so the small ones even out what they leave */
	unsigned *order = calloc(s->ngroups ? s->ngroups : 1, sizeof(unsigned));
	if (!order) {
		cluster_shares_free(out, hosts);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < s->ngroups; i++) {
		unsigned j = i;
		while (j > 0 && s->groups[order[j - 1]].ram_bytes < s->groups[i].ram_bytes) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (unsigned k = 0; k < s->ngroups; k++) {
		const struct pop_group *g = &s->groups[order[k]];
		unsigned each = g->count / hosts, left = g->count % hosts;
		for (unsigned h = 0; h < hosts; h++) {
			out[h].count[order[k]] += each;
			out[h].guests += each;
			out[h].ram_bytes += (uint64_t)each * g->ram_bytes;
		}
		for (; left > 0; left--) {
			unsigned h = lightest(out, hosts);
			out[h].count[order[k]]++;
			out[h].guests++;
			out[h].ram_bytes += g->ram_bytes;
		}
	}
	free(order);
	/* numbers per type run on from one share to the next, as pop numbers its groups */
	for (int t = 0; t < GUEST_TYPES; t++) {
		unsigned next = pop_spec_first_number(s, (enum guest_type)t);
		for (unsigned h = 0; h < hosts; h++) {
			out[h].number_from[t] = next;
			for (unsigned i = 0; i < s->ngroups; i++)
				if (s->groups[i].type == (enum guest_type)t)
					next += out[h].count[i];
		}
	}
	return 0;
}

struct text {
	char *buf;
	size_t len;
	FILE *f;
};

/* A word pop_spec_split reads back as it was: '...' unless it holds a ', then "..." */
static void quoted(FILE *f, const char *s)
{
	if (!strchr(s, '\'')) {
		fprintf(f, "'%s'", s);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

char *cluster_share_spec(const struct pop_spec *s, const struct cluster_share *share,
			 const char *title)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "# %s\n", title);
	for (unsigned i = 0; i < s->ngroups; i++) {
		const struct pop_group *g = &s->groups[i];
		if (!share->count[i])
			continue;
		fprintf(f, "-t %s -i ", guest_type_name(g->type));
		quoted(f, g->image);
		fprintf(f, " -n %u -m %lluK --smp %u", share->count[i],
			(unsigned long long)(g->ram_bytes >> 10), g->smp);
		const struct {
			const char *opt, *v;
		} more[] = {{"--app", g->app}, {"--initrd", g->initrd}, {"--append", g->append}};
		for (size_t k = 0; k < sizeof(more) / sizeof(more[0]); k++) {
			if (!more[k].v)
				continue;
			fprintf(f, " %s ", more[k].opt);
			quoted(f, more[k].v);
		}
		fprintf(f, "   # %s\n", g->where);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

void cluster_number_from(const struct pop_spec *s, const struct cluster_share *share, char *buf,
			 size_t size)
{
	bool has[GUEST_TYPES] = {false};
	for (unsigned i = 0; i < s->ngroups; i++)
		has[s->groups[i].type] |= share->count[i] > 0;
	size_t pos = 0;
	buf[0] = '\0';
	for (int t = 0; t < GUEST_TYPES; t++) {
		if (!has[t] || pos >= size)
			continue;
		int n = snprintf(buf + pos, size - pos, "%s%s=%u", pos ? "," : "",
				 guest_type_name((enum guest_type)t), share->number_from[t]);
		pos += n > 0 ? (size_t)n : 0;
	}
}
