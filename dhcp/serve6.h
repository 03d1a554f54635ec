/* SPDX-License-Identifier: MIT */
#ifndef DHCP_SERVE6_H
#define DHCP_SERVE6_H

/*
 * The IPv6 side of `podlaunch dhcp`: one IPv6 packet from the bridge (as
 * an AF_PACKET SOCK_DGRAM socket gives it, with the frame's source MAC)
 * in, at most one packet out; DHCPv6 to dhcp6_server, ICMPv6 to the router
 * advertiser.  Pure and allocation-free: what the fuzzer and unit tests
 * drive as the whole request-to-reply path.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dhcp/dhcp6_server.h"
#include "dhcp/ip6pkt.h"
#include "dhcp/ra.h"

struct serve6 {
	struct dhcp6_server dhcp;
	struct ra_router ra;
	struct dhcp6_reply reply;
	struct ip6_view v;
	uint8_t bridge_mac[6];
	struct in6_addr bridge_ll;
	uint64_t rx, not_ours, tx_dhcp6, tx_errors; /* tx_errors: the caller's sends */
	uint64_t dropped_ip6[IP6_PARSE__MAX];
};

/* 0 or -EINVAL (nothing to serve: no global pod address). */
int serve6_configure(struct serve6 *s, const struct dhcp6_config *cfg, const uint8_t bridge_mac[6],
		     const struct in6_addr *bridge_ll, uint32_t seed, uint64_t now);

/*
 * Returns 1 with *out to send, 0 when consumed or dropped (counted).
 * csum_offloaded: see ip6_parse_ex().
 */
int serve6_input(struct serve6 *s, uint64_t now, const uint8_t src_mac[6], const uint8_t *pkt,
		 size_t len, bool csum_offloaded, struct ip6_out *out);

/* Timers (RAs, gateway discovery): 1 with *out to send; *next = when to call again. */
int serve6_output(struct serve6 *s, uint64_t now, struct ip6_out *out, uint64_t *next);

/* Drops of every layer, summed (for the periodic drop summary). */
uint64_t serve6_drops(const struct serve6 *s);
void serve6_log_counters(const struct serve6 *s, const char *msg);

#endif
