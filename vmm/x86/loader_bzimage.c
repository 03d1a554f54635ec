// SPDX-License-Identifier: MIT
/*
 * bzImage per Documentation/arch/x86/boot.rst: the setup header sits at
 * 0x1f1, the protected-mode kernel follows the (setup_sects + 1) * 512 bytes
 * of real-mode setup code, and with XLF_KERNEL_64 the 64-bit entry is 0x200
 * past the load address.
 */
#include <errno.h>
#include <string.h>

#include "common/err.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/loader.h"

#define HDR_OFF	   0x1f1
#define HDRS_MAGIC 0x53726448 /* "HdrS" */

static uint16_t rd16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}
static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

int loader_load_bzimage(struct guest_mem *mem, const uint8_t *buf, size_t len,
			struct kernel_image *img, struct err *e)
{
	size_t setup_len, kernel_len, hdr_end;
	uint8_t *dst;
	struct setup_header *h = &img->hdr;

	memset(img, 0, sizeof(*img));
	if (len < 0x264 || rd16(buf + 0x1fe) != 0xaa55 || rd32(buf + 0x202) != HDRS_MAGIC)
		return err_set(e, ENOEXEC,
			       "not a bzImage (no 0xaa55 boot flag and HdrS setup header)");
	/* The header's length is given by the byte at 0x201 (the jump offset). */
	hdr_end = 0x202 + buf[0x201];
	if (hdr_end > len)
		hdr_end = len;
	img->hdr_len = hdr_end - HDR_OFF;
	if (img->hdr_len > sizeof(*h))
		img->hdr_len = sizeof(*h);
	memcpy(h, buf + HDR_OFF, img->hdr_len);

	if (h->version < BZIMAGE_MIN_VERSION)
		return err_set(
			e, ENOEXEC,
			"boot protocol too old: 2.12 or later is needed for the 64-bit entry");
	if (!(h->xloadflags & XLF_KERNEL_64))
		return err_set(e, ENOEXEC,
			       "kernel has no 64-bit entry point (XLF_KERNEL_64 not set)");
	if (!(h->loadflags & LOADED_HIGH))
		return err_set(e, ENOEXEC, "zImage kernels loaded at 0x10000 are not supported");
	setup_len = ((size_t)(h->setup_sects ? h->setup_sects : 4) + 1) * 512;
	if (setup_len >= len)
		return err_set(
			e, ENOEXEC,
			"truncated bzImage: no protected-mode kernel after the setup sectors");
	kernel_len = len - setup_len;
	/* syssize (16-byte units, 32 bits since protocol 2.04) is the size of
	 * the protected-mode code: a file cut short of it would run into
	 * whatever follows in guest RAM.  (Linux's build pads the file to
	 * syssize * 16 exactly; other tools round up, so allow the rounding.) */
	if ((uint64_t)h->syssize * 16 > kernel_len + 15)
		return err_set(e, ENOEXEC,
			       "truncated bzImage: the file is shorter than the header's syssize");
	img->load_addr = LAYOUT_HIGH_RAM;
	img->entry = LAYOUT_HIGH_RAM + 0x200;
	/* init_size is the room the kernel needs to decompress in place. */
	img->load_end = img->load_addr + (h->init_size > kernel_len ? h->init_size : kernel_len);
	dst = guest_mem_ptr(mem, img->load_addr, img->load_end - img->load_addr);
	if (!dst)
		return err_set(e, E2BIG, "kernel (with its init_size) does not fit in guest RAM");
	memcpy(dst, buf + setup_len, kernel_len);
	img->is_bzimage = 1;
	img->initrd_addr_max = h->initrd_addr_max ? h->initrd_addr_max : 0x37ffffff;
	img->cmdline_max = h->cmdline_size ? h->cmdline_size : 255;
	return 0;
}

int loader_place_initrd(const struct kernel_image *img, uint64_t low_ram_end, uint64_t size,
			uint64_t *addr, struct err *e)
{
	uint64_t top = low_ram_end;

	if ((uint64_t)img->initrd_addr_max + 1 < top)
		top = (uint64_t)img->initrd_addr_max + 1;
	if (size > top || ((top - size) & ~0xfffULL) < img->load_end)
		return err_set(e, ENOSPC,
			       "initrd does not fit between the kernel and initrd_addr_max");
	*addr = (top - size) & ~0xfffULL;
	return 0;
}

int loader_load_kernel(struct guest_mem *mem, const uint8_t *buf, size_t len,
		       struct kernel_image *img, struct err *e)
{
	if (len >= 4 && !memcmp(buf, "\177ELF", 4))
		return loader_load_elf(mem, buf, len, img, e);
	return loader_load_bzimage(mem, buf, len, img, e);
}
