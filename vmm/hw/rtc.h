/* SPDX-License-Identifier: MIT */
#ifndef VMM_RTC_H
#define VMM_RTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/*
 * MC146818 CMOS RTC at ports 0x70 (index) and 0x71 (data): the host's UTC
 * time in BCD, 24-hour mode, never "update in progress".  The other CMOS
 * bytes are plain storage.  time_fn is replaceable for tests.
 */
struct rtc {
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t cmos[128];
	time_t (*time_fn)(time_t *);
};

void rtc_init(struct rtc *r);
void rtc_io(struct rtc *r, uint64_t off, uint8_t *data, bool is_write);

#endif
