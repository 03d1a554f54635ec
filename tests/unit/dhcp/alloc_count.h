/* SPDX-License-Identifier: MIT */
/*
 * The allocation counter of the hot-path tests (test_noalloc.c,
 * test_serve6.c): malloc, calloc and realloc are interposed, shared
 * libraries included, and counted between alloc_count_start() and
 * alloc_count_stop().  ASan interposes them itself, so under it
 * UNDER_ASAN is defined and there is no counter (the tests skip).
 * Include it in one test file per binary: it defines the interposers.
 */
#ifndef TESTS_UNIT_DHCP_ALLOC_COUNT_H
#define TESTS_UNIT_DHCP_ALLOC_COUNT_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#ifndef UNDER_ASAN
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static int alloc_counting;
static long alloc_count;

void *malloc(size_t n)
{
	alloc_count += alloc_counting;
	return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	alloc_count += alloc_counting;
	return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	alloc_count += alloc_counting;
	return __libc_realloc(p, n);
}

static inline void alloc_count_start(void)
{
	alloc_count = 0;
	alloc_counting = 1;
}

/* The allocations since alloc_count_start(). */
static inline long alloc_count_stop(void)
{
	alloc_counting = 0;
	return alloc_count;
}
#endif

#endif
