/* SPDX-License-Identifier: MIT */
#ifndef VMM_VM_CORE_H
#define VMM_VM_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/x86/cpuid.h"
#include "vmm/x86/loader.h"
#include "vmm/kvm/vm.h"

/*
 * The VMM core's own API (podvmm's main uses it; devices see only vm.h):
 * create the machine, configure vCPUs for a boot protocol, run one thread
 * per vCPU, and stop them when a device or a signal asks for it.
 */

#define VM_MAX_CPUS 64

struct vm_config {
	uint64_t mem_size;	/* bytes */
	int nr_cpus;
	bool hugepages;
	enum cpu_template cpu_template;
};

/* Why the VM stopped; chooses podvmm's exit status. */
enum vm_exit_kind {
	VM_EXIT_NONE,
	VM_EXIT_POWEROFF,	/* guest powered off: exit 0 */
	VM_EXIT_RESET,		/* guest reset or triple fault: exit 0 */
	VM_EXIT_ERROR,		/* unexpected KVM exit or failure: exit 1 */
};

/* KVM, guest RAM (low part below the PCI hole, rest at 4 GiB), TSS and
 * identity map addresses, in-kernel irqchip and PIT, buses, PCI host
 * bridge, vCPUs with CPUID, MSRs and LAPIC LINT0/LINT1.  0 or -errno; *step
 * names the step that failed. */
int vm_create(struct vm *vm, const struct vm_config *cfg, const char **step);

/* Register and segment state for the boot CPU; APs wait for INIT-SIPI. */
int vm_boot_cpu_setup(struct vm *vm, enum boot_mode mode, uint64_t entry);

/* Starts one thread per vCPU. */
int vm_start(struct vm *vm);

/* An eventfd that becomes readable once something asked the VM to stop. */
int vm_exit_fd(struct vm *vm);
enum vm_exit_kind vm_exit_kind(struct vm *vm);

/* Devices and vCPUs ask the VM to stop (first caller wins). */
void vm_request_exit(struct vm *vm, enum vm_exit_kind kind, const char *reason);

/* Each vCPU thread logs its registers as vm_destroy stops it (a guest that
 * had to be forced off: where was it?). */
void vm_dump_on_stop(struct vm *vm);

/* Stops and joins the vCPU threads, runs the atexit hooks, frees
 * everything. */
void vm_destroy(struct vm *vm);

/* CPUID leaf 1 of vCPU 0 (for the MP table). */
void vm_cpu_signature(struct vm *vm, uint32_t *eax, uint32_t *edx);

#endif
