/* SPDX-License-Identifier: MIT */
#ifndef VMM_AML_H
#define VMM_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Just enough of an AML encoder (ACPI 6.4 chapter 20) for podvmm's DSDT:
 * bytes, integers, names, and package lengths patched in when a Package,
 * Buffer or Device closes.  Writing past cap sets overflow and stops.
 */
struct aml {
	uint8_t *buf;
	size_t len, cap;
	bool overflow;
};

void aml_init(struct aml *a, void *buf, size_t cap);
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_byte(struct aml *a, uint8_t b);
/* Smallest encoding: ZeroOp, OneOp, Byte/Word/DWord/QWordPrefix. */
void aml_integer(struct aml *a, uint64_t v);
/* NameOp with a 4-character NameSeg; the object's data follows. */
void aml_name(struct aml *a, const char seg[4]);
/* Reserves a PkgLength after an opcode; aml_pkg_close(pos) fills it in
 * with the length of everything since (section 20.2.4, 1 to 3 bytes). */
size_t aml_pkg_open(struct aml *a);
void aml_pkg_close(struct aml *a, size_t pos);
/* EISA ID ("PNP0A03") as the 32-bit value EisaId() compiles to. */
uint32_t aml_eisaid(const char id[7]);

#endif
