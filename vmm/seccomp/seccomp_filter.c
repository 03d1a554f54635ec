// SPDX-License-Identifier: MIT
/*
 * The allow-lists.  Found by strace -f of real boots (test guest with and
 * without a virtio-net NIC, userspace and vhost backends, SIGTERM shutdown)
 * and by reading every syscall site in vmm/ and cmd/podvmm.  A syscall
 * outside its thread's list kills the whole process (SECCOMP_RET_KILL_PROCESS:
 * a half-dead VMM is worse than a dead one); the kernel logs the kill
 * (kernel.seccomp.actions_logged has kill_process by default, and audit
 * records it as type=1326 with the syscall number).
 *
 * ioctl is filtered on its request number only (seccomp cannot see which fd):
 * a thread may issue exactly the requests its code path issues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <linux/vhost.h>
#include <jansson.h>
#include <seccomp.h>
#include <sys/prctl.h>

#include "common/log.h"
#include "vmm/seccomp/seccomp.h"

/* The allow-lists are hand-packed tables, grouped by purpose with their
 * comments: clang-format would put one entry a line or re-pack the groups. */
/* clang-format off */
/* Every thread: memory for the logger and jansson, futexes (mutexes and
 * joins), signal return (the vCPU kick), logging to stderr, exiting. */
static const int common_calls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(futex), SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(sched_yield),
	/* the log's zero-timeout check that stderr takes a line (common/log.c) */
	SCMP_SYS(poll), SCMP_SYS(ppoll),
	/* console.c's fatal-signal handler restores the terminal, resets the
	 * disposition and re-raises, on whichever thread crashed. */
	SCMP_SYS(rt_sigaction),
};

#if defined(__SANITIZE_ADDRESS__)
#define PODVMM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PODVMM_SANITIZED 1
#endif
#endif

#ifdef PODVMM_SANITIZED
/* SANITIZE=1 builds only (never shipped): ASan's per-thread alternate
 * signal stack, and LeakSanitizer's exit-time check, which forks a tracer
 * (clone without CLONE_THREAD) that ptrace-stops every thread and reads
 * /proc/self.  The filter tests run in those builds too, so a forbidden
 * syscall still kills there. */
static const int sanitizer_calls[] = {
	SCMP_SYS(sigaltstack), SCMP_SYS(prctl), SCMP_SYS(clone), SCMP_SYS(wait4),
	SCMP_SYS(ptrace), SCMP_SYS(openat), SCMP_SYS(getdents64), SCMP_SYS(close),
	SCMP_SYS(newfstatat), SCMP_SYS(fstat), SCMP_SYS(lseek), SCMP_SYS(sched_yield),
	SCMP_SYS(kill),
	SCMP_SYS(getppid), SCMP_SYS(pipe2), SCMP_SYS(dup2), SCMP_SYS(readlink),
	SCMP_SYS(open), SCMP_SYS(getdents), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(fcntl),
};
#endif

static const unsigned long vcpu_ioctls[] = {
	KVM_RUN, KVM_IRQ_LINE, KVM_SIGNAL_MSI,
	KVM_GET_REGS, KVM_GET_SREGS,			/* register dump on a bad exit */
	/* virtio-net DRIVER_OK / reset / control queue, on the vCPU thread */
	KVM_IOEVENTFD, KVM_IRQFD, KVM_SET_GSI_ROUTING,
	TUNSETOFFLOAD, TUNSETQUEUE, TUNSETVNETHDRSZ,
	VHOST_SET_FEATURES, VHOST_SET_MEM_TABLE, VHOST_SET_VRING_NUM, VHOST_SET_VRING_BASE,
	VHOST_SET_VRING_ADDR, VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL,
	VHOST_GET_VRING_BASE, VHOST_NET_SET_BACKEND,
	TCSETS, TCSETSW, TCSETSF,			/* terminal restore on a crash */
};

static const int vcpu_calls[] = {
	SCMP_SYS(ioctl),	/* narrowed below */
	SCMP_SYS(eventfd2), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(close),
	/* pthread_create/join of the I/O and vhost relay threads at DRIVER_OK */
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(madvise),
	SCMP_SYS(sched_getaffinity),
	/* Those threads start under this filter (filters are inherited and
	 * stack), so it must hold what they then narrow to. */
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
};

static const unsigned long io_ioctls[] = {
	KVM_SIGNAL_MSI, KVM_IRQ_LINE, TCSETS, TCSETSW, TCSETSF,
};

static const int io_calls[] = {
	SCMP_SYS(ioctl), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(madvise),	/* glibc frees the thread's stack on exit */
};

static const unsigned long main_ioctls[] = {
	KVM_IRQ_LINE, KVM_SIGNAL_MSI,			/* Ctrl-Alt-Del on SIGTERM */
	TCGETS, TCSETS, TCSETSW, TCSETSF,		/* console restore */
	/* vm_destroy: stopping the virtio-net backends */
	KVM_IOEVENTFD, KVM_IRQFD, VHOST_NET_SET_BACKEND, VHOST_GET_VRING_BASE,
};

static const int main_calls[] = {
	SCMP_SYS(ioctl), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(timerfd_settime), SCMP_SYS(close), SCMP_SYS(madvise),
	SCMP_SYS(tgkill),	/* narrowed below: kicks of our own vCPU threads */
};
/* clang-format on */

