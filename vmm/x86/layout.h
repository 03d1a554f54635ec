/* SPDX-License-Identifier: MIT */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

/*
 * Guest physical memory map.  Low memory follows the PC conventions Linux
 * expects (Documentation/arch/x86/boot.rst, MP spec 1.4 section 4): the
 * boot structures sit in the first 640 KiB, 0x9fc00..1 MiB is reserved
 * (EBDA, VGA, BIOS), the kernel goes at 1 MiB.  Between 3 GiB and 4 GiB is
 * the PCI hole (BARs, IOAPIC, LAPIC, TSS); RAM that does not fit below it
 * continues at 4 GiB.
 */
#define LAYOUT_GDT	   0x500ULL
#define LAYOUT_IDT	   0x520ULL
#define LAYOUT_PVH_INFO	   0x6000ULL /* hvm_start_info + memmap + module */
#define LAYOUT_ZERO_PAGE   0x7000ULL /* struct boot_params */
#define LAYOUT_BOOT_STACK  0x8ff0ULL
#define LAYOUT_PML4	   0x9000ULL
#define LAYOUT_PDPT	   0xa000ULL
#define LAYOUT_PD	   0xb000ULL /* 4 pages: 4 GiB of 2 MiB pages */
#define LAYOUT_CMDLINE	   0x20000ULL
#define LAYOUT_CMDLINE_MAX 0x10000ULL
#define LAYOUT_EBDA	   0x9fc00ULL  /* MP table lives here */
#define LAYOUT_ACPI	   0xe0000ULL  /* ACPI tables, RSDP first (acpi.h) */
#define LAYOUT_HIGH_RAM	   0x100000ULL /* kernel load address */

#define LAYOUT_PCI_HOLE	     0xc0000000ULL
#define LAYOUT_PCI_MMIO_SIZE 0x3ec00000ULL /* up to the IOAPIC */
#define LAYOUT_IOAPIC	     0xfec00000ULL
#define LAYOUT_LAPIC	     0xfee00000ULL
#define LAYOUT_IDENTITY_MAP  0xfffbc000ULL /* KVM_SET_IDENTITY_MAP_ADDR */
#define LAYOUT_TSS	     0xfffbd000ULL /* KVM_SET_TSS_ADDR, 3 pages */
#define LAYOUT_4G	     0x100000000ULL

/* Port I/O window handed to PCI BARs. */
#define LAYOUT_PCI_PIO_BASE 0x6000U
#define LAYOUT_PCI_PIO_SIZE 0x1000U

#endif
