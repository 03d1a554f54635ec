// SPDX-License-Identifier: MIT
/* Register models: 16550A UART, i8042, CMOS RTC, and the port bus. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/hw/i8042.h"
#include "vmm/kvm/iobus.h"
#include "vmm/hw/rtc.h"
#include "vmm/hw/serial.h"

static uint8_t txbuf[64];
static int ntx, irq_level, irq_edges, rx_ready, resets;

static void tx(void *o, uint8_t b)
{
	txbuf[ntx++] = b;
}
static void irq(void *o, int level)
{
	if (level && !irq_level)
		irq_edges++;
	irq_level = level;
}
static void ready(void *o)
{
	rx_ready++;
}
static void reset(void *o)
{
	resets++;
}

static const struct serial_ops sops = { .tx = tx, .irq = irq, .rx_ready = ready };
static const struct i8042_ops kops = { .reset = reset, .irq = irq };

static int clear(void **state)
{
	ntx = irq_level = irq_edges = rx_ready = resets = 0;
	return 0;
}

static uint8_t rd(struct serial *s, int off)
{
	uint8_t v;

	serial_io(s, off, &v, 1, false);
	return v;
}

static void wr(struct serial *s, int off, uint8_t v)
{
	serial_io(s, off, &v, 1, true);
}

static void uart_registers(void **state)
{
	struct serial s;

	serial_init(&s, &sops, NULL);
	wr(&s, 7, 0xa5);
	assert_int_equal(rd(&s, 7), 0xa5);
	/* DLAB switches offsets 0/1 to the divisor latch. */
	wr(&s, 3, 0x83);
	wr(&s, 0, 0x01);
	wr(&s, 1, 0x02);
	assert_int_equal(rd(&s, 0), 0x01);
	assert_int_equal(rd(&s, 1), 0x02);
	wr(&s, 3, 0x03);
	assert_int_equal(rd(&s, 1), 0x00); /* IER untouched by the latch */
	assert_int_equal(ntx, 0);	   /* divisor write sent nothing */
	/* FIFO enable shows as 0xc0 in IIR; no interrupt pending. */
	wr(&s, 2, 0x07);
	assert_int_equal(rd(&s, 2), 0xc1);
	assert_int_equal(rd(&s, 5) & 0x60, 0x60);
	/* Loopback: modem outputs wired to inputs, data to the receiver. */
	wr(&s, 4, 0x1a);
	assert_int_equal(rd(&s, 6) & 0xf0, 0x90);
	wr(&s, 0, 'Q');
	assert_int_equal(ntx, 0);
	assert_int_equal(rd(&s, 5) & 1, 1);
	assert_int_equal(rd(&s, 0), 'Q');
	assert_int_equal(rd(&s, 5) & 1, 0);
	wr(&s, 4, 0x03);
	assert_int_equal(rd(&s, 6), 0xb0);
	wr(&s, 0, 'A');
	assert_int_equal(ntx, 1);
	assert_int_equal(txbuf[0], 'A');
	uint8_t two[2] = { 0, 0 };
	serial_io(&s, 0, two, 2, false); /* only byte accesses */
	assert_int_equal(two[0], 0xff);
}

