/* SPDX-License-Identifier: MIT */
#ifndef PODVMM_SECCOMP_H
#define PODVMM_SECCOMP_H

/*
 * podvmm's syscall allow-lists, one per kind of thread.  main() builds every
 * filter once (seccomp_filters_prepare, vmm/seccomp/seccomp_filter.c, the only part
 * that needs libseccomp), then each thread installs its own kind with
 * seccomp_thread_enter() before it touches guest-controlled state: a vCPU
 * thread before its first KVM_RUN, an I/O thread before its first epoll_wait,
 * the main thread right after it started the vCPUs, which wait for it (the
 * gate) so that no thread is unfiltered once guest code runs.  Filters stack, so a
 * thread created by a filtered thread keeps its parent's filter too.
 */

enum seccomp_kind {
	SECCOMP_MAIN,
	SECCOMP_VCPU,
	SECCOMP_IO,
	SECCOMP_NR_KINDS,
};

enum seccomp_action {
	SECCOMP_ACTION_OFF,  /* no filter: debugging only, logged loudly */
	SECCOMP_ACTION_KILL, /* SECCOMP_RET_KILL_PROCESS (the default) */
	SECCOMP_ACTION_TRAP, /* SIGSYS handler logs the syscall, exits 1 */
};

/* Builds the BPF programs of every kind, sets no_new_privs and, in TRAP
 * mode, the SIGSYS handler.  Call once, before any thread is created.
 * Reads PODVMM_SECCOMP_TEST (see seccomp_thread_enter).  0 or -errno. */
int seccomp_filters_prepare(enum seccomp_action action);

/* Installs the prepared filter of this kind on the calling thread; 0 when
 * nothing was prepared (seccomp off).  When PODVMM_SECCOMP_TEST is
 * "forbidden-syscall[:KIND]" (KIND main, vcpu or io; vcpu by default) and
 * names this kind, it then makes a syscall no allow-list has (socket), which
 * must kill the process: the test of the filter being active (with seccomp
 * off the hook still runs, and the syscall succeeds). */
int seccomp_thread_enter(enum seccomp_kind kind);

/* Makes vCPU threads wait in seccomp_thread_enter, after installing their
 * own filter, until the main thread has installed its own (or failed, or
 * 10 s passed: then -ECANCELED).  Call after seccomp_filters_prepare,
 * before starting the vCPUs; a no-op when seccomp is off. */
void seccomp_gate_arm(void);

/* For seccomp_filter.c: registers a built program (struct sock_filter[]). */
struct sock_fprog;
void seccomp_program_set(enum seccomp_kind kind, const struct sock_fprog *prog);
void seccomp_test_hook_set(int kind); /* -1: none */
int seccomp_current_kind(void);	      /* this thread's kind, or -1 */

const char *seccomp_kind_name(enum seccomp_kind kind);

#endif
