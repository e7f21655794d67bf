/* timeit: runs one command and reports its wall time, CPU, threads, KVM kernel threads and memory
 * (make bench). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TIDS     256
#define MAX_KTHREADS 8
#define WORD_MAX     64
#define READ_CHUNK   4096
#define KILL_GRACE   3000.0 /* ms between SIGTERM and SIGKILL */

struct opts {
	double timeout_ms;
	const char *words[2]; /* marks to look for on the command's stdout, in this order */
	bool mem;	      /* sample memory once the first word is seen, then stop the command */
	double settle_ms;
	uint64_t guest_kb; /* mappings of exactly this size are guest RAM */
	double poll_ms;
	char **argv;
};

struct kthread {
	pid_t pid;
	char name[64];
	uint64_t cpu_ns; /* last sample: the thread vanishes with the VM */
};

/* A point in the command's output ("ready", "done") and what it had cost by then. */
enum { MARK_READY, MARK_DONE, NMARKS };
static const char *const mark_names[NMARKS] = {"ready", "done"};

struct mark {
	double t;	 /* ms, CLOCK_MONOTONIC; < 0 until seen */
	uint64_t cpu_ns; /* the command's CPU time then, all its threads */
	uint64_t kt_ns;	 /* its KVM kernel threads' CPU time then */
};

struct mem_sample {
	bool ok;
	long rss_kb, pss_kb, private_dirty_kb, anon_kb, anon_huge_kb;
	long guest_rss_kb; /* -1 without -g or when no mapping matched */
};

struct run {
	pid_t pid;
	double t0, t_end; /* ms, CLOCK_MONOTONIC */
	bool reaped, timed_out;
	int wstatus;
	struct rusage ru;
	unsigned threads_max;
	pid_t tids[MAX_TIDS];
	unsigned ntids;
	struct kthread kt[MAX_KTHREADS];
	unsigned nkt;
	struct mark marks[NMARKS];
	unsigned next_mark;
	uint64_t out_bytes; /* the command's stdout so far */
	int64_t ready_byte; /* bytes it wrote before the first word; -1 until seen */
	struct mem_sample mem;
	char tail[WORD_MAX]; /* the last bytes of output, for a word split across reads */
	size_t ntail;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static uint64_t schedstat_ns(const char *path)
{
	char buf[128];
	unsigned long long ns = 0;
	if (read_small(path, buf, sizeof(buf)) < 0 || sscanf(buf, "%llu", &ns) != 1)
		return 0;
	return ns;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Counts the command's threads and remembers their ids (trace events are keyed by them). */
static void scan_tasks(struct run *r, uint64_t *cpu_ns)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)r->pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	unsigned n = 0;
	uint64_t cpu = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_number(e->d_name))
			continue;
		n++;
		pid_t tid = (pid_t)atoi(e->d_name);
		bool known = false;
		for (unsigned i = 0; i < r->ntids; i++)
			known |= r->tids[i] == tid;
		if (!known && r->ntids < MAX_TIDS)
			r->tids[r->ntids++] = tid;
		if (cpu_ns) {
			char sp[96];
			snprintf(sp, sizeof(sp), "/proc/%d/task/%d/schedstat", (int)r->pid,
				 (int)tid);
			cpu += schedstat_ns(sp);
		}
	}
	closedir(d);
	if (n > r->threads_max)
		r->threads_max = n;
	if (cpu_ns)
		*cpu_ns = cpu;
}

/* KVM names the kernel threads it starts for a VM after the creating process: "kvm-pit/PID",
 * "kvm-nx-lpage-recovery-PID". */
static bool names_our_pid(const char *name, pid_t pid)
{
	char suffix[24];
	if (strncmp(name, "kvm", 3))
		return false;
	snprintf(suffix, sizeof(suffix), "%d", (int)pid);
	size_t nl = strlen(name), sl = strlen(suffix);
	if (nl <= sl + 1 || strcmp(name + nl - sl, suffix))
		return false;
	char sep = name[nl - sl - 1];
	return sep == '/' || sep == '-';
}

static void scan_kthreads(struct run *r)
{
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && r->nkt < MAX_KTHREADS) {
		if (!is_number(e->d_name))
			continue;
		pid_t p = (pid_t)atoi(e->d_name);
		bool known = false;
		for (unsigned i = 0; i < r->nkt; i++)
			known |= r->kt[i].pid == p;
		if (known)
			continue;
		char path[64], name[64];
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)p);
		if (read_small(path, name, sizeof(name)) <= 0)
			continue;
		name[strcspn(name, "\n")] = 0;
		if (!names_our_pid(name, r->pid))
			continue;
		struct kthread *k = &r->kt[r->nkt++];
		k->pid = p;
		snprintf(k->name, sizeof(k->name), "%s", name);
	}
	closedir(d);
}