static void uart_interrupts(void **state)
{
	struct serial s;
	const uint8_t in[20] = "abcdefghijklmnopqrs";

	serial_init(&s, &sops, NULL);
	wr(&s, 2, 0x01);
	/* THRE: enabling it with an empty THR interrupts; reading IIR acks. */
	wr(&s, 1, 0x02);
	assert_int_equal(irq_level, 1);
	assert_int_equal(rd(&s, 2) & 0x0f, 0x02);
	assert_int_equal(irq_level, 0);
	wr(&s, 0, 'x');
	assert_int_equal(irq_level, 1);
	wr(&s, 1, 0x00);
	assert_int_equal(irq_level, 0);
	/* RX: data available outranks THRE; 16-byte FIFO, overrun flagged. */
	wr(&s, 1, 0x05);
	assert_int_equal(serial_rx_space(&s), 16);
	assert_int_equal(serial_rx_push(&s, in, sizeof(in)), 16);
	assert_int_equal(serial_rx_space(&s), 0);
	assert_int_equal(irq_level, 1);
	assert_int_equal(rd(&s, 2) & 0x0f, 0x04);
	for (int i = 0; i < 16; i++)
		assert_int_equal(rd(&s, 0), in[i]);
	assert_int_equal(rx_ready, 1); /* drained: ask for more */
	assert_int_equal(irq_level, 0);
	assert_int_equal(rd(&s, 5) & 1, 0);
	/* FCR clears the receive FIFO. */
	serial_rx_push(&s, in, 3);
	wr(&s, 2, 0x03);
	assert_int_equal(rd(&s, 5) & 1, 0);
	assert_int_equal(irq_level, 0);
}

static uint8_t krd(struct i8042 *k, uint16_t port)
{
	uint8_t v;

	i8042_io(k, port, &v, false);
	return v;
}

static void kwr(struct i8042 *k, uint16_t port, uint8_t v)
{
	i8042_io(k, port, &v, true);
}

static void kbd_controller(void **state)
{
	struct i8042 k;

	i8042_init(&k, &kops, NULL);
	assert_int_equal(krd(&k, 0x64) & 1, 0);
	kwr(&k, 0x64, 0xaa);
	assert_int_equal(krd(&k, 0x64) & 1, 1);
	assert_int_equal(krd(&k, 0x60), 0x55);
	kwr(&k, 0x64, 0x20);
	assert_int_equal(krd(&k, 0x60), 0x65); /* int, sys, aux off, xlate */
	kwr(&k, 0x64, 0x60);
	kwr(&k, 0x60, 0x01);
	kwr(&k, 0x64, 0x20);
	assert_int_equal(krd(&k, 0x60), 0x01);
	kwr(&k, 0x60, 0xf2); /* keyboard identify */
	assert_int_equal(krd(&k, 0x60), 0xfa);
	assert_int_equal(krd(&k, 0x60), 0xab);
	assert_int_equal(krd(&k, 0x60), 0x83);
	kwr(&k, 0x60, 0xed); /* LEDs: ack, argument, ack */
	kwr(&k, 0x60, 0x07);
	assert_int_equal(krd(&k, 0x60), 0xfa);
	assert_int_equal(krd(&k, 0x60), 0xfa);
	assert_int_equal(krd(&k, 0x64) & 1, 0);
	assert_int_equal(resets, 0);
	kwr(&k, 0x64, 0xfe); /* pulse reset */
	assert_int_equal(resets, 1);
	kwr(&k, 0x64, 0xff); /* pulses nothing */
	assert_int_equal(resets, 1);
	kwr(&k, 0x64, 0xd1); /* output port, bit 0 low */
	kwr(&k, 0x60, 0xfe);
	assert_int_equal(resets, 2);
}

static void kbd_ctrl_alt_del(void **state)
{
	static const uint8_t set1[] = { 0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d };
	static const uint8_t set2[] = { 0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0,
					0x71, 0xf0, 0x11, 0xf0, 0x14 };
	struct i8042 k;

	i8042_init(&k, &kops, NULL);
	assert_int_equal(i8042_ctrl_alt_del(&k), 0);
	assert_int_equal(irq_level, 1);
	for (size_t i = 0; i < sizeof(set1); i++)
		assert_int_equal(krd(&k, 0x60), set1[i]);
	assert_int_equal(irq_level, 0);
	/* One rising edge per byte (IRQ 1 is edge-triggered). */
	assert_int_equal(irq_edges, (int)sizeof(set1));
	/* Without translation the keyboard's own set 2 comes through. */
	kwr(&k, 0x64, 0x60);
	kwr(&k, 0x60, 0x05);
	assert_int_equal(i8042_ctrl_alt_del(&k), 0);
	for (size_t i = 0; i < sizeof(set2); i++)
		assert_int_equal(krd(&k, 0x60), set2[i]);
	/* A full queue refuses rather than truncating the sequence. */
	assert_int_equal(i8042_ctrl_alt_del(&k), 0);
	assert_int_equal(i8042_ctrl_alt_del(&k), -ENOSPC);
}

