// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/mac.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* By hand, not sscanf("%2x"): that takes "1:2:...", spaces, signs and 0x. */
int mac_parse_len(const char *s, size_t len, uint8_t mac[MAC_LEN])
{
	uint8_t m[MAC_LEN];

	if (!s || len != MAC_STR_SIZE - 1)
		return -EINVAL;
	for (int i = 0; i < MAC_LEN; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < MAC_LEN - 1 && s[3 * i + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, MAC_LEN);
	return 0;
}

int mac_parse(const char *s, uint8_t mac[MAC_LEN])
{
	return s ? mac_parse_len(s, strlen(s), mac) : -EINVAL;
}

char *mac_format(const uint8_t m[MAC_LEN], char out[MAC_STR_SIZE])
{
	snprintf(out, MAC_STR_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	return out;
}
