// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the DHCPv6 message parser (RFC 8415 21).  Every pointer it
 * returns must lie within the input, every IA within its limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhcp/dhcp6_msg.h"

static int within(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return !p || (p >= data && p + n <= data + size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp6_msg m;

	if (dhcp6_msg_parse(&m, data, size) != DHCP6_PARSE_OK)
		return 0;
	if (!within(m.clientid, m.clientid_len, data, size) ||
	    !within(m.serverid, m.serverid_len, data, size) ||
	    !within(m.oro, m.oro_len, data, size) || m.nia > DHCP6_MAX_IA ||
	    (m.clientid && (m.clientid_len < 2 || m.clientid_len > DHCP6_DUID_MAX)) ||
	    (m.oro_len & 1))
		abort();
	for (size_t i = 0; i < m.nia; i++)
		if (m.ia[i].naddr > DHCP6_MAX_IAADDR)
			abort();
	dhcp6_msg_requested(&m, D6O_DNS_SERVERS);
	return 0;
}
