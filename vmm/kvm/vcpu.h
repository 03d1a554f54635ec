/* SPDX-License-Identifier: MIT */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

struct vm;

#define VCPU_KICK_SIGNAL SIGUSR1

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
};

int vcpu_create(struct vm *vm, struct vcpu *c, int id);
void *vcpu_thread(void *arg);
void vcpu_destroy(struct vcpu *c, int run_size);
/* Logs the register state (the unexpected-exit report). */
void vcpu_dump(struct vcpu *c, const char *why);

#endif
