// SPDX-License-Identifier: MIT
/* Kernel loaders over crafted good and bad images. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/x86/layout.h"
#include "vmm/x86/loader.h"

#define RAM (64u << 20)

static uint8_t *ram;
static struct guest_mem mem;

static int setup(void **state)
{
	ram = calloc(1, RAM);
	memset(&mem, 0, sizeof(mem));
	guest_mem_add(&mem, 0, RAM, ram);
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

/* A bzImage: 4 setup sectors (setup_sects 0 means 4), then the kernel. */
static uint8_t *bzimage(size_t *len, uint16_t version, uint16_t xlf, uint32_t init_size)
{
	size_t n = 5 * 512 + 4096;
	uint8_t *b = calloc(1, n);
	struct setup_header *h = (struct setup_header *)(b + 0x1f1);

	h->setup_sects = 0;
	h->boot_flag = 0xaa55;
	h->jump = 0x6aeb; /* header ends at 0x202 + 0x6a = 0x26c */
	h->header = 0x53726448;
	h->version = version;
	h->loadflags = LOADED_HIGH;
	h->xloadflags = xlf;
	h->init_size = init_size;
	h->syssize = 4096 / 16;
	h->initrd_addr_max = 0x7fffffff;
	h->cmdline_size = 2047;
	memset(b + 5 * 512, 0xcc, 4096);
	*len = n;
	return b;
}

static void bz_good(void **state)
{
	size_t len;
	uint8_t *b = bzimage(&len, 0x020f, XLF_KERNEL_64, 1 << 20);
	struct kernel_image img;
	struct err e = { 0 };

	assert_int_equal(loader_load_kernel(&mem, b, len, &img, &e), 0);
	assert_true(img.is_bzimage);
	assert_int_equal(img.entry, 0x100200);
	assert_int_equal(img.load_end, 0x100000 + (1 << 20));
	assert_int_equal(ram[0x100000], 0xcc);
	assert_int_equal(img.hdr.version, 0x020f);
	assert_int_equal(img.cmdline_max, 2047);
	free(b);
}

static void expect_fail(const uint8_t *b, size_t len, const char *substr)
{
	struct kernel_image img;
	struct err e = { 0 };

	assert_true(loader_load_kernel(&mem, b, len, &img, &e) < 0);
	assert_true(e.msg[0]);
	if (!strstr(e.msg, substr))
		print_error("expected \"%s\" in \"%s\"\n", substr, e.msg);
	assert_non_null(strstr(e.msg, substr));
}

static void bz_bad(void **state)
{
	size_t len;
	uint8_t *b;

	b = bzimage(&len, 0x020f, XLF_KERNEL_64, 0);
	b[0x1fe] = 0;
	expect_fail(b, len, "not a bzImage");
	free(b);

	b = bzimage(&len, 0x020f, XLF_KERNEL_64, 0);
	memcpy(b + 0x202, "HdrX", 4);
	expect_fail(b, len, "not a bzImage");
	free(b);

	b = bzimage(&len, 0x020a, XLF_KERNEL_64, 0);
	expect_fail(b, len, "too old");
	free(b);

	b = bzimage(&len, 0x020f, 0, 0);
	expect_fail(b, len, "no 64-bit entry");
	free(b);

	b = bzimage(&len, 0x020f, XLF_KERNEL_64, 0);
	expect_fail(b, 5 * 512, "truncated");
	expect_fail(b, len - 16, "syssize"); /* a download cut short */
	/* syssize rounded up to 16 past the file's end: still fine */
	assert_int_equal(loader_load_kernel(&mem, b, len - 8, &(struct kernel_image){ 0 },
					    &(struct err){ 0 }),
			 0);
	expect_fail(b, 100, "not a bzImage");
	free(b);

	b = bzimage(&len, 0x020f, XLF_KERNEL_64, RAM); /* init_size past RAM */
	expect_fail(b, len, "does not fit");
	free(b);

	b = bzimage(&len, 0x020f, XLF_KERNEL_64, 0);
	((struct setup_header *)(b + 0x1f1))->loadflags = 0;
	expect_fail(b, len, "zImage");
	free(b);

	expect_fail((const uint8_t *)"hello world", 11, "not a bzImage");
}

