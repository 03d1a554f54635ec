// SPDX-License-Identifier: MIT
/* Freestanding helpers: polled COM1 output, a small printf, string bits. */
#include <stdarg.h>

#include "guest_acpi.h"
#include "guest_io.h"

#define COM1 0x3f8

int checks_passed, checks_failed;

void con_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts: the guest polls */
	outb(COM1 + 3, 0x03); /* 8N1 */
}

void con_putc(char c)
{
	/* Wait for THR empty; bounded so a broken UART cannot hang us. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

static void put_num(unsigned long v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width--)
		con_putc(pad);
	while (n)
		con_putc(buf[--n]);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			con_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			if (v < 0) {
				con_putc('-');
				v = -v;
			}
			put_num((unsigned long)v, 10, width, pad);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, width,
				pad);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, width,
				pad);
			break;
		case 's':
			con_puts(va_arg(ap, const char *));
			break;
		case 'c':
			con_putc((char)va_arg(ap, int));
			break;
		default:
			con_putc('%');
			con_putc(*fmt);
			break;
		}
	}
	va_end(ap);
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *x = d;
	const uint8_t *y = s;

	while (n--)
		*x++ = *y++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *x = d;

	while (n--)
		*x++ = (uint8_t)c;
	return d;
}

int cmdline_get(const char *cl, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = cl; p && *p;) {
		while (*p == ' ')
			p++;
		if (!memcmp(p, key, klen) && p[klen] == '=') {
			size_t n = 0;

			p += klen + 1;
			while (p[n] && p[n] != ' ' && n + 1 < len) {
				buf[n] = p[n];
				n++;
			}
			buf[n] = 0;
			return 1;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

unsigned long parse_ulong(const char *s)
{
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

void check(int ok, const char *what)
{
	con_printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
	if (ok)
		checks_passed++;
	else
		checks_failed++;
}

void machine_reset(void)
{
	con_puts("guest: resetting through the i8042\n");
	outb(0x64, 0xfe);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void machine_poweroff(void)
{
	con_puts("guest: powering off\n");
	acpi_poweroff();
	/* No usable FADT/\_S5: the fixed power-off port, SLP_TYP 5 | SLP_EN. */
	con_puts("guest: no ACPI S5, writing 0x3400 to port 0x604\n");
	outw(0x604, 0x2000 | 5 << 10);
	for (;;)
		__asm__ volatile("cli; hlt");
}
