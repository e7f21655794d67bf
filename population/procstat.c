/* Parses /proc/stat, loadavg, meminfo, vmstat and smaps_rollup text, and reads those files. */
#include "population/procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Decimal digits at *p into *out, no overflow; advances *p. */
static bool parse_dec(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return true;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int procstat_field(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *c = line + klen;
		if (!strncmp(line, key, klen) && (*c == ':' || *c == ' ' || *c == '\t')) {
			c = skip_blanks(*c == ':' ? c + 1 : c);
			return parse_dec(&c, out) ? 0 : -EINVAL;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -ENOENT;
}

int procstat_parse_stat(const char *text, struct cpu_times *out)
{
	if (strncmp(text, "cpu ", 4))
		return -EINVAL;
	uint64_t v[8];
	const char *p = text + 4;
	for (unsigned i = 0; i < 8; i++) {
		p = skip_blanks(p);
		/* kernels before 2.6.11 stop early: what they lack counts as zero */
		if (i >= 4 && (*p == '\n' || *p == '\0')) {
			memset(&v[i], 0, (8 - i) * sizeof(v[0]));
			break;
		}
		if (!parse_dec(&p, &v[i]))
			return -EINVAL;
	}
	*out = (struct cpu_times){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
	return 0;
}

/* A non-negative decimal with up to two fraction digits, as /proc/loadavg writes them. */
static bool parse_load(const char **p, double *out)
{
	uint64_t whole, frac = 0;
	const char *s = skip_blanks(*p);
	if (!parse_dec(&s, &whole))
		return false;
	double scale = 1;
	if (*s == '.') {
		s++;
		const char *start = s;
		if (!parse_dec(&s, &frac) || s - start > 6)
			return false;
		for (long i = 0; i < s - start; i++)
			scale *= 10;
	}
	*out = (double)whole + (double)frac / scale;
	*p = s;
	return true;
}

int procstat_parse_loadavg(const char *text, struct load_avg *out)
{
	const char *p = text;
	struct load_avg l;
	if (!parse_load(&p, &l.one) || !parse_load(&p, &l.five) || !parse_load(&p, &l.fifteen))
		return -EINVAL;
	/* "running/total": the total is the kernel's nr_threads, what threads-max bounds */
	uint64_t running;
	p = skip_blanks(p);
	l.tasks = 0;
	if (parse_dec(&p, &running) && *p == '/') {
		p++;
		if (!parse_dec(&p, &l.tasks))
			l.tasks = 0;
	}
	*out = l;
	return 0;
}

int procstat_parse_meminfo(const char *text, struct mem_info *out)
{
	struct mem_info m;
	if (procstat_field(text, "MemTotal", &m.total) ||
	    procstat_field(text, "MemFree", &m.free) || procstat_field(text, "Cached", &m.cached) ||
	    procstat_field(text, "SwapTotal", &m.swap_total) ||
	    procstat_field(text, "SwapFree", &m.swap_free) ||
	    procstat_field(text, "SwapCached", &m.swap_cached))
		return -EINVAL;
	if (procstat_field(text, "MemAvailable", &m.available))
		m.available = m.free + m.cached;
	*out = m;
	return 0;
}

int procstat_parse_vmstat(const char *text, struct vm_counters *out)
{
	struct vm_counters c;
	if (procstat_field(text, "pgfault", &c.pgfault) ||
	    procstat_field(text, "pgmajfault", &c.pgmajfault) ||
	    procstat_field(text, "pgpgin", &c.pgpgin) ||
	    procstat_field(text, "pgpgout", &c.pgpgout) ||
	    procstat_field(text, "pswpin", &c.pswpin) ||
	    procstat_field(text, "pswpout", &c.pswpout))
		return -EINVAL;
	*out = c;
	return 0;
}

int procstat_parse_rollup(const char *text, uint64_t *rss_kb, uint64_t *pss_kb)
{
	uint64_t rss, pss;
	if (procstat_field(text, "Rss", &rss) || procstat_field(text, "Pss", &pss))
		return -EINVAL;
	*rss_kb = rss;
	*pss_kb = pss;
	return 0;
}

long procstat_read(const char *path, char *buf, size_t size)
{
	if (size == 0)
		return -EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (long)len;
}

/* /proc/vmstat holds ~170 lines; the counters wanted are in its first half. */
#define PROC_BUF 16384

static int read_parse(const char *path, char *buf, int (*parse)(const char *, void *), void *out)
{
	long n = procstat_read(path, buf, PROC_BUF);
	return n < 0 ? (int)n : parse(buf, out);
}

/* Adapters so the one reader above serves every parser. */
static int p_stat(const char *t, void *o)
{
	return procstat_parse_stat(t, o);
}
static int p_load(const char *t, void *o)
{
	return procstat_parse_loadavg(t, o);
}
static int p_mem(const char *t, void *o)
{
	return procstat_parse_meminfo(t, o);
}
static int p_vm(const char *t, void *o)
{
	return procstat_parse_vmstat(t, o);
}

int procstat_host(struct host_sample *out)
{
	char *buf = malloc(PROC_BUF);
	if (!buf)
		return -ENOMEM;
	int r = read_parse("/proc/stat", buf, p_stat, &out->cpu);
	if (!r)
		r = read_parse("/proc/loadavg", buf, p_load, &out->load);
	if (!r)
		r = read_parse("/proc/meminfo", buf, p_mem, &out->mem);
	if (!r)
		r = read_parse("/proc/vmstat", buf, p_vm, &out->vm);
	free(buf);
	return r;
}

int procstat_admission(struct mem_info *mem, struct load_avg *load)
{
	char buf[4096]; /* MemAvailable is in meminfo's first lines */
	long n = procstat_read("/proc/meminfo", buf, sizeof(buf));
	int r = n < 0 ? (int)n : procstat_parse_meminfo(buf, mem);
	if (r)
		return r;
	n = procstat_read("/proc/loadavg", buf, sizeof(buf));
	return n < 0 ? (int)n : procstat_parse_loadavg(buf, load);
}

int procstat_self(uint64_t *rss_kb, uint64_t *pss_kb)
{
	char buf[2048];
	long n = procstat_read("/proc/self/smaps_rollup", buf, sizeof(buf));
	if (n > 0 && !procstat_parse_rollup(buf, rss_kb, pss_kb))
		return 0;
	n = procstat_read("/proc/self/status", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	*pss_kb = 0; /* unknown without smaps_rollup (kernels before 4.14) */
	return procstat_field(buf, "VmRSS", rss_kb);
}

static uint64_t page_kb(void)
{
	long page = sysconf(_SC_PAGESIZE);
	return (uint64_t)(page > 0 ? page : 4096) / 1024;
}

int procstat_parse_statm(const char *text, uint64_t *resident_pages)
{
	uint64_t size;
	const char *p = text;
	if (!parse_dec(&p, &size))
		return -EINVAL;
	p = skip_blanks(p);
	return parse_dec(&p, resident_pages) ? 0 : -EINVAL;
}

int procstat_self_rss_kb(uint64_t *rss_kb)
{
	char buf[256];
	uint64_t pages;
	long n = procstat_read("/proc/self/statm", buf, sizeof(buf));
	int r = n < 0 ? (int)n : procstat_parse_statm(buf, &pages);
	if (!r)
		*rss_kb = pages * page_kb();
	return r;
}

uint64_t procstat_ksm_saved_kb(void)
{
	char buf[64];
	uint64_t pages;
	if (procstat_read("/sys/kernel/mm/ksm/pages_sharing", buf, sizeof(buf)) <= 0)
		return 0;
	const char *p = buf;
	if (!parse_dec(&p, &pages))
		return 0;
	return pages * page_kb();
}