struct elf_spec {
	uint64_t paddr, entry, memsz, filesz, offset;
	int phnum, with_note, bad_note;
	uint32_t pvh;
	int elf32;
};

static uint8_t *elf64(size_t *len, const struct elf_spec *s);

/* The same image as ELF32 (i386): the ELF64 one converted field by field. */
static uint8_t *elf(size_t *len, const struct elf_spec *s)
{
	uint8_t *b = elf64(len, s), *c;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf32_Ehdr *h;
	Elf32_Phdr *p;

	if (!s->elf32)
		return b;
	c = calloc(1, *len);
	memcpy(c, b, *len); /* notes and payload at the same offsets */
	memset(c, 0, 0x200);
	h = (Elf32_Ehdr *)c;
	p = (Elf32_Phdr *)(c + sizeof(*h));
	memcpy(h->e_ident, eh->e_ident, EI_NIDENT);
	h->e_ident[EI_CLASS] = ELFCLASS32;
	h->e_type = ET_EXEC;
	h->e_machine = EM_386;
	h->e_entry = (uint32_t)eh->e_entry;
	h->e_phoff = sizeof(*h);
	h->e_phentsize = sizeof(Elf32_Phdr);
	h->e_phnum = eh->e_phnum;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *q = (Elf64_Phdr *)(b + eh->e_phoff) + i;

		p[i] = (Elf32_Phdr){ .p_type = q->p_type,
				     .p_offset = (uint32_t)q->p_offset,
				     .p_paddr = (uint32_t)q->p_paddr,
				     .p_filesz = (uint32_t)q->p_filesz,
				     .p_memsz = (uint32_t)q->p_memsz };
	}
	free(b);
	return c;
}

static uint8_t *elf64(size_t *len, const struct elf_spec *s)
{
	size_t n = 8192;
	uint8_t *b = calloc(1, n);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(b + sizeof(*eh));

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_entry = s->entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = s->phnum + (s->with_note ? 1 : 0);
	for (int i = 0; i < s->phnum; i++) {
		ph[i].p_type = PT_LOAD;
		ph[i].p_paddr = s->paddr;
		ph[i].p_offset = s->offset;
		ph[i].p_filesz = s->filesz;
		ph[i].p_memsz = s->memsz;
	}
	memset(b + 4096, 0xab, 4096);
	if (s->with_note) {
		Elf64_Phdr *np = &ph[s->phnum];
		uint8_t *note = b + 0x200;
		Elf64_Nhdr nh = { .n_namesz = 4, .n_descsz = 4, .n_type = 18 };

		memcpy(note, &nh, sizeof(nh));
		memcpy(note + 12, "Xen", 4);
		memcpy(note + 16, &s->pvh, 4);
		np->p_type = PT_NOTE;
		np->p_offset = 0x200;
		np->p_filesz = s->bad_note ? 10 : 20;
		if (s->bad_note) { /* descsz pointing past the segment */
			nh.n_descsz = 4000;
			memcpy(note, &nh, sizeof(nh));
			np->p_filesz = 20;
		}
	}
	*len = n;
	return b;
}

static const struct elf_spec good_elf = {
	.paddr = 0x200000,
	.entry = 0x200010,
	.memsz = 8192,
	.filesz = 4096,
	.offset = 4096,
	.phnum = 1,
};

static void elf_good(void **state)
{
	struct elf_spec s = good_elf;
	struct kernel_image img;
	struct err e = { 0 };
	size_t len;
	uint8_t *b;

	s.with_note = 1;
	s.pvh = 0x200020;
	b = elf(&len, &s);
	memset(ram + 0x201000, 0x77, 4096); /* bss must be cleared */
	assert_int_equal(loader_load_kernel(&mem, b, len, &img, &e), 0);
	assert_int_equal(img.entry, 0x200010);
	assert_int_equal(img.pvh_entry, 0x200020);
	assert_int_equal(img.load_addr, 0x200000);
	assert_int_equal(img.load_end, 0x202000);
	assert_int_equal(ram[0x200000], 0xab);
	assert_int_equal(ram[0x201000], 0);
	assert_false(img.is_bzimage);
	free(b);
}

