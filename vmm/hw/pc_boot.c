// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/x86/acpi.h"
#include "vmm/x86/cpuid.h"
#include "vmm/x86/boot.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/mptable.h"
#include "vmm/hw/pc_boot.h"
#include "vmm/kvm/vm_core.h"

static void pc_cpuid_filter(struct kvm_cpuid2 *c, int cpu, int nr_cpus, const void *arg)
{
	cpuid_filter(c, cpu, nr_cpus, *(const enum cpu_template *)arg);
}

void pc_vm_config(struct vm_config *cfg, const enum cpu_template *tmpl)
{
	cfg->low_ram_max = LAYOUT_PCI_HOLE;
	cfg->high_ram_base = LAYOUT_4G;
	cfg->tss_addr = LAYOUT_TSS;
	cfg->identity_map_addr = LAYOUT_IDENTITY_MAP;
	cfg->cpuid_filter = pc_cpuid_filter;
	cfg->cpuid_arg = tmpl;
}

/* Each attached device's INTA#, for the MP table and ACPI alike. */
static int pci_irq_routes(const struct pci_bus *pci, struct pci_irq_route *r)
{
	int n = 0;

	for (int s = 1; s < PCI_MAX_DEVICES; s++)
		if (pci->devs[s])
			r[n++] = (struct pci_irq_route){
				.slot = (uint8_t)s,
				.gsi = (uint8_t)pci->devs[s]->gsi,
			};
	return n;
}

static int setup_mptable(struct vm *vm, const struct pci_irq_route *irqs, int nr_irqs,
			 struct err *e)
{
	struct mptable_cfg cfg = { .nr_cpus = vm->nr_cpus,
				   .pci_irqs = irqs,
				   .nr_pci_irqs = nr_irqs };
	const struct kvm_cpuid_entry2 *sig;
	size_t size;
	void *dst;

	sig = cpuid_find((struct kvm_cpuid2 *)vm_supported_cpuid(vm), 1, 0);
	cfg.cpu_signature = sig ? sig->eax : 0;
	cfg.cpu_features = sig ? sig->edx : 0;
	size = mptable_size(&cfg);
	/* The MP spec's search covers the last KiB of base memory. */
	dst = guest_mem_ptr(&vm->mem, LAYOUT_EBDA, LAYOUT_HIGH_RAM - LAYOUT_EBDA);
	if (!dst || size > 1024 || mptable_write(dst, size, (uint32_t)LAYOUT_EBDA, &cfg))
		return err_set(e, ENOSPC,
			       "MP table does not fit in the EBDA (too many CPUs or devices)");
	return 0;
}

static int setup_acpi(struct vm *vm, const struct pci_irq_route *irqs, int nr_irqs, struct err *e)
{
	struct acpi_cfg cfg = { .nr_cpus = vm->nr_cpus, .pci_irqs = irqs, .nr_pci_irqs = nr_irqs };
	size_t size;
	void *dst;

	size = acpi_size(&cfg);
	/* In the BIOS area (e820 reserved) Linux also scans for the RSDP. */
	dst = guest_mem_ptr(&vm->mem, ACPI_BASE, size);

	if (!dst || size > ACPI_MAX_SIZE || acpi_write(dst, size, ACPI_BASE, &cfg, NULL))
		return err_set(e, ENOSPC, "ACPI tables do not fit in the BIOS area");
	return 0;
}

struct boot_cpu {
	struct guest_mem *mem;
	enum boot_mode mode;
	uint64_t entry;
};

static int boot_cpu_fill(struct kvm_sregs *s, struct kvm_regs *r, void *arg)
{
	const struct boot_cpu *b = arg;

	return boot_cpu_regs(b->mem, b->mode, b->entry, s, r);
}

int pc_boot_setup(struct vm *vm, const struct pci_bus *pci, const struct boot_files *f,
		  struct err *e)
{
	struct pci_irq_route irqs[PCI_MAX_DEVICES];
	struct boot_cpu cpu = { .mem = &vm->mem, .mode = f->mode };
	struct kernel_image img;
	struct boot_args args = { .cmdline_addr = LAYOUT_CMDLINE, .rsdp_addr = ACPI_BASE };
	struct e820_map map;
	uint64_t low_end = vm->mem.regions[0].size, entry;
	size_t clen = strlen(f->cmdline);
	char *cl;
	int ret, nr_irqs;

	ret = loader_load_kernel(&vm->mem, f->kernel, f->kernel_len, &img, e);
	if (ret)
		return ret;
	if (f->mode != BOOT_PVH && img.is_elf32)
		return err_set(e, ENOEXEC,
			       "an ELF32 kernel has no 64-bit entry: boot it with --boot pvh");
	if (f->mode == BOOT_PVH) {
		if (!f->kernel || f->kernel_len < 4 || memcmp(f->kernel, "\177ELF", 4) ||
		    !img.pvh_entry)
			return err_set(
				e, ENOEXEC,
				"--boot pvh needs an ELF kernel with a XEN_ELFNOTE_PHYS32_ENTRY note");
		if (!guest_mem_ptr(&vm->mem, img.pvh_entry, 1) || img.pvh_entry < img.load_addr ||
		    img.pvh_entry >= img.load_end)
			return err_set(e, ENOEXEC,
				       "PVH entry point is not inside a loaded segment");
	}
	if (clen >= img.cmdline_max || clen >= LAYOUT_CMDLINE_MAX)
		return err_set(e, E2BIG, "command line is longer than the kernel accepts");
	cl = guest_mem_ptr(&vm->mem, LAYOUT_CMDLINE, clen + 1);
	if (!cl)
		return err_set(e, ENOSPC, "no room for the command line");
	memcpy(cl, f->cmdline, clen + 1);
	args.cmdline_len = (uint32_t)clen;

	if (f->initrd) {
		uint8_t *dst;

		ret = loader_place_initrd(&img, low_end, f->initrd_len, &args.initrd_addr, e);
		if (ret)
			return ret;
		dst = guest_mem_ptr(&vm->mem, args.initrd_addr, f->initrd_len);
		if (!dst)
			return err_set(e, ENOSPC, "initrd does not fit in guest RAM");
		memcpy(dst, f->initrd, f->initrd_len);
		args.initrd_size = f->initrd_len;
	}

	boot_e820_build(&vm->mem, &map);
	if (f->mode == BOOT_PVH) {
		ret = boot_pvh_write(&vm->mem, &args, &map);
		entry = img.pvh_entry;
	} else {
		ret = boot_params_write(&vm->mem, &img, &args, &map);
		entry = img.entry;
	}
	if (ret)
		return err_sys(e, -ret, "cannot write the boot parameters");
	nr_irqs = pci_irq_routes(pci, irqs);
	if ((ret = setup_mptable(vm, irqs, nr_irqs, e)) || (ret = setup_acpi(vm, irqs, nr_irqs, e)))
		return ret;
	cpu.entry = entry;
	ret = vm_boot_cpu_setup(vm, boot_cpu_fill, &cpu);
	if (ret)
		return err_sys(e, -ret, "cannot set the boot vCPU's registers");
	return 0;
}
