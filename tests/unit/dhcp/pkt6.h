/* SPDX-License-Identifier: MIT */
/* Client-side DHCPv6 / ND message builders and option lookups for the dhcp unit tests. */
#ifndef TESTS_UNIT_DHCP_PKT6_H
#define TESTS_UNIT_DHCP_PKT6_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/ip6pkt.h"
#include "dhcp/proto6.h"

struct pkt6 {
	uint8_t b[1500];
	size_t len;
};

static const uint8_t GUEST_MAC6[6] = { 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };
static const uint8_t BRIDGE_MAC6[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t GW_MAC6[6] = { 0xae, 0x97, 0xc8, 0x30, 0xca, 0x1b };
static const uint8_t CLIENT_DUID[] = { 0,    1,	   0,	 1,    0x2a, 0x2b, 0x2c,
				       0x2d, 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };

static inline struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static inline void m6_init(struct pkt6 *p, uint8_t type)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = type;
	p->b[1] = 0xab;
	p->b[2] = 0xcd;
	p->b[3] = 0xef;
	p->len = 4;
}

static inline void m6_opt(struct pkt6 *p, uint16_t code, const void *v, uint16_t len)
{
	p->b[p->len++] = (uint8_t)(code >> 8);
	p->b[p->len++] = (uint8_t)code;
	p->b[p->len++] = (uint8_t)(len >> 8);
	p->b[p->len++] = (uint8_t)len;
	if (len)
		memcpy(p->b + p->len, v, len);
	p->len += len;
}

static inline void m6_clientid(struct pkt6 *p)
{
	m6_opt(p, D6O_CLIENTID, CLIENT_DUID, sizeof(CLIENT_DUID));
}

/* An IA_NA with IAID iaid and, when addr is given, one IAADDR. */
static inline void m6_ia_na(struct pkt6 *p, uint32_t iaid, const char *addr)
{
	uint8_t v[12 + 28] = { (uint8_t)(iaid >> 24), (uint8_t)(iaid >> 16), (uint8_t)(iaid >> 8),
			       (uint8_t)iaid };
	uint16_t len = 12;

	if (addr) {
		struct in6_addr a = a6(addr);

		v[12] = 0;
		v[13] = D6O_IAADDR;
		v[14] = 0;
		v[15] = 24;
		memcpy(v + 16, &a, 16);
		len += 28;
	}
	m6_opt(p, D6O_IA_NA, v, len);
}

/* Top-level option code in a DHCPv6 message (after the 4-octet header), or NULL. */
static inline const uint8_t *opt6_find(const uint8_t *b, size_t len, uint16_t code, uint16_t *olen)
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint16_t c = (uint16_t)(b[off] << 8 | b[off + 1]);
		uint16_t l = (uint16_t)(b[off + 2] << 8 | b[off + 3]);

		if (off + 4 + l > len)
			return NULL;
		if (c == code) {
			*olen = l;
			return b + off + 4;
		}
		off += 4 + (size_t)l;
	}
	return NULL;
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

#endif