static void elf_bad(void **state)
{
	struct elf_spec s;
	size_t len;
	uint8_t *b;

	s = good_elf;
	s.phnum = 0;
	b = elf(&len, &s);
	expect_fail(b, len, "program header table is missing");
	free(b);

	s = good_elf;
	s.phnum = 0; /* a note but nothing to load */
	s.with_note = 1;
	b = elf(&len, &s);
	expect_fail(b, len, "no loadable");
	free(b);

	s = good_elf;
	s.offset = 8000; /* filesz runs past the end */
	b = elf(&len, &s);
	expect_fail(b, len, "outside the file");
	free(b);

	s = good_elf;
	s.filesz = 9000; /* filesz > memsz */
	b = elf(&len, &s);
	expect_fail(b, len, "outside the file");
	free(b);

	s = good_elf;
	s.paddr = RAM - 4096;
	s.entry = s.paddr;
	b = elf(&len, &s);
	expect_fail(b, len, "outside guest RAM");
	free(b);

	s = good_elf;
	s.paddr = 0x1000;
	s.entry = 0x1000;
	b = elf(&len, &s);
	expect_fail(b, len, "below 1 MiB");
	free(b);

	s = good_elf;
	s.entry = 0x900000;
	b = elf(&len, &s);
	expect_fail(b, len, "entry point");
	free(b);

	s = good_elf;
	s.with_note = 1;
	s.bad_note = 1;
	b = elf(&len, &s);
	expect_fail(b, len, "note");
	free(b);

	s = good_elf;
	b = elf(&len, &s);
	b[EI_CLASS] = ELFCLASSNONE;
	expect_fail(b, len, "ELF64");
	b[EI_CLASS] = ELFCLASS32; /* an ELF64 header read as ELF32: machine 62 */
	expect_fail(b, len, "i386");
	((Elf64_Ehdr *)b)->e_ident[EI_CLASS] = ELFCLASS64;
	((Elf64_Ehdr *)b)->e_machine = EM_AARCH64;
	expect_fail(b, len, "x86-64");
	((Elf64_Ehdr *)b)->e_machine = EM_X86_64;
	((Elf64_Ehdr *)b)->e_type = ET_DYN;
	expect_fail(b, len, "ET_EXEC");
	((Elf64_Ehdr *)b)->e_type = ET_EXEC;
	((Elf64_Ehdr *)b)->e_phoff = len - 10;
	expect_fail(b, len, "program header");
	expect_fail(b, 40, "not an ELF");
	free(b);
}

/* ELF32 PVH images: the same segment and entry checks as ELF64. */
static void elf32_good(void **state)
{
	struct elf_spec s = good_elf;
	struct kernel_image img;
	struct err e = { 0 };
	size_t len;
	uint8_t *b;

	s.elf32 = 1;
	s.with_note = 1;
	s.pvh = 0x200020;
	b = elf(&len, &s);
	assert_int_equal(((Elf32_Ehdr *)b)->e_ident[EI_CLASS], ELFCLASS32);
	memset(ram + 0x201000, 0x77, 4096);
	assert_int_equal(loader_load_kernel(&mem, b, len, &img, &e), 0);
	assert_true(img.is_elf32);
	assert_int_equal(img.entry, 0); /* no 64-bit entry */
	assert_int_equal(img.pvh_entry, 0x200020);
	assert_int_equal(img.load_addr, 0x200000);
	assert_int_equal(img.load_end, 0x202000);
	assert_int_equal(ram[0x200000], 0xab);
	assert_int_equal(ram[0x201000], 0);
	free(b);
}

