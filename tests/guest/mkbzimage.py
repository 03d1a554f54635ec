#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Wraps the test guest into a bzImage (Documentation/arch/x86/boot.rst) so
the boot tests cover podvmm's bzImage path: 4 setup sectors carrying a 2.15
setup header with XLF_KERNEL_64, then the guest's loadable segment as a flat
image for 0x100000, whose byte 0x200 is the 64-bit entry (see guest.ld)."""
import struct
import sys


def load_segment(elf):
    if elf[:4] != b'\x7fELF' or elf[4] != 2:
        sys.exit('mkbzimage: not an ELF64 file')
    phoff, = struct.unpack_from('<Q', elf, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', elf, 0x36)
    for i in range(phnum):
        p_type, _, off, _, paddr, filesz, memsz = struct.unpack_from(
            '<IIQQQQQ', elf, phoff + i * phentsize)
        if p_type == 1:
            return paddr, elf[off:off + filesz], memsz
    sys.exit('mkbzimage: no PT_LOAD segment')


def main():
    elf = open(sys.argv[1], 'rb').read()
    paddr, image, memsz = load_segment(elf)
    if paddr != 0x100000:
        sys.exit('mkbzimage: guest must load at 1 MiB')
    setup = bytearray(5 * 512)
    struct.pack_into('<B', setup, 0x1f1, 4)                 # setup_sects
    struct.pack_into('<I', setup, 0x1f4, (len(image) + 15) // 16)  # syssize
    struct.pack_into('<H', setup, 0x1fe, 0xaa55)            # boot_flag
    setup[0x200:0x202] = b'\xeb\x6a'                        # jump: header ends at 0x26c
    setup[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', setup, 0x206, 0x020f)            # version 2.15
    struct.pack_into('<B', setup, 0x211, 0x01)              # loadflags: LOADED_HIGH
    struct.pack_into('<I', setup, 0x214, 0x100000)          # code32_start
    struct.pack_into('<I', setup, 0x22c, 0x37ffffff)        # initrd_addr_max
    struct.pack_into('<I', setup, 0x230, 0x200000)          # kernel_alignment
    struct.pack_into('<H', setup, 0x236, 0x0001)            # xloadflags: XLF_KERNEL_64
    struct.pack_into('<I', setup, 0x238, 2047)              # cmdline_size
    struct.pack_into('<Q', setup, 0x258, 0x100000)          # pref_address
    struct.pack_into('<I', setup, 0x260, (memsz + 0xfff) & ~0xfff)  # init_size
    open(sys.argv[2], 'wb').write(bytes(setup) + image)


if __name__ == '__main__':
    main()
