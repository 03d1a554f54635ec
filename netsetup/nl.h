/* SPDX-License-Identifier: MIT */
#ifndef NETSETUP_NL_H
#define NETSETUP_NL_H

/*
 * Thin netlink wrappers for netsetup's steps (libnl-route-3; libmnl for
 * bridge port flags, which libnl cannot change on an enslaved port).  All
 * return 0 or a negative errno, so undo code can tell "already gone" apart.
 */

#include <stdbool.h>
#include <stdint.h>

#include "netsetup/netsetup.h"

struct nl_sock;

struct nsnl_link {
	int ifindex;
	char name[IFNAMSIZ];
	uint8_t mac[6];
	int mtu;
	bool up;
	int master;
	char kind[16];
};

int nsnl_open(struct nl_sock **sk);
void nsnl_close(struct nl_sock *sk);

/* By ifindex (>0) or else by name; -ENODEV when absent. */
int nsnl_link_get(struct nl_sock *sk, int ifindex, const char *name, struct nsnl_link *out);

#define NSNL_KEEP (-1)
/* Change what is given: name/mac NULL and mtu/up/master NSNL_KEEP leave it. */
int nsnl_link_set(struct nl_sock *sk, int ifindex, const char *name, const uint8_t *mac, int mtu,
		  int up, int master);
int nsnl_link_add(struct nl_sock *sk, const char *name, const char *kind, const uint8_t *mac,
		  int mtu);
int nsnl_link_del(struct nl_sock *sk, int ifindex);

/*
 * Addresses and routes go through libmnl: libnl-route 3.7 cannot carry
 * IFA_RT_PRIORITY, IFA_PROTO, RTA_PREF or the lifetimes back, and a restore
 * must give back every attribute the kernel reported.
 */
int nsnl_addr_list(struct nl_sock *sk, int ifindex, struct ns_addr *out, int max, int *n);
/* With the remaining lifetimes (-ETIME: expired since it was read). */
int nsnl_addr_add(struct nl_sock *sk, int ifindex, const struct ns_addr *a);
int nsnl_addr_del(struct nl_sock *sk, int ifindex, const struct ns_addr *a);

/*
 * Routes of every table but local with a next hop through ifindex, any
 * type; -EOPNOTSUPP for one that cannot be restored exactly (nexthop
 * objects, encapsulation), e (may be NULL) naming it and saying why.
 * With skipped non-NULL such routes are left out and counted there
 * instead (e naming the first).
 */
int nsnl_route_list(struct nl_sock *sk, int ifindex, struct ns_route *out, int max, int *n,
		    int *skipped, struct err *e);
int nsnl_route_add(struct nl_sock *sk, int ifindex, const struct ns_route *r);
int nsnl_route_del(struct nl_sock *sk, int ifindex, const struct ns_route *r);

/* CLOCK_BOOTTIME in seconds: what address lifetimes are measured against. */
int64_t nsnl_boottime(void);

/* netsetup/rtmsg.c: the messages themselves (pure, unit-tested). */
struct nlmsghdr;
int nsnl_addr_msg(void *buf, uint16_t type, uint16_t flags, int ifindex, const struct ns_addr *a,
		  int64_t now, struct nlmsghdr **out);
/* 1: a is filled; 0: another interface or family; -EINVAL: malformed. */
int nsnl_addr_parse(const struct nlmsghdr *nlh, int ifindex, int64_t now, struct ns_addr *a);
int nsnl_route_msg(void *buf, uint16_t type, uint16_t flags, int ifindex, const struct ns_route *r,
		   struct nlmsghdr **out);
/*
 * 1: r is filled; 0: not through ifindex, local table, cloned; <0: see
 * above (-EOPNOTSUPP with e, which may be NULL, naming the route and why).
 */
struct err;
int nsnl_route_parse(const struct nlmsghdr *nlh, int ifindex, struct ns_route *r, struct err *e);

/* Put a link in a link group (IFLA_GROUP). */
int nsnl_link_set_group(struct nl_sock *sk, int ifindex, uint32_t group);
/* Number of links in group; *foreign counts those not in ours[]. */
int nsnl_group_members(struct nl_sock *sk, uint32_t group, const int *ours, int nours,
		       int *foreign);
/* Delete every link of a group in one request (libmnl). */
int nsnl_group_del(uint32_t group);

/*
 * Per-device IPv4 settings (IPV4_DEVCONF_* ids from linux/ip.h, what
 * /proc/sys/net/ipv4/conf/<dev>/ shows) over rtnetlink: IFLA_AF_SPEC ->
 * AF_INET -> IFLA_INET_CONF.  Needs only CAP_NET_ADMIN, so it works where
 * /proc/sys is mounted read-only (containerd, runc).
 */
struct nsnl_devconf {
	int id;
	uint32_t value;
};
int nsnl_inet_conf_set(struct nl_sock *sk, int ifindex, const struct nsnl_devconf *conf, int n);
/* Read one of them back (RTM_GETLINK); -ENODEV when the link is absent. */
int nsnl_inet_conf_get(struct nl_sock *sk, int ifindex, int id, uint32_t *value);

/* IFLA_BRPORT_LEARNING on a bridge port (libmnl). */
int nsnl_port_learning(int ifindex, bool on);

#endif
