/* SPDX-License-Identifier: MIT */
#ifndef VMM_VM_CORE_H
#define VMM_VM_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "common/err.h"
#include "vmm/kvm/vm.h"

/*
 * The VMM core's own API (podvmm's main uses it; devices see only vm.h):
 * create the machine, configure vCPUs for a boot protocol, run one thread
 * per vCPU, and stop them when a device or a signal asks for it.
 */

#define VM_MAX_CPUS 64

/*
 * What the board decides and the core carries out: the core knows KVM, not
 * the PC's memory map or CPU model, so both come in as plain data and a
 * callback (hw/pc_boot.h fills them).
 */
struct vm_config {
	uint64_t mem_size; /* bytes */
	int nr_cpus;
	bool hugepages;
	uint64_t low_ram_max;	    /* RAM from 0 up to here (the hole above it) */
	uint64_t high_ram_base;	    /* the rest of RAM continues here */
	uint64_t tss_addr;	    /* KVM_SET_TSS_ADDR: three pages outside RAM */
	uint64_t identity_map_addr; /* KVM_SET_IDENTITY_MAP_ADDR: one page */
	/* Turns KVM_GET_SUPPORTED_CPUID's table into vCPU cpu's, in place,
	 * before KVM_SET_CPUID2; NULL keeps it as KVM offers it. */
	void (*cpuid_filter)(struct kvm_cpuid2 *c, int cpu, int nr_cpus, const void *arg);
	const void *cpuid_arg;
};

/* Why the VM stopped; chooses podvmm's exit status. */
enum vm_exit_kind {
	VM_EXIT_NONE,
	VM_EXIT_POWEROFF, /* guest powered off: exit 0 */
	VM_EXIT_RESET,	  /* guest reset or triple fault: exit 0 */
	VM_EXIT_ERROR,	  /* unexpected KVM exit or failure: exit 1 */
};

/* KVM, guest RAM (below low_ram_max, the rest at high_ram_base), TSS and
 * identity map addresses, in-kernel irqchip and PIT, buses, vCPUs with
 * CPUID, MSRs and LAPIC LINT0/LINT1.  0 or -errno; e->msg names the step
 * that failed. */
int vm_create(struct vm *vm, const struct vm_config *cfg, struct err *e);

/* Register and segment state for the boot CPU; APs wait for INIT-SIPI.
 * fill gets vCPU 0's current segment registers and a zeroed register set
 * and returns 0 or -errno; the core then loads both. */
int vm_boot_cpu_setup(struct vm *vm,
		      int (*fill)(struct kvm_sregs *s, struct kvm_regs *r, void *arg), void *arg);

/* Starts one thread per vCPU. */
int vm_start(struct vm *vm);

/* An eventfd that becomes readable once something asked the VM to stop. */
int vm_exit_fd(struct vm *vm);
enum vm_exit_kind vm_exit_kind(struct vm *vm);
/* The reason the first vm_request_exit gave ("" while none did). */
const char *vm_exit_reason(struct vm *vm);

/* Devices and vCPUs ask the VM to stop (first caller wins). */
void vm_request_exit(struct vm *vm, enum vm_exit_kind kind, const char *reason);

/* Each vCPU thread logs its registers as vm_destroy stops it (a guest that
 * had to be forced off: where was it?). */
void vm_dump_on_stop(struct vm *vm);

/* Stops and joins the vCPU threads, runs the atexit hooks, frees
 * everything. */
void vm_destroy(struct vm *vm);

/* The CPUID table KVM supports, before cpuid_filter (for the MP table's
 * CPU signature). */
const struct kvm_cpuid2 *vm_supported_cpuid(const struct vm *vm);

#endif
