/* SPDX-License-Identifier: MIT */
#ifndef VMM_SERIAL_H
#define VMM_SERIAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A 16550A UART (National Semiconductor PC16550D datasheet): 16-byte
 * receive FIFO, divisor latch, scratch register, loopback, and the
 * interrupt identification priorities.  The model is pure: output bytes,
 * the interrupt line and "receive FIFO has room again" go to callbacks.
 */

#define SERIAL_FIFO 16

struct serial_ops {
	void (*tx)(void *opaque, uint8_t byte);
	void (*irq)(void *opaque, int level);
	void (*rx_ready)(void *opaque); /* the FIFO drained: push more */
};

struct serial {
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
	bool thre_pending; /* THR-empty interrupt not yet acknowledged */
	uint8_t rx[SERIAL_FIFO];
	int rx_head, rx_count;
	int irq_level;
	const struct serial_ops *ops;
	void *opaque;
};

void serial_init(struct serial *s, const struct serial_ops *ops, void *opaque);

/* Register access at offset 0..7 (one byte). */
void serial_io(struct serial *s, uint64_t off, uint8_t *data, uint32_t len, bool is_write);

/* Queues input; returns how many bytes fit. */
size_t serial_rx_push(struct serial *s, const uint8_t *buf, size_t len);
size_t serial_rx_space(struct serial *s);

#endif
