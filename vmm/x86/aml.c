// SPDX-License-Identifier: MIT
#include <string.h>

#include "vmm/x86/aml.h"

void aml_init(struct aml *a, void *buf, size_t cap)
{
	*a = (struct aml){ .buf = buf, .cap = cap };
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

void aml_integer(struct aml *a, uint64_t v)
{
	uint8_t b[9];
	int n;

	if (v <= 1) {
		aml_byte(a, (uint8_t)v); /* ZeroOp, OneOp */
		return;
	}
	if (v <= 0xff) {
		b[0] = 0x0a;
		n = 1;
	} else if (v <= 0xffff) {
		b[0] = 0x0b;
		n = 2;
	} else if (v <= 0xffffffff) {
		b[0] = 0x0c;
		n = 4;
	} else {
		b[0] = 0x0e;
		n = 8;
	}
	for (int i = 0; i < n; i++)
		b[1 + i] = (uint8_t)(v >> (8 * i));
	aml_bytes(a, b, 1 + n);
}

void aml_name(struct aml *a, const char seg[4])
{
	aml_byte(a, 0x08);
	aml_bytes(a, seg, 4);
}

size_t aml_pkg_open(struct aml *a)
{
	size_t pos = a->len;

	aml_bytes(a, "\0\0\0", 3);
	return pos;
}

void aml_pkg_close(struct aml *a, size_t pos)
{
	size_t body, n, total;

	if (a->overflow)
		return;
	body = a->len - pos - 3;
	/* The length counts its own bytes; one byte holds 6 bits, more hold 4 + 8k. */
	if (body + 1 <= 0x3f)
		n = 1;
	else if (body + 2 <= 0xfff)
		n = 2;
	else if (body + 3 <= 0xfffff)
		n = 3;
	else {
		a->overflow = true;
		return;
	}
	total = body + n;
	memmove(a->buf + pos + n, a->buf + pos + 3, body);
	if (n == 1) {
		a->buf[pos] = (uint8_t)total;
	} else {
		a->buf[pos] = (uint8_t)((n - 1) << 6 | (total & 0xf));
		for (size_t i = 1; i < n; i++)
			a->buf[pos + i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	}
	a->len -= 3 - n;
}

uint32_t aml_eisaid(const char id[7])
{
	/* Three letters in 5 bits each ('A' = 1), then four hex digits; stored
	 * big-endian (ACPI 6.4 section 19.6.47). */
	uint16_t vendor = (uint16_t)(((id[0] - 0x40) & 0x1f) << 10 | ((id[1] - 0x40) & 0x1f) << 5 |
				     ((id[2] - 0x40) & 0x1f));
	uint16_t product = 0;

	for (int i = 3; i < 7; i++) {
		char c = id[i];
		int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

		product = (uint16_t)(product << 4 | (d & 0xf));
	}
	return (uint32_t)(vendor >> 8) | (uint32_t)(vendor & 0xff) << 8 |
	       (uint32_t)(product >> 8) << 16 | (uint32_t)(product & 0xff) << 24;
}
