// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "netsetup/netsetup.h"

/*
 * IEEE 802 (RFC 7042 2.1): bit 0 of the first octet is the group bit, bit 1
 * the "locally administered" bit.  The nic's new MAC must be unicast and
 * local so it can never collide with a vendor address such as the pod's.
 */
void ns_mac_from_random(const uint8_t rnd[6], const uint8_t avoid[6], uint8_t out[6])
{
	memcpy(out, rnd, 6);
	out[0] = (out[0] & 0xfc) | 0x02;
	if (avoid && !memcmp(out, avoid, 6))
		out[5] ^= 0x01;
}

int ns_mac_random(const uint8_t avoid[6], uint8_t out[6])
{
	uint8_t rnd[6];

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -errno;
	ns_mac_from_random(rnd, avoid, out);
	return 0;
}
