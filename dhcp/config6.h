/* SPDX-License-Identifier: MIT */
#ifndef DHCP_CONFIG6_H
#define DHCP_CONFIG6_H

/*
 * The IPv6 side of what the server hands out, read from the netsetup state
 * cache (netsetup/STATE-FORMAT.md): the pod's global addresses (DHCPv6
 * IA_NA), whether their prefixes were on-link in the pod, its IPv6 default
 * gateway (the router the RAs speak for), MTU, IPv6 nameservers and the
 * search list.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "common/err.h"
#include "dhcp/config.h"

#define DHCP6_MAX_ADDRS 4

struct dhcp6_prefix {
	struct in6_addr prefix;		/* host bits cleared */
	uint8_t len;
	bool onlink;			/* the pod had a connected route for it */
	bool autonomous;		/* SLAAC with the guest MAC gives the pod address */
};

struct dhcp6_config {
	bool enabled;			/* the pod has a global IPv6 address */
	char bridge[IF_NAMESIZE];
	uint8_t guest_mac[6];
	uint16_t mtu;			/* 0: no MTU option */

	struct in6_addr addr[DHCP6_MAX_ADDRS];
	size_t naddr;
	struct dhcp6_prefix pfx[DHCP6_MAX_ADDRS];
	size_t npfx;

	bool has_default;		/* ::/0 through a gateway */
	struct in6_addr gateway;	/* link-local or global next hop */
	bool self_router;		/* masquerade: the bridge itself routes (RAs from its link-local) */

	struct in6_addr dns[DHCP_MAX_DNS];
	size_t ndns;
	char search[DHCP_MAX_SEARCH][254];
	size_t nsearch;

	uint32_t lease_time;		/* seconds or DHCP6_INFINITY (command line) */
};

/*
 * cfg's cache-derived fields from the state JSON (read with
 * dhcp_cache_read, as for the IPv4 view); 0 or -EINVAL with e saying what
 * is wrong.
 */
int dhcp6_config_from_json(struct dhcp6_config *cfg, const char *text, size_t len,
			   struct err *e);
/*
 * The IPv6 nameserver lines of a resolv.conf (any length) replace cfg's
 * when it has any nameserver line, as dhcp_config_load_resolv() does for
 * IPv4; link-local (zoned) ones are left out.  The search list is the
 * IPv4 side's.  0 or -errno.
 */
int dhcp6_config_load_resolv(struct dhcp6_config *cfg, const char *path);

#endif
