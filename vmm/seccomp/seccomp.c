// SPDX-License-Identifier: MIT
/* Per-thread installation of the filters built by seccomp_filter.c.  No
 * libseccomp here: installing is one seccomp(2) call on a program built
 * before any thread ran, so nothing in this path allocates or probes. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "common/log.h"
#include "vmm/seccomp/seccomp.h"

static struct sock_fprog programs[SECCOMP_NR_KINDS];
static int test_hook_kind = -1;
static __thread int current_kind = -1;

/* The gate: vCPU threads enter KVM_RUN only once the main thread has its
 * filter too, so no thread of podvmm is unfiltered while guest code runs. */
enum { GATE_NONE, GATE_ARMED, GATE_OPEN, GATE_FAILED };
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate = GATE_NONE;
#define GATE_WAIT_S 10 /* bounds the wait when main fails before its filter */

void seccomp_gate_arm(void)
{
	if (programs[SECCOMP_MAIN].filter)
		gate = GATE_ARMED;
}

static void gate_set(int state)
{
	pthread_mutex_lock(&gate_lock);
	if (gate == GATE_ARMED)
		gate = state;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static int gate_wait(void)
{
	struct timespec until;
	int state;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += GATE_WAIT_S;
	pthread_mutex_lock(&gate_lock);
	while (gate == GATE_ARMED &&
	       pthread_cond_timedwait(&gate_cond, &gate_lock, &until) != ETIMEDOUT)
		;
	state = gate;
	pthread_mutex_unlock(&gate_lock);
	return state == GATE_ARMED || state == GATE_FAILED ? -ECANCELED : 0;
}

static const char *const kind_names[SECCOMP_NR_KINDS] = {
	[SECCOMP_MAIN] = "main",
	[SECCOMP_VCPU] = "vcpu",
	[SECCOMP_IO] = "io",
};

const char *seccomp_kind_name(enum seccomp_kind kind)
{
	return kind >= 0 && kind < SECCOMP_NR_KINDS ? kind_names[kind] : "?";
}

void seccomp_program_set(enum seccomp_kind kind, const struct sock_fprog *prog)
{
	programs[kind] = *prog;
}

int seccomp_current_kind(void)
{
	return current_kind;
}

void seccomp_test_hook_set(int kind)
{
	test_hook_kind = kind;
}

int seccomp_thread_enter(enum seccomp_kind kind)
{
	if (kind < 0 || kind >= SECCOMP_NR_KINDS)
		return -EINVAL;
	/* no_new_privs was set by seccomp_filters_prepare before any thread
	 * existed, so every thread inherits it and may install a filter. */
	if (programs[kind].filter &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &programs[kind]) < 0) {
		int err = -errno;

		if (kind == SECCOMP_MAIN)
			gate_set(GATE_FAILED);
		return err;
	}
	current_kind = kind;
	if (kind == SECCOMP_MAIN)
		gate_set(GATE_OPEN);
	if (kind == SECCOMP_VCPU && gate != GATE_NONE) {
		int r = gate_wait();

		if (r)
			return r;
	}
	if (test_hook_kind == (int)kind) {
		long fd;

		log_warn("seccomp", "test hook: making a forbidden syscall", "{s:s}", "thread",
			 kind_names[kind]);
		fd = syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
		/* Only reached when the filter let it through. */
		log_error("seccomp", "test hook: forbidden syscall was allowed", "{s:s, s:i}",
			  "thread", kind_names[kind], "result", (int)fd);
		if (fd >= 0)
			close((int)fd);
	}
	return 0;
}
