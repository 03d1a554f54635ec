// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <time.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include "netsetup/nl.h"

/* The inverse of libnl's nl_syserr2nlerr(), for the codes the steps care about. */
static int nlerr(int e)
{
	switch (e < 0 ? -e : e) {
	case 0: return 0;
	case NLE_EXIST: return -EEXIST;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NODEV: return -ENODEV;
	case NLE_INVAL: return -EINVAL;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_BUSY: return -EBUSY;
	case NLE_RANGE: return -ERANGE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_INTR: return -EINTR;
	default: return -EIO;
	}
}

int nsnl_open(struct nl_sock **out)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err) {
		nl_socket_free(sk);
		return nlerr(err);
	}
	*out = sk;
	return 0;
}

void nsnl_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

int nsnl_link_get(struct nl_sock *sk, int ifindex, const char *name, struct nsnl_link *out)
{
	struct rtnl_link *l = NULL;
	struct nl_addr *a;
	const char *kind;
	int err;

	err = rtnl_link_get_kernel(sk, ifindex > 0 ? ifindex : 0, ifindex > 0 ? NULL : name, &l);
	if (err)
		return err == -NLE_OBJ_NOTFOUND ? -ENODEV : nlerr(err);
	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	snprintf(out->name, IFNAMSIZ, "%s", rtnl_link_get_name(l));
	a = rtnl_link_get_addr(l);
	if (a && nl_addr_get_len(a) == 6)
		memcpy(out->mac, nl_addr_get_binary_addr(a), 6);
	out->mtu = rtnl_link_get_mtu(l);
	out->up = rtnl_link_get_flags(l) & IFF_UP;
	out->master = rtnl_link_get_master(l);
	kind = rtnl_link_get_type(l);
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	rtnl_link_put(l);
	return 0;
}

int nsnl_link_set(struct nl_sock *sk, int ifindex, const char *name, const uint8_t *mac,
		  int mtu, int up, int master)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *chg = rtnl_link_alloc();
	struct nl_addr *a = NULL;
	int err = -ENOMEM;

	if (!orig || !chg)
		goto out;
	rtnl_link_set_ifindex(orig, ifindex);
	if (name)
		rtnl_link_set_name(chg, name);
	if (mac) {
		a = nl_addr_build(AF_LLC, mac, 6);
		if (!a)
			goto out;
		rtnl_link_set_addr(chg, a);
	}
	if (mtu != NSNL_KEEP)
		rtnl_link_set_mtu(chg, mtu);
	if (up == 1)
		rtnl_link_set_flags(chg, IFF_UP);
	else if (up == 0)
		rtnl_link_unset_flags(chg, IFF_UP);
	if (master != NSNL_KEEP)
		rtnl_link_set_master(chg, master);
	err = nlerr(rtnl_link_change(sk, orig, chg, 0));
	if (err == -ENOENT)
		err = -ENODEV;
out:
	if (a)
		nl_addr_put(a);
	rtnl_link_put(orig);
	rtnl_link_put(chg);
	return err;
}

int nsnl_inet_conf_set(struct nl_sock *sk, int ifindex, const struct nsnl_devconf *conf, int n)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *chg = rtnl_link_alloc();
	int err = -ENOMEM;

	if (!orig || !chg)
		goto out;
	rtnl_link_set_ifindex(orig, ifindex);
	for (int i = 0; i < n; i++) {
		err = nlerr(rtnl_link_inet_set_conf(chg, conf[i].id, conf[i].value));
		if (err)
			goto out;
	}
	err = nlerr(rtnl_link_change(sk, orig, chg, 0));
	if (err == -ENOENT)
		err = -ENODEV;
out:
	rtnl_link_put(orig);
	rtnl_link_put(chg);
	return err;
}

int nsnl_inet_conf_get(struct nl_sock *sk, int ifindex, int id, uint32_t *value)
{
	struct rtnl_link *l = NULL;
	int err = nlerr(rtnl_link_get_kernel(sk, ifindex, NULL, &l));

	if (err == -ENOENT)
		return -ENODEV;
	if (err)
		return err;
	err = nlerr(rtnl_link_inet_get_conf(l, id, value));
	rtnl_link_put(l);
	return err;
}

int nsnl_link_add(struct nl_sock *sk, const char *name, const char *kind,
		  const uint8_t *mac, int mtu)
{
	struct rtnl_link *l = rtnl_link_alloc();
	struct nl_addr *a = NULL;
	int err = -ENOMEM;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_name(l, name);
	err = rtnl_link_set_type(l, kind);
	if (err) {
		err = nlerr(err);
		goto out;
	}
	if (mac) {
		a = nl_addr_build(AF_LLC, mac, 6);
		if (!a) {
			err = -ENOMEM;
			goto out;
		}
		rtnl_link_set_addr(l, a);
	}
	if (mtu > 0)
		rtnl_link_set_mtu(l, mtu);
	err = nlerr(rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL));
out:
	if (a)
		nl_addr_put(a);
	rtnl_link_put(l);
	return err;
}

