// SPDX-License-Identifier: MIT
#include <string.h>

#include "vmm/hw/serial.h"

enum { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define IER_RDA	     0x01
#define IER_THRE     0x02
#define IER_RLS	     0x04
#define IER_MS	     0x08
#define IIR_NONE     0x01
#define IIR_RLS	     0x06
#define IIR_RDA	     0x04
#define IIR_THRE     0x02
#define IIR_MS	     0x00
#define IIR_FIFO     0xc0
#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB     0x80
#define MCR_LOOP     0x10
#define LSR_DR	     0x01
#define LSR_OE	     0x02
#define LSR_THRE     0x20
#define LSR_TEMT     0x40
#define MSR_DELTA    0x0f
/* With no modem attached the lines read as carrier, DSR and CTS present. */
#define MSR_IDLE 0xb0

static uint8_t serial_iir(const struct serial *s)
{
	uint8_t fifo = (s->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	/* Priorities, datasheet table 4: line status, data, THRE, modem. */
	if ((s->ier & IER_RLS) && (s->lsr & LSR_OE))
		return fifo | IIR_RLS;
	if ((s->ier & IER_RDA) && s->rx_count)
		return fifo | IIR_RDA;
	if ((s->ier & IER_THRE) && s->thre_pending)
		return fifo | IIR_THRE;
	if ((s->ier & IER_MS) && (s->msr & MSR_DELTA))
		return fifo | IIR_MS;
	return fifo | IIR_NONE;
}

static void serial_update_irq(struct serial *s)
{
	int level = !(serial_iir(s) & IIR_NONE);

	if (level != s->irq_level) {
		s->irq_level = level;
		if (s->ops && s->ops->irq)
			s->ops->irq(s->opaque, level);
	}
}

void serial_init(struct serial *s, const struct serial_ops *ops, void *opaque)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->ops = ops;
	s->opaque = opaque;
	s->lsr = LSR_THRE | LSR_TEMT;
	s->msr = MSR_IDLE;
	s->dll = 12; /* 9600 baud, what a BIOS leaves */
}

static void rx_put(struct serial *s, uint8_t b)
{
	if (s->rx_count == SERIAL_FIFO) {
		s->lsr |= LSR_OE;
		return;
	}
	s->rx[(s->rx_head + s->rx_count++) % SERIAL_FIFO] = b;
	s->lsr |= LSR_DR;
}

static uint8_t rx_get(struct serial *s, bool *drained)
{
	uint8_t b;

	*drained = false;
	if (!s->rx_count)
		return 0;
	b = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO;
	if (!--s->rx_count) {
		s->lsr &= ~LSR_DR;
		*drained = true;
	}
	return b;
}

static uint8_t loop_msr(uint8_t mcr)
{
	/* Loopback wiring: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
	return (uint8_t)((mcr & 0x01) << 5 | (mcr & 0x02) << 3 | (mcr & 0x04) << 4 |
			 (mcr & 0x08) << 4);
}

static void serial_write(struct serial *s, uint64_t off, uint8_t v)
{
	switch (off) {
	case RBR_THR:
		if (s->lcr & LCR_DLAB) {
			s->dll = v;
			break;
		}
		if (s->mcr & MCR_LOOP)
			rx_put(s, v);
		else if (s->ops && s->ops->tx)
			s->ops->tx(s->opaque, v);
		/* Sent at once: the holding register is empty again. */
		s->thre_pending = true;
		s->lsr |= LSR_THRE | LSR_TEMT;
		break;
	case IER:
		if (s->lcr & LCR_DLAB) {
			s->dlm = v;
			break;
		}
		/* Enabling THRE while the register is empty interrupts at once. */
		if (!(s->ier & IER_THRE) && (v & IER_THRE) && (s->lsr & LSR_THRE))
			s->thre_pending = true;
		s->ier = v & 0x0f;
		break;
	case IIR_FCR:
		if (v & FCR_CLEAR_RX) {
			s->rx_count = 0;
			s->lsr &= ~(LSR_DR | LSR_OE);
		}
		s->fcr = v & 0xc9; /* enable, DMA mode, trigger level */
		break;
	case LCR:
		s->lcr = v;
		break;
	case MCR:
		s->mcr = v & 0x1f;
		s->msr = (s->mcr & MCR_LOOP) ? loop_msr(s->mcr) : MSR_IDLE;
		break;
	case SCR:
		s->scr = v;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
}

static uint8_t serial_read(struct serial *s, uint64_t off, bool *drained)
{
	uint8_t v = 0;

	*drained = false;
	switch (off) {
	case RBR_THR:
		return (s->lcr & LCR_DLAB) ? s->dll : rx_get(s, drained);
	case IER:
		return (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
	case IIR_FCR:
		v = serial_iir(s);
		/* Reading IIR acknowledges a THRE interrupt (datasheet table 4). */
		if ((v & 0x0f) == IIR_THRE)
			s->thre_pending = false;
		return v;
	case LCR:
		return s->lcr;
	case MCR:
		return s->mcr;
	case LSR:
		v = s->lsr;
		s->lsr &= ~LSR_OE; /* overrun clears on read */
		return v;
	case MSR:
		v = s->msr;
		s->msr &= ~MSR_DELTA;
		return v;
	case SCR:
		return s->scr;
	}
	return 0xff;
}

void serial_io(struct serial *s, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	bool drained = false;

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (is_write)
		serial_write(s, off, data[0]);
	else
		data[0] = serial_read(s, off, &drained);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	if (drained && s->ops && s->ops->rx_ready)
		s->ops->rx_ready(s->opaque);
}

size_t serial_rx_push(struct serial *s, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	/* In loopback the line is disconnected from the outside. */
	while (!(s->mcr & MCR_LOOP) && n < len && s->rx_count < SERIAL_FIFO)
		rx_put(s, buf[n++]);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

size_t serial_rx_space(struct serial *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = (s->mcr & MCR_LOOP) ? 0 : SERIAL_FIFO - s->rx_count;
	pthread_mutex_unlock(&s->lock);
	return n;
}
