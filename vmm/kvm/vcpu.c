// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "vmm/seccomp/seccomp.h"
#include "vmm/kvm/vcpu.h"
#include "vmm/kvm/vm_core.h"
#include "vmm/kvm/vm_priv.h"

/* MSR numbers: Intel SDM vol. 4, chapter 2. */
#define MSR_IA32_TSC			 0x10
#define MSR_IA32_SYSENTER_CS		 0x174
#define MSR_IA32_SYSENTER_ESP		 0x175
#define MSR_IA32_SYSENTER_EIP		 0x176
#define MSR_IA32_MISC_ENABLE		 0x1a0
#define MSR_IA32_MISC_ENABLE_FAST_STRING 1
#define MSR_MTRRdefType			 0x2ff
#define MSR_STAR			 0xc0000081
#define MSR_LSTAR			 0xc0000082
#define MSR_CSTAR			 0xc0000083
#define MSR_SYSCALL_MASK		 0xc0000084
#define MSR_KERNEL_GS_BASE		 0xc0000102

#define APIC_LVT0	 0x350
#define APIC_LVT1	 0x360
#define APIC_MODE_NMI	 0x4
#define APIC_MODE_EXTINT 0x7

static int vcpu_cpuid(struct vcpu *c)
{
	struct vm_priv *p = c->vm->priv;
	size_t sz = sizeof(*p->cpuid) + p->cpuid->nent * sizeof(p->cpuid->entries[0]);
	struct kvm_cpuid2 *cp = malloc(sz);
	int ret = 0;

	if (!cp)
		return -ENOMEM;
	memcpy(cp, p->cpuid, sz);
	if (p->cpuid_filter)
		p->cpuid_filter(cp, c->id, c->vm->nr_cpus, p->cpuid_arg);
	if (ioctl(c->fd, KVM_SET_CPUID2, cp) < 0)
		ret = -errno;
	free(cp);
	return ret;
}

static int vcpu_msrs(struct vcpu *c)
{
	/* The state firmware leaves: syscall MSRs clear, fast strings on,
	 * MTRRs enabled with write-back as the default type. */
	static const struct {
		uint32_t idx;
		uint64_t val;
	} init[] = {
		{ MSR_IA32_SYSENTER_CS, 0 },
		{ MSR_IA32_SYSENTER_ESP, 0 },
		{ MSR_IA32_SYSENTER_EIP, 0 },
		{ MSR_STAR, 0 },
		{ MSR_CSTAR, 0 },
		{ MSR_KERNEL_GS_BASE, 0 },
		{ MSR_SYSCALL_MASK, 0 },
		{ MSR_LSTAR, 0 },
		{ MSR_IA32_TSC, 0 },
		{ MSR_IA32_MISC_ENABLE, MSR_IA32_MISC_ENABLE_FAST_STRING },
		{ MSR_MTRRdefType, (1 << 11) | 6 },
	};
	const int n = ARRAY_SIZE(init);
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[ARRAY_SIZE(init)];
	} m = { .hdr.nmsrs = n };
	int ret;

	for (int i = 0; i < n; i++) {
		m.e[i].index = init[i].idx;
		m.e[i].data = init[i].val;
	}
	ret = ioctl(c->fd, KVM_SET_MSRS, &m);
	if (ret < 0)
		return -errno;
	/* KVM_SET_MSRS returns how many it set; a short count is a refusal. */
	if (ret != n)
		log_warn("vmm", "KVM refused an MSR", "{s:i, s:i, s:i}", "cpu", c->id, "set", ret,
			 "msr", (int)m.e[ret].index);
	return 0;
}

static int vcpu_lapic(struct vcpu *c)
{
	struct kvm_lapic_state l;
	uint32_t v;

	if (ioctl(c->fd, KVM_GET_LAPIC, &l) < 0)
		return -errno;
	/* LINT0 delivers the 8259's ExtINT, LINT1 NMI (MP spec 5.1, virtual
	 * wire mode), as Linux expects from a PC BIOS. */
	memcpy(&v, &l.regs[APIC_LVT0], 4);
	v = (v & ~0x700U) | APIC_MODE_EXTINT << 8;
	memcpy(&l.regs[APIC_LVT0], &v, 4);
	memcpy(&v, &l.regs[APIC_LVT1], 4);
	v = (v & ~0x700U) | APIC_MODE_NMI << 8;
	memcpy(&l.regs[APIC_LVT1], &v, 4);
	return ioctl(c->fd, KVM_SET_LAPIC, &l) < 0 ? -errno : 0;
}

