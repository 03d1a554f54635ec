/* SPDX-License-Identifier: MIT */
#ifndef NETSETUP_MASQ_H
#define NETSETUP_MASQ_H

/*
 * The masquerade binding (KubeVirt's "masquerade"): the pod interface stays
 * as the CNI made it; the guest sits on bridge k6t-<iface> in a private
 * subnet (10.0.2.2/24, gateway 10.0.2.1 on the bridge) behind NAT on the
 * pod IP, done by one nftables table of our own.  Included by
 * netsetup/netsetup.h; the pure parts (flag values, plan, the nftables
 * batch) are unit-tested, the I/O (netlink steps, NFNETLINK) is apart.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define NS_MAX_PORTS	       16
#define NS_MASQ_ADDRLEN	       46 /* INET6_ADDRSTRLEN */
#define NS_MASQ_TABLELEN       32 /* "podlaunch-" + IFNAMSIZ fits */
#define NS_DEFAULT_GUEST_CIDR  "10.0.2.0/24"
#define NS_DEFAULT_GUEST_CIDR6 "fd10:0:2::/120"

enum ns_binding_kind { NS_BINDING_BRIDGE, NS_BINDING_MASQUERADE };

/* One --ports entry: proto is IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP. */
struct ns_port_range {
	uint8_t proto;
	uint16_t lo, hi;
};

/* The guest side of one family: guest = network + 2, gateway = network + 1. */
struct ns_masq_net {
	char guest[NS_MASQ_ADDRLEN];
	char gateway[NS_MASQ_ADDRLEN];
	int prefix;
	char pod[NS_MASQ_ADDRLEN]; /* the pod address NAT'ed to the guest */
};

struct ns_masq {
	char table[NS_MASQ_TABLELEN]; /* nftables table, family inet */
	struct ns_masq_net v4;
	bool ipv6; /* v6 is served (pod has IPv6 and forwarding is on) */
	struct ns_masq_net v6;
	struct ns_port_range ports[NS_MAX_PORTS];
	int n_ports; /* 0: every TCP, UDP and SCTP port */
};

/* Flag values as parsed (netsetup/masq_opts.c). */
struct ns_masq_opts {
	struct in_addr net4;
	int prefix4;
	struct in6_addr net6;
	int prefix6;
	struct ns_port_range ports[NS_MAX_PORTS];
	int n_ports;
};

/* "bridge" | "masquerade"; -EINVAL otherwise. */
int ns_binding_kind_parse(const char *s, enum ns_binding_kind *out);
const char *ns_binding_kind_name(enum ns_binding_kind k);
/* IPv4 network A.B.C.D/P, host bits zero, P 1..30 (room for .1 and .2). */
int ns_cidr4_parse(const char *s, struct in_addr *net, int *prefix);
/* IPv6 network, host bits zero, prefix 1..126. */
int ns_cidr6_parse(const char *s, struct in6_addr *net, int *prefix);
/* PROTO:PORT[-PORT],... with PROTO tcp|udp|sctp, 1 <= PORT <= 65535. */
int ns_ports_parse(const char *s, struct ns_port_range *out, int max, int *n);
const char *ns_proto_name(uint8_t proto);
int ns_proto_parse(const char *s, uint8_t *proto);

#endif
