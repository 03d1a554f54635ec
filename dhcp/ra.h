/* SPDX-License-Identifier: MIT */
#ifndef DHCP_RA_H
#define DHCP_RA_H

/*
 * The router advertiser for the guest: Router Advertisements on behalf of
 * the pod's IPv6 gateway (source = the gateway's own link-local address,
 * which the node answers for on the bridged L2), answering Router
 * Solicitations (RFC 4861 6.2.6) and sent periodically (6.2.4).  A global
 * gateway's link-local address is found first: a Neighbor Solicitation for
 * the gateway gives its MAC, an Echo Request to ff02::1 in a frame to that
 * MAC gives its link-local source.  Pure: time is passed in (ms), packets
 * go in and out through the caller; no allocation.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dhcp/config6.h"
#include "dhcp/ip6pkt.h"
#include "dhcp/ndp.h"

/* RFC 4861 6.2.1 / 10 defaults (MaxRtrAdvInterval 600 s, Min 0.33 of it). */
#define RA_MAX_INTERVAL_MS     600000u
#define RA_MIN_INTERVAL_MS     200000u
#define RA_ROUTER_LIFETIME     1800   /* 3 * MaxRtrAdvInterval */
#define RA_INITIAL_COUNT       3      /* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define RA_INITIAL_INTERVAL_MS 16000u /* MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define RA_MAX_DELAY_MS	       500u   /* MAX_RA_DELAY_TIME */
#define RA_MIN_DELAY_MS	       3000u  /* MIN_DELAY_BETWEEN_RAS */
/* The largest RA message built (ICMPv6, without the IPv6 header). */
#define RA_MSG_MAX 1400
/* RFC 8106 5.1/5.2: lifetimes of at least 3 * MaxRtrAdvInterval. */
#define RA_DNS_LIFETIME 1800

enum ra_phase {
	RA_FIND_MAC, /* NS for the global gateway, waiting for its NA */
	RA_FIND_LL,  /* Echo to ff02::1 at the gateway MAC, waiting for the reply */
	RA_READY,
};

enum ra_drop {
	RA_DROP_FOREIGN_MAC = 1,
	RA_DROP_INVALID,      /* failed the RFC 4861 validity checks */
	RA_DROP_UNEXPECTED,   /* NA / echo reply not asked for */
	RA_DROP_OTHER_ROUTER, /* an RA from someone else on the link */
	RA_DROP__MAX,
};

struct ra_counters {
	uint64_t rs, ra_sent, probes, other_router_ra;
	uint64_t dropped[RA_DROP__MAX];
};

/* A packet to send: IPv6 packet to dst_mac. */
struct ip6_out {
	uint8_t buf[1500];
	size_t len;
	uint8_t dst_mac[6];
};

struct ra_router {
	struct dhcp6_config cfg;
	uint8_t bridge_mac[6];
	struct in6_addr bridge_ll;

	enum ra_phase phase;
	struct in6_addr router_ll; /* the RA's source */
	uint8_t router_mac[6];
	bool has_router_mac;
	uint16_t echo_id;
	uint64_t next_probe;
	unsigned int probes;

	struct ndp_ra ra;
	size_t routes_left_out; /* cfg routes without room in the RA */
	uint8_t dnssl[1024];
	uint64_t next_ra;    /* periodic, to ff02::1 */
	uint64_t last_mcast; /* 0: none sent yet */
	unsigned int initial_left;
	bool pending_rs; /* an RS waits for its (delayed) answer */
	uint64_t rs_due;
	struct in6_addr rs_src; /* unicast answer target, or unspecified */

	uint32_t rng;
	struct ra_counters cnt;
};

/* (Re)configure; seed makes the RFC 4861 random delays. */
void ra_configure(struct ra_router *r, const struct dhcp6_config *cfg, const uint8_t bridge_mac[6],
		  const struct in6_addr *bridge_ll, uint32_t seed, uint64_t now);

/* An ICMPv6 packet from link-layer source src_mac (RS, NA, echo reply, RA). */
void ra_input(struct ra_router *r, uint64_t now, const uint8_t src_mac[6],
	      const struct ip6_view *v);

/*
 * The packet due at now, if any: returns 1 with *out filled, else 0.
 * *next is set to when to call again (absolute ms).
 */
int ra_output(struct ra_router *r, uint64_t now, struct ip6_out *out, uint64_t *next);

const char *ra_drop_name(int reason);

#endif
