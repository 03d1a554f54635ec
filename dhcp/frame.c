// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/frame.h"
#include "dhcp/proto.h"

uint32_t dhcp_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t dhcp_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

int dhcp_frame_build(uint8_t *out, size_t cap, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		     uint32_t src_ip, uint32_t dst_ip, const uint8_t *payload, size_t len)
{
	uint8_t *ip = out + 14, *udp = ip + 20;
	size_t ip_len = 20 + 8 + len;
	uint32_t sum;
	uint16_t c;

	if (DHCP_FRAME_HDR_LEN + len > cap || ip_len > 0xffff)
		return -ENOSPC;
	memcpy(out, dst_mac, 6);
	memcpy(out + 6, src_mac, 6);
	out[12] = 0x08;
	out[13] = 0x00;

	memset(ip, 0, 20);
	ip[0] = 0x45; /* IPv4, 20-octet header */
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[8] = 64; /* TTL */
	ip[9] = 17; /* UDP */
	memcpy(ip + 12, &src_ip, 4);
	memcpy(ip + 16, &dst_ip, 4);
	c = (uint16_t)~dhcp_csum_fold(dhcp_csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;

	udp[0] = 0;
	udp[1] = DHCP_SERVER_PORT;
	udp[2] = 0;
	udp[3] = DHCP_CLIENT_PORT;
	udp[4] = (uint8_t)((8 + len) >> 8);
	udp[5] = (uint8_t)(8 + len);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, payload, len);
	/* RFC 768: pseudo header of source, destination, protocol, UDP length. */
	sum = dhcp_csum_add(0, ip + 12, 8);
	sum += 17 + (uint32_t)(8 + len);
	sum = dhcp_csum_add(sum, udp, 8 + len);
	c = (uint16_t)~dhcp_csum_fold(sum);
	/* RFC 768: a computed zero is sent as all ones (zero means "none"). */
	if (c == 0)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
	return (int)(DHCP_FRAME_HDR_LEN + len);
}
