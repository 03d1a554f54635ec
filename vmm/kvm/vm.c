// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "common/log.h"
#include "vmm/kvm/vcpu.h"
#include "vmm/kvm/vm_core.h"
#include "vmm/kvm/vm_priv.h"

#define VM_MAX_ATEXIT 16

static struct vm_priv *P(struct vm *vm)
{
	return vm->priv;
}

int vm_irq_line(struct vm *vm, uint32_t gsi, int level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

int vm_signal_msi(struct vm *vm, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr,
		.address_hi = (uint32_t)(addr >> 32),
		.data = data,
	};

	return ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0 ? -errno : 0;
}

int vm_atexit(struct vm *vm, void (*fn)(void *opaque), void *opaque)
{
	struct vm_priv *p = P(vm);

	if (p->nr_atexit >= VM_MAX_ATEXIT)
		return -ENOSPC;
	p->atexit_fn[p->nr_atexit] = fn;
	p->atexit_opaque[p->nr_atexit++] = opaque;
	return 0;
}

void vm_dump_on_stop(struct vm *vm)
{
	if (vm->priv)
		P(vm)->dump_on_stop = true;
}

int vm_exit_fd(struct vm *vm)
{
	return P(vm)->exit_efd;
}

enum vm_exit_kind vm_exit_kind(struct vm *vm)
{
	return atomic_load(&P(vm)->exit_kind);
}

const char *vm_exit_reason(struct vm *vm)
{
	const char *r = atomic_load(&P(vm)->exit_reason);

	return r ? r : "";
}

void vm_request_exit(struct vm *vm, enum vm_exit_kind kind, const char *reason)
{
	struct vm_priv *p = P(vm);
	int expected = VM_EXIT_NONE;
	uint64_t one = 1;

	if (!atomic_compare_exchange_strong(&p->exit_kind, &expected, (int)kind))
		return;
	atomic_store(&p->exit_reason, reason);
	log_info("vmm", "vm stopping", "{s:s}", "reason", reason);
	if (write(p->exit_efd, &one, sizeof(one)) < 0)
		log_warn("vmm", "exit eventfd write failed", "{s:s}", "error", strerror(errno));
}

static int ram_map(struct vm *vm, const struct vm_config *cfg)
{
	struct vm_priv *p = P(vm);
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	uint64_t low = cfg->mem_size < cfg->low_ram_max ? cfg->mem_size : cfg->low_ram_max;
	struct kvm_userspace_memory_region r = { 0 };
	int ret;

	/* hugetlb pages are reserved at mmap time instead, so a shortage is
	 * a clean ENOMEM here rather than a SIGBUS at the first guest touch. */
	if (cfg->hugepages)
		flags = (flags & ~MAP_NORESERVE) | MAP_HUGETLB;
	p->ram = mmap(NULL, cfg->mem_size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p->ram == MAP_FAILED) {
		p->ram = NULL;
		return -errno;
	}
	p->ram_len = cfg->mem_size;
	/* Guest RAM is never worth a core dump or a fork copy. */
	madvise(p->ram, p->ram_len, MADV_DONTDUMP);
	madvise(p->ram, p->ram_len, MADV_DONTFORK);

	ret = guest_mem_add(&vm->mem, 0, low, p->ram);
	if (!ret && cfg->mem_size > low)
		ret = guest_mem_add(&vm->mem, cfg->high_ram_base, cfg->mem_size - low,
				    p->ram + low);
	if (ret)
		return ret;
	for (int i = 0; i < vm->mem.nr_regions; i++) {
		r.slot = i;
		r.guest_phys_addr = vm->mem.regions[i].gpa;
		r.memory_size = vm->mem.regions[i].size;
		r.userspace_addr = (uintptr_t)vm->mem.regions[i].hva;
		if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
			return -errno;
	}
	return 0;
}

static int cpuid_load(struct vm *vm)
{
	struct vm_priv *p = P(vm);

	for (int n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

		if (!c)
			return -ENOMEM;
		c->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			p->cpuid = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG)
			return -errno;
	}
	return -E2BIG;
}

/* e->msg names the step that failed, then why (strerror). */
#define STEP(s, expr)                                       \
	do {                                                \
		if ((ret = (expr)) < 0)                     \
			return err_sys(e, -ret, "%s", (s)); \
	} while (0)
#define SYS(expr) ((expr) < 0 ? -errno : 0)

