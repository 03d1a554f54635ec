/* SPDX-License-Identifier: MIT */
/* What bench/dhcp's two clients share: the clock and the latency figures. */
#ifndef BENCH_LATENCY_H
#define BENCH_LATENCY_H

#include <stdint.h>

/* CLOCK_MONOTONIC in microseconds. */
uint64_t bench_now_us(void);

/*
 * Run exchange() count times (it returns the microseconds one exchange
 * took, or -1 for a lost one) and print one line: median, p90, min and
 * max, the completed and lost counts, and *retransmits as it is after the
 * runs.  1 (with a line naming what) when none completed, else 0.
 */
int bench_latency(const char *what, long count, int64_t (*exchange)(void), const long *retransmits);

#endif
