/* SPDX-License-Identifier: MIT */
#ifndef DHCP_CONFIG6_H
#define DHCP_CONFIG6_H

/*
 * The IPv6 side of what the server hands out, read from the netsetup state
 * cache (netsetup/STATE-FORMAT.md): the pod's global addresses (DHCPv6
 * IA_NA), whether their prefixes were on-link in the pod, its IPv6 default
 * gateway (the router the RAs speak for) and its other routes via that
 * gateway, MTU, IPv6 nameservers and the search list.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "common/err.h"
#include "dhcp/config.h"

#define DHCP6_MAX_ADDRS	 4
#define DHCP6_MAX_ROUTES 8 /* NDP_MAX_ROUTES */

struct dhcp6_prefix {
	struct in6_addr prefix; /* host bits cleared */
	uint8_t len;
	bool onlink;	 /* the pod had a connected route for it */
	bool autonomous; /* SLAAC with the guest MAC gives the pod address */
};

/* A pod route the RA announces as an RFC 4191 Route Information option. */
struct dhcp6_route {
	struct in6_addr prefix; /* host bits cleared */
	uint8_t len;		/* 1..128 */
	uint8_t pref;		/* RFC 4191 Prf: 0 medium, 1 high, 3 low */
};

struct dhcp6_config {
	bool enabled; /* the pod has a global IPv6 address */
	char bridge[IF_NAMESIZE];
	uint8_t guest_mac[6];
	uint16_t mtu; /* 0: no MTU option */

	struct in6_addr addr[DHCP6_MAX_ADDRS];
	size_t naddr;
	struct dhcp6_prefix pfx[DHCP6_MAX_ADDRS];
	size_t npfx;

	bool has_default;	 /* ::/0 through a gateway */
	struct in6_addr gateway; /* link-local or global next hop */
	bool self_router; /* masquerade: the bridge itself routes (RAs from its link-local) */
	/*
	 * The pod's other main-table unicast IPv6 routes via that same
	 * gateway (not on-link, not ::/0), in cache order; routes_skipped
	 * counts those left out: via another gateway, or past the maximum.
	 */
	struct dhcp6_route route[DHCP6_MAX_ROUTES];
	size_t nroutes, routes_skipped;

	struct in6_addr dns[DHCP_MAX_DNS];
	size_t ndns;
	char search[DHCP_MAX_SEARCH][254];
	size_t nsearch;

	uint32_t lease_time; /* seconds or DHCP6_INFINITY (command line) */
};

/*
 * cfg's cache-derived fields from the state JSON (read with
 * dhcp_cache_read, as for the IPv4 view); 0 or -EINVAL with e saying what
 * is wrong.
 */
int dhcp6_config_from_json(struct dhcp6_config *cfg, const char *text, size_t len, struct err *e);
/*
 * The IPv6 nameserver lines of a resolv.conf (any length) replace cfg's
 * when it has any nameserver line, as dhcp_config_load_resolv() does for
 * IPv4; link-local (zoned) ones are left out.  The search list is the
 * IPv4 side's.  0 or -errno.
 */
int dhcp6_config_load_resolv(struct dhcp6_config *cfg, const char *path);

#endif
