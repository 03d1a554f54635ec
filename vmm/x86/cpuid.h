/* SPDX-License-Identifier: MIT */
#ifndef VMM_CPUID_H
#define VMM_CPUID_H

#include <stdint.h>

#include <linux/kvm.h>

enum cpu_template { CPU_TEMPLATE_HOST, CPU_TEMPLATE_BASELINE };

/*
 * Turns KVM_GET_SUPPORTED_CPUID's table into vCPU cpu_id's table in place:
 * APIC ID and topology for nr_cpus single-threaded cores in one package,
 * the hypervisor bit, and with CPU_TEMPLATE_BASELINE the features that
 * emulating hypervisors cannot run cleared.  Pure.
 */
void cpuid_filter(struct kvm_cpuid2 *c, int cpu_id, int nr_cpus, enum cpu_template t);

struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx);

#endif
