/* SPDX-License-Identifier: MIT */
#ifndef DHCP_NDP_H
#define DHCP_NDP_H

/*
 * ICMPv6 messages of the router side (RFC 4861, RFC 8106): Router
 * Solicitations and Advertisements, the Neighbor Solicitation/Advertisement
 * and Echo exchange that finds the gateway's link-layer and link-local
 * addresses.  Parsers check the RFC 4861 validity rules on a parsed IPv6
 * packet (dhcp/ip6pkt.h); builders write the ICMPv6 message with a zero
 * checksum (ip6_build_icmp fills it in).  Pure, no allocation.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "dhcp/ip6pkt.h"

enum ndp_parse_err {
	NDP_OK = 0,
	NDP_NOT_ND,    /* not the ICMPv6 type asked for */
	NDP_HOP_LIMIT, /* RFC 4861 6.1/7.1: hop limit not 255 */
	NDP_CODE,      /* ICMP code not 0 */
	NDP_SHORT,     /* shorter than the message's fixed part */
	NDP_OPTION,    /* an option of length 0 or past the end */
	NDP_SOURCE,    /* source address not allowed for this message */
	NDP_PARSE__MAX,
};

#define NDP_MAX_PREFIXES 4
#define NDP_MAX_DNS	 8
#define NDP_MAX_ROUTES	 8

/* RFC 4191 2.3 Route Information: a more-specific route via the RA's source. */
struct ndp_route {
	struct in6_addr prefix; /* bits past len are zero */
	uint8_t len;		/* 0..128 */
	uint8_t pref;		/* ND_PREF_* (2 bits) */
	uint32_t lifetime;	/* seconds; 0xffffffff: infinity */
};

struct ndp_prefix {
	struct in6_addr prefix;
	uint8_t len, flags; /* ND_PI_FLAG_* */
	uint32_t valid, preferred;
};

/* Router Advertisement content (RFC 4861 4.2, RFC 4191 2.3, RFC 8106 5.1/5.2). */
struct ndp_ra {
	uint8_t cur_hop_limit, flags; /* ND_RA_FLAG_* */
	uint16_t router_lifetime;     /* seconds; 0: not a default router */
	uint32_t reachable, retrans;
	bool has_slla;
	uint8_t slla[6];
	uint32_t mtu; /* 0: no MTU option */
	struct ndp_prefix pfx[NDP_MAX_PREFIXES];
	size_t npfx;
	struct ndp_route route[NDP_MAX_ROUTES];
	size_t nroutes;
	struct in6_addr dns[NDP_MAX_DNS];
	size_t ndns;
	uint32_t dns_lifetime;
	const uint8_t *dnssl; /* uncompressed names (dhcp/dnsname.h) */
	size_t dnssl_len;
	uint32_t dnssl_lifetime;
};

struct ndp_rs {
	bool has_slla;
	uint8_t slla[6];
};

struct ndp_na {
	struct in6_addr target;
	uint8_t flags; /* ND_NA_FLAG_* */
	bool has_tlla;
	uint8_t tlla[6];
};

/* RFC 4861 6.1.1. */
int ndp_rs_parse(const struct ip6_view *v, struct ndp_rs *rs);
/*
 * RFC 4861 6.1.2 (options kept as parsed; DNSSL pointed at in v's buffer);
 * a Route Information option that RFC 4191 2.3 / 3.1 says to ignore (a
 * length that does not fit its prefix length, Prf 10) is left out.
 */
int ndp_ra_parse(const struct ip6_view *v, struct ndp_ra *ra);
/* RFC 4861 7.1.2. */
int ndp_na_parse(const struct ip6_view *v, struct ndp_na *na);
/* An Echo Reply (RFC 4443 4.2): its identifier and sequence number. */
int ndp_echo_reply_parse(const struct ip6_view *v, uint16_t *id, uint16_t *seq);
const char *ndp_parse_err_name(int err);

/* Builders: the message length, or -ENOSPC (-EINVAL: a route's len over 128). */
int ndp_ra_build(uint8_t *out, size_t cap, const struct ndp_ra *ra);
int ndp_ns_build(uint8_t *out, size_t cap, const struct in6_addr *target, const uint8_t slla[6]);
int ndp_echo_build(uint8_t *out, size_t cap, uint16_t id, uint16_t seq);

#endif
