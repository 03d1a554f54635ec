// SPDX-License-Identifier: MIT
#include <string.h>

#include "vmm/hw/rtc.h"

enum {
	RTC_SEC = 0x00,
	RTC_MIN = 0x02,
	RTC_HOUR = 0x04,
	RTC_WDAY = 0x06,
	RTC_MDAY = 0x07,
	RTC_MON = 0x08,
	RTC_YEAR = 0x09,
	RTC_REG_A = 0x0a,
	RTC_REG_B = 0x0b,
	RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32,
};

static uint8_t bcd(int v)
{
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

void rtc_init(struct rtc *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->time_fn = time;
	r->cmos[RTC_REG_A] = 0x26; /* 32.768 kHz time base, 1024 Hz rate */
	r->cmos[RTC_REG_B] = 0x02; /* 24-hour, BCD */
	r->cmos[RTC_REG_D] = 0x80; /* valid RAM and time */
}

/* One line a register: a table, which clang-format would split. */
/* clang-format off */
static uint8_t rtc_read(struct rtc *r, uint8_t idx)
{
	time_t now = r->time_fn(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (idx) {
	case RTC_SEC: return bcd(tm.tm_sec);
	case RTC_MIN: return bcd(tm.tm_min);
	case RTC_HOUR: return bcd(tm.tm_hour);
	case RTC_WDAY: return bcd(tm.tm_wday + 1);
	case RTC_MDAY: return bcd(tm.tm_mday);
	case RTC_MON: return bcd(tm.tm_mon + 1);
	case RTC_YEAR: return bcd(tm.tm_year % 100);
	case RTC_CENTURY: return bcd((tm.tm_year + 1900) / 100);
	case RTC_REG_A: return r->cmos[RTC_REG_A] & 0x7f;	/* UIP never set */
	case RTC_REG_C: return 0;	/* no interrupt flags: we raise none */
	default: return r->cmos[idx];
	}
}
/* clang-format on */

void rtc_io(struct rtc *r, uint64_t off, uint8_t *data, bool is_write)
{
	pthread_mutex_lock(&r->lock);
	if (off == 0) {
		/* Bit 7 of the index port is the NMI mask; the index is 7 bits. */
		if (is_write)
			r->index = *data & 0x7f;
		else
			*data = 0xff;
	} else if (is_write) {
		/* Time registers follow the host clock; B only keeps its mode bits. */
		if (r->index == RTC_REG_B)
			r->cmos[RTC_REG_B] = (*data & 0x7b) | 0x02;
		else if (r->index > RTC_REG_D)
			r->cmos[r->index] = *data;
	} else {
		*data = rtc_read(r, r->index);
	}
	pthread_mutex_unlock(&r->lock);
}
