// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench/latency.h"

uint64_t bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int bench_latency(const char *what, long count, int64_t (*exchange)(void), const long *retransmits)
{
	int64_t *lat = calloc((size_t)count, sizeof(*lat));
	long ok = 0, lost = 0;

	if (!lat) {
		perror(what);
		return 1;
	}
	for (long i = 0; i < count; i++) {
		int64_t l = exchange();

		if (l < 0)
			lost++;
		else
			lat[ok++] = l;
	}
	if (!ok) {
		printf("%s: no exchange completed (%ld lost)\n", what, lost);
		free(lat);
		return 1;
	}
	qsort(lat, (size_t)ok, sizeof(*lat), cmp);
	printf("%ld %ld %ld %ld %ld %ld %ld\n", (long)lat[ok / 2], (long)lat[ok * 9 / 10],
	       (long)lat[0], (long)lat[ok - 1], ok, lost, *retransmits);
	free(lat);
	return 0;
}