static time_t fixed_time(time_t *t)
{
	return 1763767845; /* 2025-11-21 23:30:45 UTC, a Friday */
}

static uint8_t cmos(struct rtc *r, uint8_t idx)
{
	uint8_t v;

	rtc_io(r, 0, &idx, true);
	rtc_io(r, 1, &v, false);
	return v;
}

static void rtc_time(void **state)
{
	struct rtc r;
	uint8_t v = 0x42, idx = 0x80 | 0x40;

	rtc_init(&r);
	r.time_fn = fixed_time;
	assert_int_equal(cmos(&r, 0x00), 0x45);
	assert_int_equal(cmos(&r, 0x02), 0x30);
	assert_int_equal(cmos(&r, 0x04), 0x23);
	assert_int_equal(cmos(&r, 0x06), 0x06);
	assert_int_equal(cmos(&r, 0x07), 0x21);
	assert_int_equal(cmos(&r, 0x08), 0x11);
	assert_int_equal(cmos(&r, 0x09), 0x25);
	assert_int_equal(cmos(&r, 0x32), 0x20);
	assert_int_equal(cmos(&r, 0x0a) & 0x80, 0);    /* never update-in-progress */
	assert_int_equal(cmos(&r, 0x0b) & 0x06, 0x02); /* BCD, 24 h */
	assert_int_equal(cmos(&r, 0x0d), 0x80);
	/* NMI-mask bit ignored; CMOS RAM keeps what is written. */
	rtc_io(&r, 0, &idx, true);
	rtc_io(&r, 1, &v, true);
	assert_int_equal(cmos(&r, 0x40), 0x42);
}

static int seen_off, seen_len;

static void dev(void *o, uint64_t addr, uint8_t *d, uint32_t len, bool w)
{
	seen_off = (int)addr;
	seen_len = (int)len;
	if (!w)
		memset(d, 0x11, len);
}

static void iobus(void **state)
{
	struct iobus b = { 0 };
	uint8_t d[4];

	assert_int_equal(iobus_register(&b, 0x100, 8, dev, NULL), 0);
	assert_int_equal(iobus_register(&b, 0x104, 8, dev, NULL), -EBUSY);
	assert_int_equal(iobus_register(&b, 0x200, 0, dev, NULL), -EINVAL);
	assert_true(iobus_dispatch(&b, 0x103, d, 2, false));
	assert_int_equal(seen_off, 3);
	assert_int_equal(d[0], 0x11);
	/* Straddling the end, or unclaimed: all-ones, not the device's. */
	assert_false(iobus_dispatch(&b, 0x107, d, 2, false));
	assert_int_equal(d[0], 0xff);
	assert_false(iobus_dispatch(&b, 0x300, d, 4, false));
	assert_int_equal(d[3], 0xff);
	assert_false(iobus_dispatch(&b, UINT64_MAX, d, 4, true));
	assert_int_equal(iobus_unregister(&b, 0x100), 0);
	assert_int_equal(iobus_unregister(&b, 0x100), -ENOENT);
	for (int i = 0; i < IOBUS_MAX_RANGES; i++)
		assert_int_equal(iobus_register(&b, 0x1000 + i, 1, dev, NULL), 0);
	assert_int_equal(iobus_register(&b, 0x5000, 1, dev, NULL), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(uart_registers, clear),
		cmocka_unit_test_setup(uart_interrupts, clear),
		cmocka_unit_test_setup(kbd_controller, clear),
		cmocka_unit_test_setup(kbd_ctrl_alt_del, clear),
		cmocka_unit_test(rtc_time),
		cmocka_unit_test(iobus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