static void sample_kthreads(struct run *r)
{
	for (unsigned i = 0; i < r->nkt; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)r->kt[i].pid);
		uint64_t ns = schedstat_ns(path);
		if (ns > r->kt[i].cpu_ns)
			r->kt[i].cpu_ns = ns;
	}
}

static long field_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Sums the Rss of the mappings whose size is the guest's RAM size. */
static long guest_rss_kb(pid_t pid, uint64_t guest_kb)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long sum = -1;
	bool in_guest = false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		if (sscanf(line, "Size: %llu kB", &v) == 1)
			in_guest = v == guest_kb;
		else if (in_guest && sscanf(line, "Rss: %llu kB", &v) == 1)
			sum = (sum < 0 ? 0 : sum) + (long)v;
	}
	fclose(f);
	return sum;
}

static void sample_mem(struct run *r, const struct opts *o)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)r->pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	r->mem.ok = true;
	r->mem.rss_kb = field_kb(buf, "\nRss:");
	r->mem.pss_kb = field_kb(buf, "\nPss:");
	r->mem.private_dirty_kb = field_kb(buf, "\nPrivate_Dirty:");
	r->mem.anon_kb = field_kb(buf, "\nAnonymous:");
	r->mem.anon_huge_kb = field_kb(buf, "\nAnonHugePages:");
	r->mem.guest_rss_kb = o->guest_kb ? guest_rss_kb(r->pid, o->guest_kb) : -1;
}

static void take_mark(struct run *r, unsigned m)
{
	struct mark *k = &r->marks[m];
	k->t = now_ms();
	scan_tasks(r, &k->cpu_ns);
	if (m == MARK_READY)
		scan_kthreads(r);
	sample_kthreads(r);
	k->kt_ns = 0;
	for (unsigned i = 0; i < r->nkt; i++)
		k->kt_ns += r->kt[i].cpu_ns;
}

/* Looks for the next marks' words in newly read output; a tail of the previous read is kept
 * so that a word split across two reads is still found. */
static void scan_output(struct run *r, const struct opts *o, const char *data, size_t n)
{
	char buf[WORD_MAX + READ_CHUNK];
	if (n > READ_CHUNK)
		n = READ_CHUNK;
	memcpy(buf, r->tail, r->ntail);
	memcpy(buf + r->ntail, data, n);
	const char *from = buf, *end = buf + r->ntail + n;
	/* stream offset of buf[0]: the tail came just before the new data */
	const uint64_t base = r->out_bytes - r->ntail;
	r->out_bytes += n;
	while (r->next_mark < NMARKS && o->words[r->next_mark]) {
		const char *w = o->words[r->next_mark];
		const char *hit = memmem(from, (size_t)(end - from), w, strlen(w));
		if (!hit)
			break;
		if (r->next_mark == MARK_READY)
			r->ready_byte = (int64_t)(base + (uint64_t)(hit - buf));
		take_mark(r, r->next_mark++);
		from = hit + strlen(w);
	}
	size_t keep = (size_t)(end - from);
	if (keep > WORD_MAX - 1)
		keep = WORD_MAX - 1;
	memmove(r->tail, end - keep, keep);
	r->ntail = keep;
}

/* What the command wrote just before it ended is still in the pipe: count it (not timed). A
 * child of the command may hold the pipe open, so this never blocks. */
static void drain_output(struct run *r, const struct opts *o, int fd)
{
	if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK))
		return;
	char buf[READ_CHUNK];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		scan_output(r, o, buf, (size_t)n);
}

static void periodic_sample(struct run *r)
{
	scan_tasks(r, NULL);
	/* Before the word the VM's kernel threads may still be coming; after it only the known
	 * ones are read, so the sampler costs little while the guest runs. */
	if (r->marks[MARK_READY].t < 0 || r->nkt == 0)
		scan_kthreads(r);
	sample_kthreads(r);
}

static void child_exec(const struct opts *o, int out_fd, const sigset_t *oldmask)
{
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(out_fd >= 0 ? out_fd : null, STDOUT_FILENO);
	}
	execvp(o->argv[0], o->argv);
	fprintf(stderr, "timeit: cannot run %s: %s\n", o->argv[0], strerror(errno));
	_exit(127);
}

