/* SPDX-License-Identifier: MIT */
#ifndef VMM_TABLE_CHECKSUM_H
#define VMM_TABLE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * The byte that makes a firmware table sum to zero modulo 256: the rule of
 * the MP specification (4.1, 4.2) and of ACPI (5.2.5.3, 5.2.6) alike.
 * Store it in the table's checksum field while that field is zero.
 */
static inline uint8_t table_checksum(const void *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return (uint8_t)-sum;
}

#endif