int vm_create(struct vm *vm, const struct vm_config *cfg, struct err *e)
{
	struct vm_priv *p;
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	int ret, api;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = -1;
	p = calloc(1, sizeof(*p));
	if (!p)
		return err_set(e, ENOMEM, "VM state");
	vm->priv = p;
	p->exit_efd = -1;
	vm->nr_cpus = cfg->nr_cpus;
	p->cpuid_filter = cfg->cpuid_filter;
	p->cpuid_arg = cfg->cpuid_arg;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return err_sys(e, errno, "open /dev/kvm");
	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		return err_sys(e, api < 0 ? errno : ENOTSUP, "KVM_GET_API_VERSION");
	if ((vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0)) < 0)
		return err_sys(e, errno, "KVM_CREATE_VM");
	if ((p->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0)) < 0)
		return err_sys(e, errno, "KVM_GET_VCPU_MMAP_SIZE");
	if ((p->exit_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		return err_sys(e, errno, "exit eventfd");
	/* Intel VMX needs three pages for the real-mode TSS and one for the
	 * EPT identity map, inside guest physical space but not RAM. */
	STEP("KVM_SET_TSS_ADDR",
	     SYS(ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)cfg->tss_addr)));
	{
		uint64_t idmap = cfg->identity_map_addr;

		STEP("KVM_SET_IDENTITY_MAP_ADDR",
		     SYS(ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap)));
	}
	STEP(cfg->hugepages ? "guest RAM in 2 MiB hugetlb pages (see /proc/sys/vm/nr_hugepages)" :
			      "guest RAM",
	     ram_map(vm, cfg));
	STEP("KVM_CREATE_IRQCHIP", SYS(ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0)));
	STEP("KVM_CREATE_PIT2", SYS(ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit)));
	STEP("KVM_GET_SUPPORTED_CPUID", cpuid_load(vm));
	for (int i = 0; i < cfg->nr_cpus; i++)
		STEP("vCPU setup", vcpu_create(vm, &p->vcpus[i], i));
	return 0;
}

int vm_boot_cpu_setup(struct vm *vm,
		      int (*fill)(struct kvm_sregs *s, struct kvm_regs *r, void *arg), void *arg)
{
	int fd = P(vm)->vcpus[0].fd;
	struct kvm_sregs s;
	struct kvm_regs r = { 0 };
	int ret;

	if (ioctl(fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	if ((ret = fill(&s, &r, arg)))
		return ret;
	if (ioctl(fd, KVM_SET_SREGS, &s) < 0 || ioctl(fd, KVM_SET_REGS, &r) < 0)
		return -errno;
	return 0;
}

const struct kvm_cpuid2 *vm_supported_cpuid(const struct vm *vm)
{
	const struct vm_priv *p = vm->priv;

	return p->cpuid;
}

static void kick_handler(int sig)
{
	(void)sig;
}

int vm_start(struct vm *vm)
{
	struct vm_priv *p = P(vm);
	struct sigaction sa = { .sa_handler = kick_handler };

	/* No SA_RESTART: the kick must make KVM_RUN return EINTR. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0)
		return -errno;
	for (int i = 0; i < vm->nr_cpus; i++) {
		int ret = pthread_create(&p->vcpus[i].thread, NULL, vcpu_thread, &p->vcpus[i]);

		if (ret)
			return -ret;
		p->vcpus[i].started = true;
	}
	return 0;
}

void vm_destroy(struct vm *vm)
{
	struct vm_priv *p = P(vm);

	if (!p)
		return;
	atomic_store(&p->stopping, true);
	for (int i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *c = &p->vcpus[i];

		if (c->run)
			c->run->immediate_exit = 1;
		if (c->started)
			pthread_kill(c->thread, VCPU_KICK_SIGNAL);
	}
	for (int i = 0; i < vm->nr_cpus; i++) {
		if (p->vcpus[i].started)
			pthread_join(p->vcpus[i].thread, NULL);
		vcpu_destroy(&p->vcpus[i], p->run_size);
	}
	for (int i = p->nr_atexit - 1; i >= 0; i--)
		p->atexit_fn[i](p->atexit_opaque[i]);
	if (p->ram)
		munmap(p->ram, p->ram_len);
	if (p->exit_efd >= 0)
		close(p->exit_efd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(p->cpuid);
	free(p);
	vm->priv = NULL;
}