int vcpu_create(struct vm *vm, struct vcpu *c, int id)
{
	struct vm_priv *p = vm->priv;
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	int ret;

	c->vm = vm;
	c->id = id;
	c->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (c->fd < 0)
		return -errno;
	c->run = mmap(NULL, p->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		return -errno;
	}
	if ((ret = vcpu_cpuid(c)) || (ret = vcpu_msrs(c)) || (ret = vcpu_lapic(c)))
		return ret;
	return ioctl(c->fd, KVM_SET_FPU, &fpu) < 0 ? -errno : 0;
}

void vcpu_dump(struct vcpu *c, const char *why)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	char buf[640];

	if (ioctl(c->fd, KVM_GET_REGS, &r) < 0 || ioctl(c->fd, KVM_GET_SREGS, &s) < 0) {
		log_error("vmm", "cannot read vCPU registers", "{s:i, s:s, s:s}", "cpu", c->id,
			  "why", why, "error", strerror(errno));
		return;
	}
	snprintf(buf, sizeof(buf),
		 "rip=%#llx rsp=%#llx rflags=%#llx rax=%#llx rbx=%#llx rcx=%#llx rdx=%#llx "
		 "rsi=%#llx rdi=%#llx rbp=%#llx r8=%#llx r9=%#llx cs=%#x ss=%#x cr0=%#llx "
		 "cr2=%#llx cr3=%#llx cr4=%#llx efer=%#llx",
		 r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.r8,
		 r.r9, s.cs.selector, s.ss.selector, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	log_error("vmm", "vCPU register dump", "{s:i, s:s, s:s}", "cpu", c->id, "why", why, "regs",
		  buf);
}

static void vcpu_io(struct vcpu *c)
{
	struct kvm_run *run = c->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;

	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
		iobus_dispatch(&c->vm->pio, run->io.port, data, run->io.size,
			       run->io.direction == KVM_EXIT_IO_OUT);
}

void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	struct vm *vm = c->vm;
	struct vm_priv *p = vm->priv;
	sigset_t set;
	int err;

	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* A full stderr pipe must never stall the guest: drop and count. */
	log_thread_nonblocking();
	if ((err = seccomp_thread_enter(SECCOMP_VCPU))) {
		log_error("vmm", "cannot install the seccomp filter", "{s:i, s:s}", "cpu", c->id,
			  "error", strerror(-err));
		vm_request_exit(vm, VM_EXIT_ERROR, "seccomp");
		return NULL;
	}

	while (!atomic_load(&p->stopping)) {
		struct kvm_run *run = c->run;

		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run->immediate_exit = 0;
				/* Dumped here: this thread may read its own registers. */
				if (atomic_load(&p->stopping) && atomic_load(&p->dump_on_stop))
					vcpu_dump(c, atomic_load(&p->exit_kind) == VM_EXIT_NONE ?
							     "forced stop" :
							     "another vCPU triple-faulted");
				continue;
			}
			log_error("vmm", "KVM_RUN failed", "{s:i, s:s}", "cpu", c->id, "error",
				  strerror(errno));
			vm_request_exit(vm, VM_EXIT_ERROR, "KVM_RUN failed");
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			vcpu_io(c);
			break;
		case KVM_EXIT_MMIO:
			iobus_dispatch(&vm->mmio, run->mmio.phys_addr, run->mmio.data,
				       run->mmio.len, run->mmio.is_write);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_SHUTDOWN:
			/* Triple fault: a PC resets, and a reset ends podvmm.
			 * Where was everyone?  (AMD resets this vCPU's state
			 * on the shutdown intercept; the others still tell.) */
			vcpu_dump(c, "triple fault");
			vm_dump_on_stop(vm);
			vm_request_exit(vm, VM_EXIT_RESET, "triple fault");
			goto out;
		case KVM_EXIT_SYSTEM_EVENT:
			if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
				vm_request_exit(vm, VM_EXIT_POWEROFF, "system event: shutdown");
				goto out;
			}
			if (run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
				vm_request_exit(vm, VM_EXIT_RESET, "system event: reset");
				goto out;
			}
			/* fallthrough */
		default:
			log_error("vmm", "unexpected KVM exit", "{s:i, s:i, s:i}", "cpu", c->id,
				  "exit_reason", (int)run->exit_reason, "suberror",
				  run->exit_reason == KVM_EXIT_INTERNAL_ERROR ?
					  (int)run->internal.suberror :
					  -1);
			vcpu_dump(c, "unexpected exit");
			vm_request_exit(vm, VM_EXIT_ERROR, "unexpected KVM exit");
			goto out;
		}
	}
out:
	return NULL;
}

void vcpu_destroy(struct vcpu *c, int run_size)
{
	if (c->run)
		munmap(c->run, run_size);
	if (c->fd > 0)
		close(c->fd);
	c->run = NULL;
	c->fd = -1;
}