/* Runs the command to its end (or to the memory sample), sampling as it goes. */
static int supervise(struct run *r, const struct opts *o)
{
	sigset_t mask, oldmask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &oldmask))
		return -errno;
	int ret = 0, pipefd[2] = {-1, -1};
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		ret = -errno;
		goto out_mask;
	}
	if (o->words[0] && pipe2(pipefd, O_CLOEXEC)) {
		ret = -errno;
		goto out_sfd;
	}
	r->t0 = now_ms();
	for (unsigned m = 0; m < NMARKS; m++)
		r->marks[m].t = -1;
	r->ready_byte = -1;
	double *t_ready = &r->marks[MARK_READY].t;
	r->pid = fork();
	if (r->pid < 0) {
		ret = -errno;
		goto out_pipe;
	}
	if (r->pid == 0)
		child_exec(o, pipefd[1], &oldmask);
	if (pipefd[1] >= 0) {
		close(pipefd[1]);
		pipefd[1] = -1;
	}

	double next_poll = o->poll_ms > 0 ? r->t0 + o->poll_ms : INFINITY, kill_at = -1;
	bool mem_done = false;
	while (!r->reaped) {
		double t = now_ms(), wake = next_poll;
		if (o->timeout_ms > 0 && r->t0 + o->timeout_ms < wake)
			wake = r->t0 + o->timeout_ms;
		if (o->mem && !mem_done && *t_ready >= 0 && *t_ready + o->settle_ms < wake)
			wake = *t_ready + o->settle_ms;
		if (kill_at >= 0 && kill_at < wake)
			wake = kill_at;
		struct pollfd pf[2] = {{.fd = sfd, .events = POLLIN}, {.fd = pipefd[0]}};
		pf[1].events = pipefd[0] >= 0 ? POLLIN : 0;
		int wait_ms = wake > t + 1000 ? 1000 : wake > t ? (int)(wake - t) + 1 : 0;
		if (poll(pf, pipefd[0] >= 0 ? 2 : 1, wait_ms) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		/* Output first: what the command wrote before it exited counts. */
		if (pipefd[0] >= 0 && (pf[1].revents & (POLLIN | POLLHUP))) {
			char buf[READ_CHUNK];
			ssize_t n = read(pipefd[0], buf, sizeof(buf));
			if (n > 0)
				scan_output(r, o, buf, (size_t)n);
			if (n == 0) {
				close(pipefd[0]);
				pipefd[0] = -1;
			}
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			if (wait4(r->pid, &r->wstatus, WNOHANG, &r->ru) == r->pid) {
				r->t_end = now_ms();
				r->reaped = true;
				break;
			}
		}
		t = now_ms();
		if (t >= next_poll && o->poll_ms > 0) {
			periodic_sample(r);
			next_poll = t + o->poll_ms;
		}
		if (o->mem && !mem_done && *t_ready >= 0 && t >= *t_ready + o->settle_ms) {
			scan_tasks(r, NULL);
			sample_kthreads(r);
			sample_mem(r, o);
			mem_done = true;
			kill(r->pid, SIGTERM);
			kill_at = t + KILL_GRACE;
		}
		if (o->timeout_ms > 0 && !r->timed_out && t >= r->t0 + o->timeout_ms) {
			r->timed_out = true;
			kill(r->pid, SIGKILL);
		}
		if (kill_at >= 0 && t >= kill_at) {
			kill(r->pid, SIGKILL);
			kill_at = -1;
		}
	}
	if (!r->reaped) {
		kill(r->pid, SIGKILL);
		wait4(r->pid, &r->wstatus, 0, &r->ru);
		r->reaped = true;
		r->t_end = now_ms();
	}
	drain_output(r, o, pipefd[0]);
out_pipe:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
out_sfd:
	close(sfd);
out_mask:
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return ret;
}

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

