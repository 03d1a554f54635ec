// SPDX-License-Identifier: MIT
/*
 * bench/vmm: podvmm against QEMU's microvm machine (-M microvm -enable-kvm),
 * both booting the same test guest through its PVH entry with 256 MiB and
 * powering it off at once (mode=poweroff; QEMU gets an isa-debug-exit
 * device on the guest's power-off port).  For each run: time from fork to
 * the first byte the guest writes on its serial port, time to exit, and
 * peak RSS (getrusage of the child).  Guest RAM is mapped lazily and this
 * guest touches well under 1 MiB of it, so peak RSS is essentially the
 * VMM's own footprint.  Prints medians and the QEMU/podvmm ratios.
 *
 * Environment: BUILD (build dir, default "build"), BENCH_RUNS (default 10),
 * QEMU (default qemu-system-x86_64).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct sample {
	double first_ms, exit_ms;
	long rss_kib;
	int ok;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run_once(char *const argv[], struct sample *s)
{
	int p[2], devnull, status;
	struct rusage ru;
	double t0;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	memset(s, 0, sizeof(*s));
	if (pipe(p) < 0)
		return -errno;
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(p[1], 1);
		dup2(devnull, 2);
		close(p[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], buf, 1);
	if (n == 1)
		s->first_ms = now_ms() - t0;
	while (n > 0)
		n = read(p[0], buf, sizeof(buf));
	close(p[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -errno;
	s->exit_ms = now_ms() - t0;
	s->rss_kib = ru.ru_maxrss;
	s->ok = s->first_ms > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 127;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct result {
	const char *name;
	double first[1000], ex[1000], rss[1000];
	double first_ms, exit_ms, rss_mib;
	int ok;
};

static void sample(struct result *r, char *const argv[])
{
	struct sample s;

	if (run_once(argv, &s) || !s.ok)
		return;
	r->first[r->ok] = s.first_ms;
	r->ex[r->ok] = s.exit_ms;
	r->rss[r->ok] = s.rss_kib / 1024.0;
	r->ok++;
}

static void summarise(struct result *r)
{
	if (!r->ok)
		return;
	r->first_ms = median(r->first, r->ok);
	r->exit_ms = median(r->ex, r->ok);
	r->rss_mib = median(r->rss, r->ok);
}

static void print(const struct result *r, int runs)
{
	if (!r->ok) {
		printf("%-8s  no successful run out of %d\n", r->name, runs);
		return;
	}
	printf("%-8s  first serial byte %7.1f ms   exit %7.1f ms   peak RSS %6.1f MiB   (%d/%d runs)\n",
	       r->name, r->first_ms, r->exit_ms, r->rss_mib, r->ok, runs);
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	const char *qemu = getenv("QEMU") ? getenv("QEMU") : "qemu-system-x86_64";
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 10;
	char podvmm[4096], guest[4096];
	static struct result pv = { .name = "podvmm" }, qm = { .name = "qemu" };

	if (runs < 1 || runs > 1000)
		runs = 10;
	snprintf(podvmm, sizeof(podvmm), "%s/podvmm", build);
	snprintf(guest, sizeof(guest), "%s/guest/guest.elf", build);
	if (access(podvmm, X_OK) || access(guest, R_OK)) {
		fprintf(stderr, "bench/vmm: build %s and %s first\n", podvmm, guest);
		return 1;
	}
	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("bench/vmm: no usable /dev/kvm, nothing to measure\n");
		return 0;
	}
	char *pv_argv[] = { podvmm,	"--kernel", guest,	 "--boot",	  "pvh",
			    "--memory", "256",	    "--cmdline", "mode=poweroff", NULL };
	char *qm_argv[] = { (char *)qemu,  "-M",
			    "microvm",	   "-enable-kvm",
			    "-cpu",	   "host",
			    "-m",	   "256",
			    "-nodefaults", "-no-user-config",
			    "-display",	   "none",
			    "-serial",	   "stdio",
			    "-monitor",	   "none",
			    "-kernel",	   guest,
			    "-append",	   "mode=poweroff",
			    "-device",	   "isa-debug-exit,iobase=0x604,iosize=2",
			    NULL };

	printf("bench/vmm: %d runs each, alternating, test guest via PVH, 256 MiB, 1 vCPU; medians\n",
	       runs);
	/* Alternate the two so both see the same machine load. */
	for (int i = 0; i < runs; i++) {
		sample(&pv, pv_argv);
		sample(&qm, qm_argv);
	}
	summarise(&pv);
	summarise(&qm);
	print(&pv, runs);
	print(&qm, runs);
	if (pv.ok && qm.ok) {
		printf("ratio qemu/podvmm: first serial byte %.1fx, exit %.1fx, peak RSS %.1fx\n",
		       qm.first_ms / pv.first_ms, qm.exit_ms / pv.exit_ms, qm.rss_mib / pv.rss_mib);
	} else if (!qm.ok) {
		printf("qemu (%s) did not run here: no ratio\n", qemu);
	}
	return pv.ok ? 0 : 1;
}
