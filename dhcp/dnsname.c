// SPDX-License-Identifier: MIT
#include <string.h>

#include "dhcp/dnsname.h"

/* One name: length-prefixed labels, then the root's zero octet. */
static size_t encode_one(const char *name, uint8_t *out, size_t cap)
{
	size_t len = 0;
	const char *p = name;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		if (l == 0 || l > 63 || len + 1 + l + 1 > cap)
			return 0;
		out[len++] = (uint8_t)l;
		memcpy(out + len, p, l);
		len += l;
		p += l;
		if (*p == '.')
			p++;
	}
	if (len == 0 || len + 1 > cap)
		return 0;
	out[len++] = 0;
	return len;
}

size_t dns_names_encode(const char *const *names, size_t n, uint8_t *out, size_t cap)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += encode_one(names[i], out + len, cap - len);
	return len;
}
