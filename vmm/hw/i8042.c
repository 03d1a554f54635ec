// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/hw/i8042.h"

#define ST_OBF	    0x01
#define ST_SYS	    0x04
#define ST_CMD	    0x08 /* last write was to the command port */
#define CTR_KBD_INT 0x01
#define CTR_SYS	    0x04
#define CTR_KBD_DIS 0x10
#define CTR_AUX_DIS 0x20
#define CTR_XLATE   0x40
#define KBD_ACK	    0xfa

static void update_irq(struct i8042 *k, bool new_byte)
{
	int level = k->q_count && (k->ctr & CTR_KBD_INT);

	/* IRQ 1 is edge-triggered: each new byte needs a fresh rising edge. */
	if (new_byte && level && k->irq_level && k->ops && k->ops->irq) {
		k->ops->irq(k->opaque, 0);
		k->irq_level = 0;
	}
	if (level != k->irq_level) {
		k->irq_level = level;
		if (k->ops && k->ops->irq)
			k->ops->irq(k->opaque, level);
	}
}

static int push(struct i8042 *k, uint8_t b)
{
	if (k->q_count == I8042_QUEUE)
		return -ENOSPC;
	k->q[(k->q_head + k->q_count++) % I8042_QUEUE] = b;
	return 0;
}

void i8042_init(struct i8042 *k, const struct i8042_ops *ops, void *opaque)
{
	memset(k, 0, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	k->ops = ops;
	k->opaque = opaque;
	/* What a PC BIOS leaves: keyboard interrupt on, translation on, self-test passed. */
	k->ctr = CTR_KBD_INT | CTR_SYS | CTR_AUX_DIS | CTR_XLATE;
	k->status = ST_SYS;
}

static void do_reset(struct i8042 *k)
{
	if (k->ops && k->ops->reset)
		k->ops->reset(k->opaque);
}

static void controller_cmd(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case 0x20: /* read command byte */
		push(k, k->ctr);
		break;
	case 0x60:
	case 0xd1:
	case 0xd2: /* these take a data byte */
		k->pending_cmd = cmd;
		break;
	case 0xa7:
		k->ctr |= CTR_AUX_DIS;
		break;
	case 0xa8:
		k->ctr &= ~CTR_AUX_DIS;
		break;
	case 0xaa: /* self test */
		k->status |= ST_SYS;
		push(k, 0x55);
		break;
	case 0xab: /* keyboard interface test: no error */
		push(k, 0x00);
		break;
	case 0xad:
		k->ctr |= CTR_KBD_DIS;
		break;
	case 0xae:
		k->ctr &= ~CTR_KBD_DIS;
		break;
	case 0xd0: /* read output port: reset line high, A20 on */
		push(k, 0x03);
		break;
	default:
		/* 0xf0-0xff pulse output lines low; bit 0 is the CPU reset. */
		if (cmd >= 0xf0 && !(cmd & 1))
			do_reset(k);
		/* Mouse commands (0xa9, 0xd3, 0xd4) get no answer: no AUX port. */
		break;
	}
}

static void keyboard_cmd(struct i8042 *k, uint8_t v)
{
	if (k->kbd_cmd) { /* argument of 0xed/0xf0/0xf3 */
		k->kbd_cmd = 0;
		push(k, KBD_ACK);
		return;
	}
	switch (v) {
	case 0xff: /* reset: ACK then self-test passed */
		push(k, KBD_ACK);
		push(k, 0xaa);
		break;
	case 0xf2: /* identify: MF2 keyboard */
		push(k, KBD_ACK);
		push(k, 0xab);
		push(k, 0x83);
		break;
	case 0xee: /* echo */
		push(k, 0xee);
		break;
	case 0xed:
	case 0xf0:
	case 0xf3:
		k->kbd_cmd = v;
		push(k, KBD_ACK);
		break;
	default:
		push(k, KBD_ACK);
		break;
	}
}

static void data_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending_cmd;

	k->pending_cmd = 0;
	switch (cmd) {
	case 0x60:
		k->ctr = v;
		break;
	case 0xd1: /* write output port: bit 0 low resets the CPU */
		if (!(v & 1))
			do_reset(k);
		break;
	case 0xd2: /* as if the keyboard sent v */
		push(k, v);
		break;
	default:
		keyboard_cmd(k, v);
		break;
	}
}

void i8042_io(struct i8042 *k, uint16_t port, uint8_t *data, bool is_write)
{
	int before;

	pthread_mutex_lock(&k->lock);
	before = k->q_count;
	if (port == I8042_CMD_PORT) {
		if (is_write) {
			k->status |= ST_CMD;
			controller_cmd(k, *data);
		} else {
			*data = (uint8_t)((k->status & ~ST_OBF) | (k->q_count ? ST_OBF : 0));
		}
	} else if (is_write) {
		k->status &= ~ST_CMD;
		data_write(k, *data);
	} else if (k->q_count) {
		*data = k->q[k->q_head];
		k->q_head = (k->q_head + 1) % I8042_QUEUE;
		k->q_count--;
		before = 0; /* the next byte, if any, is new to the guest */
	} else {
		*data = 0;
	}
	update_irq(k, k->q_count && before == 0);
	pthread_mutex_unlock(&k->lock);
}

int i8042_ctrl_alt_del(struct i8042 *k)
{
	/* Left Ctrl, left Alt, Delete (an E0-prefixed key): press, then release. */
	static const uint8_t set1[] = { 0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d };
	static const uint8_t set2[] = { 0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0,
					0x71, 0xf0, 0x11, 0xf0, 0x14 };
	const uint8_t *codes;
	size_t n;
	int ret = 0, before;

	pthread_mutex_lock(&k->lock);
	if (k->ctr & CTR_XLATE) {
		codes = set1;
		n = sizeof(set1);
	} else {
		codes = set2;
		n = sizeof(set2);
	}
	before = k->q_count;
	if (k->q_count + (int)n > I8042_QUEUE) {
		ret = -ENOSPC;
	} else {
		for (size_t i = 0; i < n; i++)
			push(k, codes[i]);
	}
	update_irq(k, before == 0 && k->q_count);
	pthread_mutex_unlock(&k->lock);
	return ret;
}