static void elf32_bad(void **state)
{
	struct elf_spec s;
	size_t len;
	uint8_t *b;

	s = good_elf;
	s.elf32 = 1;
	b = elf(&len, &s); /* no PVH note */
	expect_fail(b, len, "XEN_ELFNOTE_PHYS32_ENTRY");
	free(b);

	struct {
		int field;
		const char *why;
	} cases[] = {
		{ 0, "program header table is missing" },
		{ 1, "outside the file" },
		{ 2, "outside the file" },
		{ 3, "outside guest RAM" },
		{ 4, "below 1 MiB" },
		{ 5, "entry point" },
		{ 6, "note" },
		{ 7, "no loadable" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = good_elf;
		s.elf32 = 1;
		s.with_note = 1;
		s.pvh = 0x200020;
		switch (cases[i].field) {
		case 0:
			s.phnum = 0;
			s.with_note = 0;
			break;
		case 1:
			s.offset = 8000;
			break;
		case 2:
			s.filesz = 9000;
			break;
		case 3:
			s.paddr = RAM - 4096;
			s.entry = s.paddr;
			break;
		case 4:
			s.paddr = 0x1000;
			s.entry = 0x1000;
			break;
		case 5:
			s.entry = 0x900000;
			break;
		case 6:
			s.bad_note = 1;
			break;
		case 7:
			s.phnum = 0;
			break;
		}
		b = elf(&len, &s);
		expect_fail(b, len, cases[i].why);
		free(b);
	}

	s = good_elf;
	s.elf32 = 1;
	s.with_note = 1;
	s.pvh = 0x200020;
	b = elf(&len, &s);
	((Elf32_Ehdr *)b)->e_machine = EM_X86_64; /* ELF32 must be i386 */
	expect_fail(b, len, "i386");
	((Elf32_Ehdr *)b)->e_machine = EM_386;
	((Elf32_Ehdr *)b)->e_phentsize = sizeof(Elf64_Phdr);
	expect_fail(b, len, "program header");
	((Elf32_Ehdr *)b)->e_phentsize = sizeof(Elf32_Phdr);
	((Elf32_Ehdr *)b)->e_phoff = (uint32_t)len - 10;
	expect_fail(b, len, "program header");
	((Elf32_Ehdr *)b)->e_phoff = sizeof(Elf32_Ehdr);
	((Elf32_Ehdr *)b)->e_type = ET_DYN;
	expect_fail(b, len, "ET_EXEC");
	expect_fail(b, 40, "not an ELF"); /* shorter than an Elf32_Ehdr */
	free(b);
}

static void initrd_place(void **state)
{
	struct kernel_image img = { .load_end = 0x2000000, .initrd_addr_max = 0x37ffffff };
	struct err e = { 0 };
	uint64_t addr;

	/* Below the end of RAM, page aligned. */
	assert_int_equal(loader_place_initrd(&img, RAM, 10000, &addr, &e), 0);
	assert_int_equal(addr, (RAM - 10000) & ~0xfffULL);
	/* Below initrd_addr_max when RAM goes further. */
	img.initrd_addr_max = 0x2ffffff;
	assert_int_equal(loader_place_initrd(&img, 1ULL << 32, 4096, &addr, &e), 0);
	assert_int_equal(addr, 0x3000000 - 4096);
	/* Not over the kernel's init_size. */
	assert_int_equal(loader_place_initrd(&img, 1ULL << 32, 0x1000001, &addr, &e), -ENOSPC);
	assert_non_null(strstr(e.msg, "initrd"));
	assert_int_equal(loader_place_initrd(&img, 0x1000, 0x2000, &addr, &e), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bz_good, setup, teardown),
		cmocka_unit_test_setup_teardown(bz_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(elf_good, setup, teardown),
		cmocka_unit_test_setup_teardown(elf32_good, setup, teardown),
		cmocka_unit_test_setup_teardown(elf32_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(elf_bad, setup, teardown),
		cmocka_unit_test(initrd_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
