/* SPDX-License-Identifier: MIT */
#ifndef COMMON_NUM_H
#define COMMON_NUM_H

/*
 * Strict decimal for command-line values: digits only (no sign, space or
 * base prefix), the whole string consumed, no overflow, and
 * min <= value <= max.  0 or -EINVAL.
 */
int num_parse(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out);

#endif
