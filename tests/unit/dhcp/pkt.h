/* SPDX-License-Identifier: MIT */
/* Client-side message builder for the dhcp unit tests. */
#ifndef TESTS_UNIT_DHCP_PKT_H
#define TESTS_UNIT_DHCP_PKT_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/proto.h"

struct pkt {
	uint8_t b[DHCP_MAX_MSG];
	size_t len;
};

static const uint8_t GUEST_MAC[6] = { 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };

static inline void pkt_init(struct pkt *p, uint8_t type, const uint8_t mac[6])
{
	uint32_t magic = htonl(DHCP_MAGIC);

	memset(p, 0, sizeof(*p));
	p->b[0] = BOOTREQUEST;
	p->b[1] = DHCP_HTYPE_ETHER;
	p->b[2] = DHCP_HLEN_ETHER;
	p->b[4] = 0x12;
	p->b[5] = 0x34;
	p->b[6] = 0x56;
	p->b[7] = 0x78;
	memcpy(p->b + 28, mac, 6);
	memcpy(p->b + DHCP_FIXED_LEN, &magic, 4);
	p->len = DHCP_OPTIONS_OFF;
	if (type) {
		p->b[p->len++] = OPT_MSG_TYPE;
		p->b[p->len++] = 1;
		p->b[p->len++] = type;
	}
}

static inline void pkt_opt(struct pkt *p, uint8_t code, const void *v, uint8_t len)
{
	p->b[p->len++] = code;
	p->b[p->len++] = len;
	memcpy(p->b + p->len, v, len);
	p->len += len;
}

static inline void pkt_addr(struct pkt *p, uint8_t code, const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	pkt_opt(p, code, &in, 4);
}

static inline void pkt_end(struct pkt *p)
{
	p->b[p->len++] = OPT_END;
	/* Real clients pad to the BOOTP minimum. */
	if (p->len < 300)
		p->len = 300;
}

static inline uint32_t ip(const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	return in.s_addr;
}

#endif
