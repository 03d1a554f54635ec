/* SPDX-License-Identifier: MIT */
#ifndef VMM_I8042_H
#define VMM_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The PS/2 controller (i8042) with a keyboard behind it, as much as Linux's
 * i8042 and atkbd drivers probe, plus the two things podvmm needs from it:
 * the CPU reset line (command 0xfe, or any pulse of output-port bit 0) and
 * a way to type Ctrl-Alt-Del.  No mouse port.  Pure model with callbacks.
 */

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT	0x64
#define I8042_QUEUE	16

struct i8042_ops {
	void (*reset)(void *opaque);
	void (*irq)(void *opaque, int level); /* IRQ 1 */
};

struct i8042 {
	pthread_mutex_t lock;
	uint8_t ctr; /* controller command byte */
	uint8_t status;
	uint8_t pending_cmd; /* controller command waiting for its data byte */
	uint8_t kbd_cmd;     /* keyboard command waiting for its argument */
	uint8_t q[I8042_QUEUE];
	int q_head, q_count;
	int irq_level;
	const struct i8042_ops *ops;
	void *opaque;
};

void i8042_init(struct i8042 *k, const struct i8042_ops *ops, void *opaque);

/* port is I8042_DATA_PORT or I8042_CMD_PORT. */
void i8042_io(struct i8042 *k, uint16_t port, uint8_t *data, bool is_write);

/* Queues the make and break codes of Ctrl-Alt-Del in the scan code set the
 * controller delivers (set 1 when translating, else set 2).  0 or -ENOSPC. */
int i8042_ctrl_alt_del(struct i8042 *k);

#endif
