// SPDX-License-Identifier: MIT
/* libFuzzer: the DHCP message parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhcp/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m;
	size_t len, total = 0;

	if (dhcp_msg_parse(&m, data, size) != DHCP_PARSE_OK)
		return 0;
	/* Every option read back lies inside the message's own bytes. */
	for (unsigned int c = 1; c < 255; c++) {
		const uint8_t *v = dhcp_msg_opt(&m, (uint8_t)c, &len);

		if (!v)
			continue;
		if (v < m.store || v + len > m.store + sizeof(m.store))
			abort();
		total += len;
	}
	if (total > size)
		abort();
	(void)dhcp_msg_type(&m);
	(void)dhcp_msg_requested(&m, OPT_CLASSLESS_ROUTE);
	return 0;
}