int nsnl_link_del(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int err;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_ifindex(l, ifindex);
	err = nlerr(rtnl_link_delete(sk, l));
	rtnl_link_put(l);
	return err == -ENOENT ? -ENODEV : err;
}

static void addr_str(struct nl_addr *a, int family, char *out, size_t len)
{
	uint8_t zero[16] = { 0 };
	const void *bin = a && nl_addr_get_len(a) ? nl_addr_get_binary_addr(a) : zero;

	if (!inet_ntop(family, bin, out, len))
		out[0] = '\0';
}

static int addr_build(const char *s, int family, int prefix, struct nl_addr **out)
{
	int err = nl_addr_parse(s, family, out);

	if (err)
		return nlerr(err);
	nl_addr_set_prefixlen(*out, prefix);
	return 0;
}

int nsnl_addr_list(struct nl_sock *sk, int ifindex, struct ns_addr *out, int max, int *n)
{
	struct nl_cache *cache;
	struct nl_object *o;
	int err = rtnl_addr_alloc_cache(sk, &cache);

	if (err)
		return nlerr(err);
	*n = 0;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		struct ns_addr *a;
		int fam = rtnl_addr_get_family(ra);

		if (rtnl_addr_get_ifindex(ra) != ifindex || (fam != AF_INET && fam != AF_INET6))
			continue;
		if (*n >= max) {
			err = -E2BIG;
			break;
		}
		a = &out[(*n)++];
		memset(a, 0, sizeof(*a));
		a->family = fam;
		addr_str(rtnl_addr_get_local(ra), fam, a->addr, sizeof(a->addr));
		a->prefix = rtnl_addr_get_prefixlen(ra);
		a->scope = rtnl_addr_get_scope(ra);
		a->flags = rtnl_addr_get_flags(ra);
		if (fam == AF_INET && rtnl_addr_get_broadcast(ra))
			addr_str(rtnl_addr_get_broadcast(ra), fam, a->broadcast, sizeof(a->broadcast));
	}
	nl_cache_free(cache);
	return err;
}

static int addr_obj(int ifindex, const struct ns_addr *a, bool full, struct rtnl_addr **out)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *l = NULL, *b = NULL;
	int err;

	if (!ra)
		return -ENOMEM;
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, a->family);
	err = addr_build(a->addr, a->family, a->prefix, &l);
	if (err)
		goto fail;
	rtnl_addr_set_local(ra, l);
	rtnl_addr_set_prefixlen(ra, a->prefix);
	if (full) {
		/* Only the flags a caller may set (the rest is kernel state). */
		rtnl_addr_set_flags(ra, a->flags & (IFA_F_NODAD | IFA_F_NOPREFIXROUTE |
						     IFA_F_MANAGETEMPADDR | IFA_F_HOMEADDRESS |
						     IFA_F_MCAUTOJOIN));
		rtnl_addr_set_scope(ra, a->scope);
		if (a->broadcast[0]) {
			err = addr_build(a->broadcast, AF_INET, 32, &b);
			if (err)
				goto fail;
			rtnl_addr_set_broadcast(ra, b);
		}
	}
	*out = ra;
	err = 0;
	goto out;
fail:
	rtnl_addr_put(ra);
out:
	if (l)
		nl_addr_put(l);
	if (b)
		nl_addr_put(b);
	return err;
}

int nsnl_addr_add(struct nl_sock *sk, int ifindex, const struct ns_addr *a)
{
	struct rtnl_addr *ra;
	int err = addr_obj(ifindex, a, true, &ra);

	if (err)
		return err;
	err = nlerr(rtnl_addr_add(sk, ra, NLM_F_EXCL));
	rtnl_addr_put(ra);
	return err;
}

int nsnl_addr_del(struct nl_sock *sk, int ifindex, const struct ns_addr *a)
{
	struct rtnl_addr *ra;
	int err = addr_obj(ifindex, a, false, &ra);

	if (err)
		return err;
	err = nlerr(rtnl_addr_delete(sk, ra, 0));
	rtnl_addr_put(ra);
	return err;
}

int nsnl_route_list(struct nl_sock *sk, int ifindex, struct ns_route *out, int max, int *n)
{
	struct nl_cache *cache;
	struct nl_object *o;
	int err = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache);

	if (err)
		return nlerr(err);
	*n = 0;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rr = (struct rtnl_route *)o;
		struct rtnl_nexthop *nh;
		struct ns_route *r;
		int fam = rtnl_route_get_family(rr);

		if (rtnl_route_get_table(rr) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(rr) != RTN_UNICAST ||
		    (fam != AF_INET && fam != AF_INET6) || rtnl_route_get_nnexthops(rr) != 1)
			continue;
		nh = rtnl_route_nexthop_n(rr, 0);
		if (rtnl_route_nh_get_ifindex(nh) != ifindex)
			continue;
		if (*n >= max) {
			err = -E2BIG;
			break;
		}
		r = &out[(*n)++];
		memset(r, 0, sizeof(*r));
		r->family = fam;
		addr_str(rtnl_route_get_dst(rr), fam, r->dst, sizeof(r->dst));
		r->prefix = rtnl_route_get_dst(rr) ? nl_addr_get_prefixlen(rtnl_route_get_dst(rr)) : 0;
		if (rtnl_route_nh_get_gateway(nh))
			addr_str(rtnl_route_nh_get_gateway(nh), fam, r->gateway, sizeof(r->gateway));
		if (rtnl_route_get_pref_src(rr))
			addr_str(rtnl_route_get_pref_src(rr), fam, r->src, sizeof(r->src));
		r->scope = rtnl_route_get_scope(rr);
		r->metric = rtnl_route_get_priority(rr);
		r->protocol = rtnl_route_get_protocol(rr);
		r->table = rtnl_route_get_table(rr);
		r->type = rtnl_route_get_type(rr);
		r->tos = rtnl_route_get_tos(rr);
		/* onlink is configuration; linkdown/dead are state. */
		r->nh_flags = rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK;
	}
	nl_cache_free(cache);
	return err;
}

