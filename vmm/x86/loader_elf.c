// SPDX-License-Identifier: MIT
/*
 * ELF kernels, ELF64 (vmlinux) and ELF32 (PVH images such as those QEMU
 * boots): PT_LOAD segments go to their p_paddr, the 64-bit entry is
 * e_entry.  A XEN_ELFNOTE_PHYS32_ENTRY note (xen/include/public/
 * elfnote.h, note 18 owned by "Xen") gives the PVH 32-bit entry.
 *
 * Both classes are read into the ELF64 structures first, so every check
 * on segments and entry is one code path.  An ELF32 image has no 64-bit
 * entry, so it must carry the PVH note (and boot with --boot pvh).
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "common/err.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/loader.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Elf32_Nhdr and Elf64_Nhdr are the same three 32-bit words. */
_Static_assert(sizeof(Elf32_Nhdr) == sizeof(Elf64_Nhdr), "note headers");

static int elf_find_pvh(const uint8_t *buf, size_t len, const Elf64_Phdr *ph, uint64_t *entry)
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

/* The file header of either class as ELF64; 0 or -ENOEXEC (e set). */
static int elf_header(const uint8_t *buf, size_t len, Elf64_Ehdr *eh, int *is32, struct err *e)
{
	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG))
		return err_set(e, ENOEXEC, "not an ELF file");
	*is32 = buf[EI_CLASS] == ELFCLASS32;
	if (*is32) {
		Elf32_Ehdr h;

		if (len < sizeof(h))
			return err_set(e, ENOEXEC, "not an ELF file");
		memcpy(&h, buf, sizeof(h));
		if (h.e_ident[EI_DATA] != ELFDATA2LSB || h.e_machine != EM_386)
			return err_set(e, ENOEXEC, "ELF32 is not a little-endian i386 image");
		memcpy(eh->e_ident, h.e_ident, EI_NIDENT);
		eh->e_type = h.e_type;
		eh->e_machine = h.e_machine;
		eh->e_entry = h.e_entry;
		eh->e_phoff = h.e_phoff;
		eh->e_phentsize = h.e_phentsize == sizeof(Elf32_Phdr) ? sizeof(Elf64_Phdr) : 0;
		eh->e_phnum = h.e_phnum;
		return 0;
	}
	if (len < sizeof(*eh))
		return err_set(e, ENOEXEC, "not an ELF file");
	memcpy(eh, buf, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64)
		return err_set(
			e, ENOEXEC,
			"ELF is neither a little-endian x86-64 ELF64 nor an i386 ELF32 image");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		eh->e_phentsize = 0;
	return 0;
}

/* Program header i of either class as ELF64 (the table is in bounds). */
static void elf_phdr(const uint8_t *buf, const Elf64_Ehdr *eh, int is32, int i, Elf64_Phdr *ph)
{
	if (is32) {
		Elf32_Phdr p;

		memcpy(&p, buf + eh->e_phoff + (size_t)i * sizeof(p), sizeof(p));
		*ph = (Elf64_Phdr){ .p_type = p.p_type,
				    .p_flags = p.p_flags,
				    .p_offset = p.p_offset,
				    .p_vaddr = p.p_vaddr,
				    .p_paddr = p.p_paddr,
				    .p_filesz = p.p_filesz,
				    .p_memsz = p.p_memsz,
				    .p_align = p.p_align };
		return;
	}
	memcpy(ph, buf + eh->e_phoff + (size_t)i * sizeof(*ph), sizeof(*ph));
}

int loader_load_elf(struct guest_mem *mem, const uint8_t *buf, size_t len, struct kernel_image *img,
		    struct err *e)
{
	Elf64_Ehdr eh = { 0 };
	int loaded = 0, entry_ok = 0, is32 = 0, ret;
	size_t phsz;

	memset(img, 0, sizeof(*img));
	if ((ret = elf_header(buf, len, &eh, &is32, e)))
		return ret;
	if (eh.e_type != ET_EXEC)
		return err_set(e, ENOEXEC, "ELF is not an executable (ET_EXEC)");
	phsz = is32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
	if (!eh.e_phentsize || eh.e_phnum == 0 || eh.e_phoff > len ||
	    (size_t)eh.e_phnum * phsz > len - eh.e_phoff)
		return err_set(e, ENOEXEC, "ELF program header table is missing or truncated");
	img->load_addr = UINT64_MAX;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		uint8_t *dst;

		elf_phdr(buf, &eh, is32, i, &ph);
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
			return err_set(
				e, ENOEXEC,
				"ELF PT_LOAD segment lies below 1 MiB, over the boot structures");
		dst = guest_mem_ptr(mem, ph.p_paddr, ph.p_memsz);
		if (!dst)
			return err_set(
				e, E2BIG,
				"ELF PT_LOAD segment's physical address is outside guest RAM");
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
	if (is32 && !img->pvh_entry)
		return err_set(
			e, ENOEXEC,
			"ELF32 image has no XEN_ELFNOTE_PHYS32_ENTRY note (an ELF32 kernel boots only through PVH)");
	img->is_elf32 = is32;
	img->entry = is32 ? 0 : eh.e_entry;
	img->initrd_addr_max = 0x37ffffff;
	img->cmdline_max = 2047; /* COMMAND_LINE_SIZE on x86 */
	return 0;
}
