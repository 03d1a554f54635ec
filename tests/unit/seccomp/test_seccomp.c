// SPDX-License-Identifier: MIT
/* podvmm's allow-lists without KVM: each case forks, builds the filters,
 * enters one thread kind and makes a syscall; the parent checks that the
 * child lived or died by SIGSYS. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/seccomp/seccomp.h"

/* SANITIZE=1 builds let LeakSanitizer's tracer fork and signal
 * (vmm/seccomp/seccomp_filter.c): those two checks only hold in real builds. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* Runs fn in a child under the given action and kind; returns the wait
 * status.  fn returns the child's exit code. */
static int in_child(enum seccomp_action action, enum seccomp_kind kind, int (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (seccomp_filters_prepare(action))
			_exit(90);
		if (seccomp_thread_enter(kind))
			_exit(91);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_sigsys(int status)
{
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void assert_exit(int status, int code)
{
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), code);
}

static int efd;

static int do_eventfd_io(void)
{
	uint64_t v = 1;

	if (write(efd, &v, sizeof(v)) != sizeof(v) || read(efd, &v, sizeof(v)) != sizeof(v))
		return 1;
	return v == 1 ? 0 : 2;
}

static int do_socket(void)
{
	return socket(AF_INET, SOCK_DGRAM, 0) >= 0 ? 0 : 3;
}

static int do_unlisted_ioctl(void)
{
	int n;

	return ioctl(efd, FIONREAD, &n) < 0 ? 4 : 0;
}

static int do_exec_mapping(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? 5 : 0;
}

static int do_data_mapping(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED || munmap(p, 4096) ? 6 : 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int do_thread(void)
{
	pthread_t t;
	void *ret = NULL;

	/* clone3 answers ENOSYS; glibc falls back to clone with CLONE_THREAD. */
	if (pthread_create(&t, NULL, thread_fn, (void *)7) || pthread_join(t, &ret))
		return 7;
	return ret == (void *)7 ? 0 : 8;
}

static int do_fork(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	return 9;
}

static int do_kill_parent(void)
{
	return kill(getppid(), 0) ? 10 : 0;
}

static int do_signal_self(void)
{
	/* tgkill on our own process is how the main thread kicks vCPUs. */
	signal(SIGUSR1, SIG_IGN);
	return pthread_kill(pthread_self(), SIGUSR1) ? 11 : 0;
}

static void io_allows_eventfd_io(void **state)
{
	(void)state;
	efd = eventfd(0, EFD_NONBLOCK);
	assert_true(efd >= 0);
	assert_exit(in_child(SECCOMP_ACTION_KILL, SECCOMP_IO, do_eventfd_io), 0);
	close(efd);
}

static void every_kind_kills_socket(void **state)
{
	(void)state;
	for (int k = 0; k < SECCOMP_NR_KINDS; k++)
		assert_sigsys(in_child(SECCOMP_ACTION_KILL, k, do_socket));
}

static void unlisted_ioctl_kills(void **state)
{
	(void)state;
	efd = eventfd(0, EFD_NONBLOCK);
	for (int k = 0; k < SECCOMP_NR_KINDS; k++)
		assert_sigsys(in_child(SECCOMP_ACTION_KILL, k, do_unlisted_ioctl));
	close(efd);
}

static void no_executable_memory(void **state)
{
	(void)state;
	for (int k = 0; k < SECCOMP_NR_KINDS; k++) {
		assert_sigsys(in_child(SECCOMP_ACTION_KILL, k, do_exec_mapping));
		assert_exit(in_child(SECCOMP_ACTION_KILL, k, do_data_mapping), 0);
	}
}

static void vcpu_starts_threads_but_never_forks(void **state)
{
	(void)state;
	assert_exit(in_child(SECCOMP_ACTION_KILL, SECCOMP_VCPU, do_thread), 0);
	if (!SANITIZED)
		assert_sigsys(in_child(SECCOMP_ACTION_KILL, SECCOMP_VCPU, do_fork));
	/* Only the vCPU list has clone at all. */
	assert_sigsys(in_child(SECCOMP_ACTION_KILL, SECCOMP_IO, do_thread));
	assert_sigsys(in_child(SECCOMP_ACTION_KILL, SECCOMP_MAIN, do_thread));
}

static void signals_only_to_ourselves(void **state)
{
	(void)state;
	if (!SANITIZED)
		assert_sigsys(in_child(SECCOMP_ACTION_KILL, SECCOMP_MAIN, do_kill_parent));
	assert_exit(in_child(SECCOMP_ACTION_KILL, SECCOMP_MAIN, do_signal_self), 0);
}

static void trap_mode_exits_1(void **state)
{
	(void)state;
	assert_exit(in_child(SECCOMP_ACTION_TRAP, SECCOMP_VCPU, do_socket), 1);
}

static void off_mode_allows_everything(void **state)
{
	(void)state;
	assert_exit(in_child(SECCOMP_ACTION_OFF, SECCOMP_VCPU, do_socket), 0);
	assert_exit(in_child(SECCOMP_ACTION_OFF, SECCOMP_MAIN, do_kill_parent), 0);
}

static void bad_test_hook_is_refused(void **state)
{
	(void)state;
	setenv("PODVMM_SECCOMP_TEST", "forbidden-syscall:gpu", 1);
	assert_int_equal(seccomp_filters_prepare(SECCOMP_ACTION_OFF), -EINVAL);
	setenv("PODVMM_SECCOMP_TEST", "something-else", 1);
	assert_int_equal(seccomp_filters_prepare(SECCOMP_ACTION_OFF), -EINVAL);
	unsetenv("PODVMM_SECCOMP_TEST");
	assert_int_equal(seccomp_filters_prepare(SECCOMP_ACTION_OFF), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(io_allows_eventfd_io),
		cmocka_unit_test(every_kind_kills_socket),
		cmocka_unit_test(unlisted_ioctl_kills),
		cmocka_unit_test(no_executable_memory),
		cmocka_unit_test(vcpu_starts_threads_but_never_forks),
		cmocka_unit_test(signals_only_to_ourselves),
		cmocka_unit_test(trap_mode_exits_1),
		cmocka_unit_test(off_mode_allows_everything),
		cmocka_unit_test(bad_test_hook_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
