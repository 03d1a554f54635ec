// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/x86/acpi.h"
#include "vmm/x86/boot.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/mptable.h"
#include "vmm/hw/pc_boot.h"
#include "vmm/kvm/vm_core.h"

static int setup_mptable(struct vm *vm, const char **why)
{
	struct mptable_pci_irq irqs[PCI_MAX_DEVICES];
	struct mptable_cfg cfg = { .nr_cpus = vm->nr_cpus, .pci_irqs = irqs };
	size_t size;
	void *dst;

	for (int s = 1; s < PCI_MAX_DEVICES; s++)
		if (vm->pci.devs[s])
			irqs[cfg.nr_pci_irqs++] = (struct mptable_pci_irq){
				.slot = (uint8_t)s, .gsi = (uint8_t)vm->pci.devs[s]->gsi,
			};
	vm_cpu_signature(vm, &cfg.cpu_signature, &cfg.cpu_features);
	size = mptable_size(&cfg);
	/* The MP spec's search covers the last KiB of base memory. */
	dst = guest_mem_ptr(&vm->mem, LAYOUT_EBDA, LAYOUT_HIGH_RAM - LAYOUT_EBDA);
	if (!dst || size > 1024 || mptable_write(dst, size, (uint32_t)LAYOUT_EBDA, &cfg)) {
		*why = "MP table does not fit in the EBDA (too many CPUs or devices)";
		return -ENOSPC;
	}
	return 0;
}

static int setup_acpi(struct vm *vm, const char **why)
{
	struct acpi_pci_irq irqs[PCI_MAX_DEVICES];
	struct acpi_cfg cfg = { .nr_cpus = vm->nr_cpus, .pci_irqs = irqs };
	size_t size;
	void *dst;

	/* The same INTA# routing as the MP table's. */
	for (int s = 1; s < PCI_MAX_DEVICES; s++)
		if (vm->pci.devs[s])
			irqs[cfg.nr_pci_irqs++] = (struct acpi_pci_irq){
				.slot = (uint8_t)s, .gsi = (uint8_t)vm->pci.devs[s]->gsi,
			};
	size = acpi_size(&cfg);
	/* In the BIOS area (e820 reserved) Linux also scans for the RSDP. */
	dst = guest_mem_ptr(&vm->mem, ACPI_BASE, size);

	if (!dst || size > ACPI_MAX_SIZE || acpi_write(dst, size, ACPI_BASE, &cfg, NULL)) {
		*why = "ACPI tables do not fit in the BIOS area";
		return -ENOSPC;
	}
	return 0;
}

int vm_setup_boot(struct vm *vm, const struct boot_files *f, const char **why)
{
	struct kernel_image img;
	struct boot_args args = { .cmdline_addr = LAYOUT_CMDLINE, .rsdp_addr = ACPI_BASE };
	struct e820_map map;
	uint64_t low_end = vm->mem.regions[0].size, entry;
	size_t clen = strlen(f->cmdline);
	char *cl;
	int ret;

	ret = loader_load_kernel(&vm->mem, f->kernel, f->kernel_len, &img, why);
	if (ret)
		return ret;
	if (f->mode == BOOT_PVH) {
		if (!f->kernel || f->kernel_len < 4 || memcmp(f->kernel, "\177ELF", 4) ||
		    !img.pvh_entry) {
			*why = "--boot pvh needs an ELF kernel with a XEN_ELFNOTE_PHYS32_ENTRY note";
			return -ENOEXEC;
		}
		if (!guest_mem_ptr(&vm->mem, img.pvh_entry, 1) || img.pvh_entry < img.load_addr ||
		    img.pvh_entry >= img.load_end) {
			*why = "PVH entry point is not inside a loaded segment";
			return -ENOEXEC;
		}
	}
	if (clen >= img.cmdline_max || clen >= LAYOUT_CMDLINE_MAX) {
		*why = "command line is longer than the kernel accepts";
		return -E2BIG;
	}
	cl = guest_mem_ptr(&vm->mem, LAYOUT_CMDLINE, clen + 1);
	if (!cl) {
		*why = "no room for the command line";
		return -ENOSPC;
	}
	memcpy(cl, f->cmdline, clen + 1);
	args.cmdline_len = (uint32_t)clen;

	if (f->initrd) {
		uint8_t *dst;

		ret = loader_place_initrd(&img, low_end, f->initrd_len, &args.initrd_addr, why);
		if (ret)
			return ret;
		dst = guest_mem_ptr(&vm->mem, args.initrd_addr, f->initrd_len);
		if (!dst) {
			*why = "initrd does not fit in guest RAM";
			return -ENOSPC;
		}
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
	if (ret) {
		*why = "cannot write the boot parameters";
		return ret;
	}
	if ((ret = setup_mptable(vm, why)) || (ret = setup_acpi(vm, why)))
		return ret;
	ret = vm_boot_cpu_setup(vm, f->mode, entry);
	if (ret)
		*why = "cannot set the boot vCPU's registers";
	return ret;
}