static int route_obj(int ifindex, const struct ns_route *r, struct rtnl_route **out)
{
	struct rtnl_route *rr = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *a = NULL;
	int err = -ENOMEM;

	if (!rr || !nh)
		goto fail;
	rtnl_route_set_family(rr, r->family);
	rtnl_route_set_table(rr, r->table);
	rtnl_route_set_type(rr, r->type);
	rtnl_route_set_scope(rr, r->scope);
	rtnl_route_set_protocol(rr, r->protocol);
	rtnl_route_set_priority(rr, r->metric);
	rtnl_route_set_tos(rr, r->tos);
	err = addr_build(r->dst, r->family, r->prefix, &a);
	if (err)
		goto fail;
	rtnl_route_set_dst(rr, a);
	nl_addr_put(a);
	if (r->src[0]) {
		err = addr_build(r->src, r->family, r->family == AF_INET ? 32 : 128, &a);
		if (err)
			goto fail;
		rtnl_route_set_pref_src(rr, a);
		nl_addr_put(a);
	}
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (r->gateway[0]) {
		err = addr_build(r->gateway, r->family, r->family == AF_INET ? 32 : 128, &a);
		if (err)
			goto fail;
		rtnl_route_nh_set_gateway(nh, a);
		nl_addr_put(a);
	}
	if (r->nh_flags)
		rtnl_route_nh_set_flags(nh, r->nh_flags);
	rtnl_route_add_nexthop(rr, nh);
	*out = rr;
	return 0;
fail:
	if (nh)
		rtnl_route_nh_free(nh);
	if (rr)
		rtnl_route_put(rr);
	return err;
}

int nsnl_route_add(struct nl_sock *sk, int ifindex, const struct ns_route *r)
{
	struct rtnl_route *rr;
	int err = route_obj(ifindex, r, &rr);

	if (err)
		return err;
	err = nlerr(rtnl_route_add(sk, rr, NLM_F_EXCL));
	rtnl_route_put(rr);
	return err;
}

int nsnl_route_del(struct nl_sock *sk, int ifindex, const struct ns_route *r)
{
	struct rtnl_route *rr;
	int err = route_obj(ifindex, r, &rr);

	if (err)
		return err;
	err = nlerr(rtnl_route_delete(sk, rr, 0));
	rtnl_route_put(rr);
	return err;
}

int nsnl_link_set_group(struct nl_sock *sk, int ifindex, uint32_t group)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *chg = rtnl_link_alloc();
	int err = -ENOMEM;

	if (orig && chg) {
		rtnl_link_set_ifindex(orig, ifindex);
		rtnl_link_set_group(chg, group);
		err = nlerr(rtnl_link_change(sk, orig, chg, 0));
	}
	rtnl_link_put(orig);
	rtnl_link_put(chg);
	return err;
}

int nsnl_group_members(struct nl_sock *sk, uint32_t group, const int *ours, int nours,
		       int *foreign)
{
	struct nl_cache *cache;
	struct nl_object *o;
	int err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache), n = 0;

	if (err)
		return nlerr(err);
	*foreign = 0;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		bool mine = false;

		if (rtnl_link_get_group(l) != group)
			continue;
		n++;
		for (int i = 0; i < nours; i++)
			mine |= ours[i] == rtnl_link_get_ifindex(l);
		*foreign += !mine;
	}
	nl_cache_free(cache);
	return n;
}

static int mnl_request(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	unsigned int portid;
	int ret;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, portid, NULL, NULL) < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return ret;
}

/*
 * Deleting links one by one costs an RCU grace period each in the kernel's
 * unregister path; RTM_DELLINK by IFLA_GROUP unregisters them as one batch
 * (rtnl_group_dellink).  libnl cannot build a delete without a name or index.
 */
int nsnl_group_del(uint32_t group)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return mnl_request(nlh);
}

/*
 * libnl-route 3.7 sets bridge port flags only through AF_BRIDGE setlink
 * objects it cannot build for an existing port, so this one request goes
 * out through libmnl, the way `ip link set X type bridge_slave learning off`
 * sends it.
 */
int nsnl_port_learning(int ifindex, bool on)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	struct nlattr *info, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_SLAVE_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_SLAVE_DATA);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_LEARNING, on);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return mnl_request(nlh);
}
