/* Host limits from getrlimit and /proc/sys, and this process's (and user's) use of them. */
#include "population/host_limits.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "population/procstat.h"

/* Each guest holds a VM fd and one per vCPU, and runs a thread per vCPU: a thousand guests
 * need more than the usual soft limits. */
void host_limits_raise(void)
{
	static const int which[] = {RLIMIT_NOFILE, RLIMIT_NPROC};
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		struct rlimit rl;
		if (getrlimit(which[i], &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(which[i], &rl);
		}
	}
}

static uint64_t soft_limit(int which)
{
	struct rlimit rl;
	if (getrlimit(which, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	return (uint64_t)rl.rlim_cur;
}

static uint64_t sysctl_value(const char *path)
{
	char buf[32], *end;
	if (procstat_read(path, buf, sizeof(buf)) <= 0 || !isdigit((unsigned char)buf[0]))
		return 0;
	unsigned long long v = strtoull(buf, &end, 10);
	return *end == '\n' || *end == '\0' ? (uint64_t)v : 0;
}

void host_limits_read(struct host_limits *out)
{
	*out = (struct host_limits){
	    .nofile = soft_limit(RLIMIT_NOFILE),
	    .max_map_count = sysctl_value("/proc/sys/vm/max_map_count"),
	    .pid_max = sysctl_value("/proc/sys/kernel/pid_max"),
	    .threads_max = sysctl_value("/proc/sys/kernel/threads-max"),
	    /* the kernel does not hold root (in the first user namespace) to RLIMIT_NPROC */
	    .nproc = getuid() == 0 ? 0 : soft_limit(RLIMIT_NPROC),
	};
}

uint64_t host_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 16; /* a guess that errs on the side of fewer guests */
	uint64_t n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n > 3 ? n - 3 : 0; /* ".", ".." and the directory's own descriptor */
}

uint64_t host_count_maps(void)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 64; /* a guess, as for descriptors */
	char buf[4096];
	uint64_t lines = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

uint64_t host_count_user_tasks(uid_t uid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	uint64_t tasks = 0;
	struct dirent *e;
	char path[64], status[4096];
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/status", e->d_name);
		uint64_t real, threads;
		/* "Uid:" gives the real, effective, saved and fs IDs: the first is the one counted
		 */
		if (procstat_read(path, status, sizeof(status)) > 0 &&
		    !procstat_field(status, "Uid", &real) && real == (uint64_t)uid &&
		    !procstat_field(status, "Threads", &threads))
			tasks += threads;
	}
	closedir(d);
	return tasks;
}
