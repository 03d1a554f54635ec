/* SPDX-License-Identifier: MIT */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/kvm/guest_mem.h"
#include "vmm/kvm/iobus.h"

/*
 * The public face of a virtual machine for devices.  The VMM core may add
 * fields; devices rely only on these.
 */
struct vm {
	int kvm_fd;
	int vm_fd;
	struct guest_mem mem;
	struct iobus pio;
	struct iobus mmio;
	int nr_cpus;
	/* Core-private state follows (see vmm/kvm/vm.c). */
	void *priv;
};

/* Level-triggered INTx line through the in-kernel IOAPIC (KVM_IRQ_LINE). */
int vm_irq_line(struct vm *vm, uint32_t gsi, int level);
/* Inject an MSI (KVM_SIGNAL_MSI). */
int vm_signal_msi(struct vm *vm, uint64_t addr, uint32_t data);

/* Devices that run threads register a stop hook, called once on VM exit
 * before guest memory is unmapped. */
int vm_atexit(struct vm *vm, void (*fn)(void *opaque), void *opaque);

#endif