static void report(const struct run *r)
{
	char status[32];
	if (r->timed_out)
		snprintf(status, sizeof(status), "timeout");
	else if (WIFEXITED(r->wstatus))
		snprintf(status, sizeof(status), "%d", WEXITSTATUS(r->wstatus));
	else if (WIFSIGNALED(r->wstatus))
		snprintf(status, sizeof(status), "sig%d", WTERMSIG(r->wstatus));
	else
		snprintf(status, sizeof(status), "unknown");

	double user = tv_ms(r->ru.ru_utime), sys = tv_ms(r->ru.ru_stime);
	printf("status=%s wall_ms=%.3f user_ms=%.3f sys_ms=%.3f", status, r->t_end - r->t0, user,
	       sys);
	for (unsigned m = 0; m < NMARKS; m++) {
		const struct mark *k = &r->marks[m];
		const char *nm = mark_names[m];
		if (k->t >= 0)
			printf(" %s_ms=%.3f cpu_at_%s_ms=%.3f kthread_cpu_at_%s_ms=%.3f", nm,
			       k->t - r->t0, nm, (double)k->cpu_ns / 1e6, nm,
			       (double)k->kt_ns / 1e6);
		else
			printf(" %s_ms= cpu_at_%s_ms= kthread_cpu_at_%s_ms=", nm, nm, nm);
	}
	if (r->ready_byte >= 0)
		printf(" out_bytes=%llu ready_byte=%lld", (unsigned long long)r->out_bytes,
		       (long long)r->ready_byte);
	else
		printf(" out_bytes=%llu ready_byte=", (unsigned long long)r->out_bytes);
	printf(" threads=%u kthreads=%u", r->threads_max, r->nkt);
	double kt = 0;
	for (unsigned i = 0; i < r->nkt; i++)
		kt += (double)r->kt[i].cpu_ns / 1e6;
	printf(" kthread_cpu_ms=%.3f", kt);
	printf(" kthread_names="); /* '+' apart: the names go into one CSV field */
	for (unsigned i = 0; i < r->nkt; i++)
		printf("%s%s", i ? "+" : "", r->kt[i].name);
	printf(" tids=");
	for (unsigned i = 0; i < r->ntids; i++)
		printf("%s%d", i ? "," : "", (int)r->tids[i]);
	printf(" kthread_pids=");
	for (unsigned i = 0; i < r->nkt; i++)
		printf("%s%d", i ? "," : "", (int)r->kt[i].pid);
	if (r->mem.ok) {
		printf(" rss_kb=%ld pss_kb=%ld private_dirty_kb=%ld anon_kb=%ld anon_huge_kb=%ld",
		       r->mem.rss_kb, r->mem.pss_kb, r->mem.private_dirty_kb, r->mem.anon_kb,
		       r->mem.anon_huge_kb);
		if (r->mem.guest_rss_kb >= 0)
			printf(" guest_rss_kb=%ld", r->mem.guest_rss_kb);
		else
			printf(" guest_rss_kb=");
	} else {
		printf(" rss_kb= pss_kb= private_dirty_kb= anon_kb= anon_huge_kb= guest_rss_kb=");
	}
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: timeit [-t SEC] [-p MS] [-r WORD [-d WORD] [-m [-s MS] [-g KB]]] -- CMD "
		"[ARGS...]\n"
		"  -t SEC   kill the command after SEC seconds (status=timeout)\n"
		"  -p MS    sample threads and KVM kernel threads every MS ms (default 100)\n"
		"  -r WORD  read the command's stdout and note when WORD first appears (ready_ms\n"
		"           and the CPU time by then: cpu_at_ready_ms, kthread_cpu_at_ready_ms)\n"
		"  -d WORD  the same for a later word (done_ms, cpu_at_done_ms, ...)\n"
		"           With -r, out_bytes is all the command wrote to stdout and ready_byte\n"
		"           how much of it came before WORD.\n"
		"  -m       at WORD (after -s MS, default 500) read /proc/PID/smaps_rollup, then\n"
		"           stop the command\n"
		"  -g KB    with -m: also report the Rss of mappings of exactly KB (guest RAM)\n"
		"Prints one line of key=value pairs; exit status 0 when the command ran.\n");
}

static bool parse_num(const char *s, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){.settle_ms = 500, .poll_ms = 100};
	int c;
	double v;
	while ((c = getopt(argc, argv, "+t:p:r:d:ms:g:")) != -1) {
		switch (c) {
		case 't':
			if (!parse_num(optarg, 86400, &v))
				return -1;
			o->timeout_ms = v * 1e3;
			break;
		case 'p':
			if (!parse_num(optarg, 60000, &o->poll_ms))
				return -1;
			break;
		case 'r':
			if (!*optarg || strlen(optarg) >= WORD_MAX)
				return -1;
			o->words[MARK_READY] = optarg;
			break;
		case 'd':
			if (!*optarg || strlen(optarg) >= WORD_MAX)
				return -1;
			o->words[MARK_DONE] = optarg;
			break;
		case 'm':
			o->mem = true;
			break;
		case 's':
			if (!parse_num(optarg, 600000, &o->settle_ms))
				return -1;
			break;
		case 'g':
			if (!parse_num(optarg, 1e12, &v))
				return -1;
			o->guest_kb = (uint64_t)v;
			break;
		default:
			return -1;
		}
	}
	if (optind >= argc || ((o->mem || o->words[MARK_DONE]) && !o->words[MARK_READY]))
		return -1;
	o->argv = argv + optind;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	if (parse_opts(&o, argc, argv)) {
		usage();
		return 2;
	}
	struct run r;
	memset(&r, 0, sizeof(r));
	int err = supervise(&r, &o);
	if (err) {
		fprintf(stderr, "timeit: %s\n", strerror(-err));
		return 1;
	}
	report(&r);
	return 0;
}
