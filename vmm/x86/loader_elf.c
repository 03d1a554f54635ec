// SPDX-License-Identifier: MIT
/*
 * vmlinux-style ELF64: PT_LOAD segments go to their p_paddr, the 64-bit
 * entry is e_entry.  A XEN_ELFNOTE_PHYS32_ENTRY note (xen/include/public/
 * elfnote.h, note 18 owned by "Xen") gives the PVH 32-bit entry.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "common/err.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/loader.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18

static int elf_find_pvh(const uint8_t *buf, size_t len, const Elf64_Phdr *ph,
			uint64_t *entry)
{
	size_t off = ph->p_offset, end;

	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return -ENOEXEC;
	end = off + ph->p_filesz;
	while (end - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr n;
		size_t name_len, desc_len;

		memcpy(&n, buf + off, sizeof(n));
		off += sizeof(n);
		name_len = (n.n_namesz + 3) & ~3UL;
		desc_len = (n.n_descsz + 3) & ~3UL;
		if (n.n_namesz > end - off || name_len > end - off ||
		    n.n_descsz > end - off - name_len || desc_len > end - off - name_len)
			return -ENOEXEC;
		if (n.n_type == XEN_ELFNOTE_PHYS32_ENTRY && n.n_namesz == 4 &&
		    !memcmp(buf + off, "Xen", 4)) {
			uint32_t e32;

			if (n.n_descsz < 4)
				return -ENOEXEC;
			memcpy(&e32, buf + off + name_len, 4);
			*entry = e32;
		}
		off += name_len + desc_len;
	}
	return 0;
}

int loader_load_elf(struct guest_mem *mem, const uint8_t *buf, size_t len,
		    struct kernel_image *img, struct err *e)
{
	Elf64_Ehdr eh;
	int loaded = 0, entry_ok = 0;

	memset(img, 0, sizeof(*img));
	if (len < sizeof(eh) || memcmp(buf, ELFMAG, SELFMAG))
		return err_set(e, ENOEXEC, "not an ELF file");
	memcpy(&eh, buf, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64)
		return err_set(e, ENOEXEC, "ELF is not a little-endian x86-64 ELF64 image");
	if (eh.e_type != ET_EXEC)
		return err_set(e, ENOEXEC, "ELF is not an executable (ET_EXEC)");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phoff > len || (size_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return err_set(e, ENOEXEC, "ELF program header table is missing or truncated");
	img->load_addr = UINT64_MAX;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		uint8_t *dst;

		memcpy(&ph, buf + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_NOTE) {
			if (elf_find_pvh(buf, len, &ph, &img->pvh_entry))
				return err_set(e, ENOEXEC, "ELF note segment is malformed");
			continue;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			return err_set(e, ENOEXEC, "ELF PT_LOAD segment lies outside the file");
		/* Below 1 MiB live the zero page, page tables and MP table. */
		if (ph.p_paddr < LAYOUT_HIGH_RAM)
			return err_set(e, ENOEXEC, "ELF PT_LOAD segment lies below 1 MiB, over the boot structures");
		dst = guest_mem_ptr(mem, ph.p_paddr, ph.p_memsz);
		if (!dst)
			return err_set(e, E2BIG, "ELF PT_LOAD segment's physical address is outside guest RAM");
		memcpy(dst, buf + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < img->load_addr)
			img->load_addr = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > img->load_end)
			img->load_end = ph.p_paddr + ph.p_memsz;
		if (eh.e_entry >= ph.p_paddr && eh.e_entry - ph.p_paddr < ph.p_memsz)
			entry_ok = 1;
		loaded++;
	}
	if (!loaded)
		return err_set(e, ENOEXEC, "ELF has no loadable (PT_LOAD) segments");
	if (!entry_ok)
		return err_set(e, ENOEXEC, "ELF entry point is not inside a loaded segment");
	img->entry = eh.e_entry;
	img->initrd_addr_max = 0x37ffffff;
	img->cmdline_max = 2047;	/* COMMAND_LINE_SIZE on x86 */
	return 0;
}
