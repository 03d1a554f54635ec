/* SPDX-License-Identifier: MIT */
/* A pod as CNI ptp + host-local leaves it (kindnet's shape), for unit tests. */
#ifndef TESTS_UNIT_NETSETUP_POD_FIXTURE_H
#define TESTS_UNIT_NETSETUP_POD_FIXTURE_H

#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "netsetup/netsetup.h"

static inline void fixture_route(struct ns_pod *p, int fam, const char *dst, int prefix,
				 const char *gw, int scope, const char *src, int proto)
{
	struct ns_route *r = &p->routes[p->n_routes++];

	memset(r, 0, sizeof(*r));
	r->family = fam;
	strcpy(r->dst, dst);
	r->prefix = prefix;
	strcpy(r->gateway, gw);
	r->scope = scope;
	strcpy(r->src, src);
	r->protocol = proto;
	r->table = RT_TABLE_MAIN;
	r->type = RTN_UNICAST;
	r->metric = fam == AF_INET6 ? 256 : 0;
}

static inline void fixture_pod(struct ns_pod *p, bool with_ipv4)
{
	const uint8_t mac[6] = { 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };

	memset(p, 0, sizeof(*p));
	strcpy(p->iface, "eth0");
	p->ifindex = 2;
	memcpy(p->mac, mac, 6);
	p->mtu = 1450;
	p->up = true;
	if (with_ipv4) {
		p->addrs[0] = (struct ns_addr){ .family = AF_INET,
						.addr = "10.244.1.2",
						.prefix = 24,
						.scope = RT_SCOPE_UNIVERSE,
						.flags = 0x80,
						.broadcast = "10.244.1.255" };
		p->n_addrs = 1;
		fixture_route(p, AF_INET, "0.0.0.0", 0, "10.244.1.1", RT_SCOPE_UNIVERSE, "",
			      RTPROT_BOOT);
		fixture_route(p, AF_INET, "10.244.1.1", 32, "", RT_SCOPE_LINK, "10.244.1.2",
			      RTPROT_BOOT);
	}
	p->addrs[p->n_addrs++] = (struct ns_addr){ .family = AF_INET6,
						   .addr = "fd00::2",
						   .prefix = 64,
						   .scope = RT_SCOPE_UNIVERSE,
						   .flags = 0x80 };
	fixture_route(p, AF_INET6, "fd00::", 64, "", RT_SCOPE_UNIVERSE, "", RTPROT_KERNEL);
	p->routes[p->n_routes - 1].nh_flags = 4;
	strcpy(p->dns.nameservers[p->dns.n_nameservers++], "10.96.0.10");
	strcpy(p->dns.nameservers[p->dns.n_nameservers++], "fd00::10");
	strcpy(p->dns.search[p->dns.n_search++], "default.svc.cluster.local");
	strcpy(p->dns.options[p->dns.n_options++], "ndots:5");
	strcpy(p->hostname, "vm1");
}

static inline void fixture_opts(struct ns_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->iface = "eth0";
	o->state_dir = "/tmp";
	o->tap_name = "tap0";
	o->resolv_conf = "/etc/resolv.conf";
	o->bridge_addr = "169.254.75.10";
	o->queues = 1;
	o->tap_gid = (gid_t)-1;
}

#endif
