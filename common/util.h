/* SPDX-License-Identifier: MIT */
#ifndef COMMON_UTIL_H
#define COMMON_UTIL_H

/* The two macros every C tree grows a copy of; this is the only copy. */

/* Number of elements of an array (not a pointer: the division would lie). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Bit n as a 64-bit mask, as virtio feature words and CPUID bits use it. */
#define BIT(n) (1ULL << (n))

#endif