struct policy {
	const int *calls;
	size_t nr_calls;
	const unsigned long *ioctls;
	size_t nr_ioctls;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct policy policies[SECCOMP_NR_KINDS] = {
	[SECCOMP_MAIN] = { main_calls, N(main_calls), main_ioctls, N(main_ioctls) },
	[SECCOMP_VCPU] = { vcpu_calls, N(vcpu_calls), vcpu_ioctls, N(vcpu_ioctls) },
	[SECCOMP_IO] = { io_calls, N(io_calls), io_ioctls, N(io_ioctls) },
};

static int rules_add(scmp_filter_ctx ctx, enum seccomp_kind kind)
{
	const struct policy *p = &policies[kind];
	int r = 0;

	for (size_t i = 0; i < N(common_calls) && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, common_calls[i], 0);
#ifdef PODVMM_SANITIZED
	for (size_t i = 0; i < N(sanitizer_calls) && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sanitizer_calls[i], 0);
#endif
	for (size_t i = 0; i < p->nr_calls && !r; i++) {
		if (p->calls[i] == SCMP_SYS(ioctl) || p->calls[i] == SCMP_SYS(tgkill))
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, p->calls[i], 0);
	}
	/* The kernel reads the request as an unsigned int. */
	for (size_t i = 0; i < p->nr_ioctls && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, p->ioctls[i]));
	/* No executable memory, ever: guest RAM and every buffer are data. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* Signals only to this process (raise, pthread_kill). */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (!r && kind == SECCOMP_VCPU) {
		/* Threads only (no fork): glibc's clone3 takes its flags in
		 * memory seccomp cannot read, so it gets ENOSYS and glibc falls
		 * back to clone, whose flags are checked. */
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
		if (!r)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
		/* A thread it starts narrows its own filter further. */
		if (!r)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(seccomp), 1,
					     SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER));
	}
	return r;
}

/* Exports the filter to BPF in memory: installing it later is then a
 * single syscall that neither allocates nor probes. */
static int program_build(enum seccomp_kind kind, uint32_t def, struct sock_fprog *out)
{
	scmp_filter_ctx ctx = seccomp_init(def);
	int fd = -1, r;
	off_t len;

	if (!ctx)
		return -ENOMEM;
	r = rules_add(ctx, kind);
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); /* set once, below */
	if (r)
		goto out;
	fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if ((r = seccomp_export_bpf(ctx, fd)))
		goto out;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(struct sock_filter) ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		r = -E2BIG;
		goto out;
	}
	out->filter = malloc(len);
	if (!out->filter) {
		r = -ENOMEM;
		goto out;
	}
	if (pread(fd, out->filter, len, 0) != len) {
		r = -EIO;
		free(out->filter);
		out->filter = NULL;
		goto out;
	}
	out->len = (unsigned short)(len / sizeof(struct sock_filter));
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return r;
}

/* Async-signal-safe: formats by hand and writes once. */
static char *num_put(char *p, long v)
{
	char tmp[24];
	int n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *str_put(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static void sigsys_handler(int sig, siginfo_t *si, void *uc)
{
	char line[256], *p = line;

	(void)sig;
	(void)uc;
	p = str_put(p, "{\"level\":\"error\",\"component\":\"seccomp\","
		       "\"msg\":\"forbidden syscall, stopping\",\"syscall\":");
	p = num_put(p, si->si_syscall);
	p = str_put(p, ",\"arch\":");
	p = num_put(p, (long)si->si_arch);
	p = str_put(p, ",\"thread\":\"");
	p = str_put(p, seccomp_kind_name(seccomp_current_kind()));
	p = str_put(p, "\"}\n");
	if (write(STDERR_FILENO, line, p - line) < 0)
		p = line;
	_exit(1);
}

static int test_hook_parse(void)
{
	const char *t = getenv("PODVMM_SECCOMP_TEST");
	const char *k;

	if (!t || !*t)
		return -1;
	if (strncmp(t, "forbidden-syscall", 17) || (t[17] && t[17] != ':'))
		return -EINVAL;
	k = t[17] ? t + 18 : "vcpu";
	for (int i = 0; i < SECCOMP_NR_KINDS; i++)
		if (!strcmp(k, seccomp_kind_name(i)))
			return i;
	return -EINVAL;
}

int seccomp_filters_prepare(enum seccomp_action action)
{
	struct sock_fprog progs[SECCOMP_NR_KINDS] = { { 0, NULL } };
	uint32_t def = action == SECCOMP_ACTION_TRAP ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS;
	int hook = test_hook_parse(), r = 0;

	if (hook < -1)
		return hook;
	seccomp_test_hook_set(hook);
	if (action == SECCOMP_ACTION_OFF)
		return 0;
	if (action == SECCOMP_ACTION_TRAP) {
		struct sigaction sa = { .sa_sigaction = sigsys_handler, .sa_flags = SA_SIGINFO };

		sigfillset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0)
			return -errno;
	}
	/* Lazy one-time initialisations that open files, done now while open
	 * is still allowed: the logger's timestamps load the time zone
	 * (glibc's gmtime_r runs tzset) and jansson seeds its hash from
	 * /dev/urandom on the first object. */
	tzset();
	json_object_seed(0);
	for (int k = 0; k < SECCOMP_NR_KINDS && !r; k++)
		r = program_build(k, def, &progs[k]);
	if (!r && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
	if (r) {
		for (int k = 0; k < SECCOMP_NR_KINDS; k++)
			free(progs[k].filter);
		return r;
	}
	for (int k = 0; k < SECCOMP_NR_KINDS; k++)
		seccomp_program_set(k, &progs[k]);
	log_info("seccomp", "allow-lists built", "{s:s, s:i, s:i, s:i}", "default",
		 action == SECCOMP_ACTION_TRAP ? "trap" : "kill_process", "main_insns",
		 progs[SECCOMP_MAIN].len, "vcpu_insns", progs[SECCOMP_VCPU].len, "io_insns",
		 progs[SECCOMP_IO].len);
	return 0;
}
