/* Host and self figures read straight from /proc (no subprocesses): text parsers and readers. */
#ifndef TINYVMM_POPULATION_PROCSTAT_H
#define TINYVMM_POPULATION_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>

/* Jiffies of the aggregate "cpu" line of /proc/stat (guest time is inside user and nice). */
struct cpu_times {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* /proc/meminfo, kB. */
struct mem_info {
	uint64_t total, free, available, cached, swap_total, swap_free, swap_cached;
};

/* Cumulative counters of /proc/vmstat. */
struct vm_counters {
	uint64_t pgfault, pgmajfault, pgpgin, pgpgout, pswpin, pswpout;
};

struct load_avg {
	double one, five, fifteen;
	uint64_t
	    tasks; /* every task on the host, kernel threads included ("R/TASKS"); 0: unknown */
};

/* What the stats sampler takes from the host each interval. */
struct host_sample {
	struct cpu_times cpu;
	struct load_avg load;
	struct mem_info mem;
	struct vm_counters vm;
};

/* The parsers: 0, or -EINVAL when a field they need is missing or malformed. */
int procstat_parse_stat(const char *text, struct cpu_times *out);
int procstat_parse_loadavg(const char *text, struct load_avg *out);
/* MemAvailable is optional (kernels before 3.14): then free + cached stands in for it. */
int procstat_parse_meminfo(const char *text, struct mem_info *out);
int procstat_parse_vmstat(const char *text, struct vm_counters *out);
/* "Rss:" and "Pss:" of /proc/self/smaps_rollup, kB. */
int procstat_parse_rollup(const char *text, uint64_t *rss_kb, uint64_t *pss_kb);

/*
 * The value of "key" (a word at the start of a line, followed by ':' or a space) as a
 * decimal number. 0, or -ENOENT when there is no such line, -EINVAL when it is malformed.
 */
int procstat_field(const char *text, const char *key, uint64_t *out);

/* Reads a whole (small) file into buf, NUL-terminated, truncated to size - 1. Length or -errno. */
long procstat_read(const char *path, char *buf, size_t size);

/* Reads and parses /proc/stat, loadavg, meminfo and vmstat. 0 or -errno. */
int procstat_host(struct host_sample *out);
/* MemAvailable and the load averages only: what admission control needs before each boot. */
int procstat_admission(struct mem_info *mem, struct load_avg *load);
/* This process's RSS and PSS (smaps_rollup; RSS from status where that is missing). */
int procstat_self(uint64_t *rss_kb, uint64_t *pss_kb);
/* This process's RSS from /proc/self/statm: cheap enough to read before every boot. */
int procstat_self_rss_kb(uint64_t *rss_kb);
/* "size resident ..." of statm, pages. */
int procstat_parse_statm(const char *text, uint64_t *resident_pages);
/* Host-wide memory KSM saves (pages_sharing), kB; 0 when KSM is absent. */
uint64_t procstat_ksm_saved_kb(void);

#endif
