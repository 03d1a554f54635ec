/* SPDX-License-Identifier: MIT */
#ifndef VMM_VM_PRIV_H
#define VMM_VM_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "vmm/kvm/vcpu.h"
#include "vmm/kvm/vm_core.h"

/* The core's private part of struct vm (vm->priv). */
struct vm_priv {
	struct vcpu vcpus[VM_MAX_CPUS];
	int run_size;
	struct kvm_cpuid2 *cpuid; /* as KVM supports it; filtered per vCPU */
	void (*cpuid_filter)(struct kvm_cpuid2 *c, int cpu, int nr_cpus, const void *arg);
	const void *cpuid_arg;
	uint8_t *ram;
	size_t ram_len;
	int exit_efd;
	atomic_int exit_kind;
	const char *_Atomic exit_reason; /* static string, set once */
	atomic_bool stopping;
	atomic_bool dump_on_stop; /* vCPU threads log their registers as they stop */
	void (*atexit_fn[16])(void *);
	void *atexit_opaque[16];
	int nr_atexit;
};

#endif
