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
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>

#include "netsetup/nl.h"

/* The inverse of libnl's nl_syserr2nlerr(), for the codes the steps care
 * about: a table of one line a case, which clang-format would split. */
/* clang-format off */
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
/* clang-format on */

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

/* RTM_NEWLINK for ifindex with what chg sets (links, devconf, groups alike). */
static int link_change(struct nl_sock *sk, int ifindex, struct rtnl_link *chg)
{
	struct rtnl_link *orig = rtnl_link_alloc();
	int err;

	if (!orig)
		return -ENOMEM;
	rtnl_link_set_ifindex(orig, ifindex);
	err = nlerr(rtnl_link_change(sk, orig, chg, 0));
	rtnl_link_put(orig);
	return err == -ENOENT ? -ENODEV : err;
}

int nsnl_link_set(struct nl_sock *sk, int ifindex, const char *name, const uint8_t *mac, int mtu,
		  int up, int master)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	struct nl_addr *a = NULL;
	int err = -ENOMEM;

	if (!chg)
		return -ENOMEM;
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
	err = link_change(sk, ifindex, chg);
out:
	if (a)
		nl_addr_put(a);
	rtnl_link_put(chg);
	return err;
}

int nsnl_inet_conf_set(struct nl_sock *sk, int ifindex, const struct nsnl_devconf *conf, int n)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	int err = 0;

	if (!chg)
		return -ENOMEM;
	for (int i = 0; i < n && !err; i++)
		err = nlerr(rtnl_link_inet_set_conf(chg, conf[i].id, conf[i].value));
	if (!err)
		err = link_change(sk, ifindex, chg);
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

int nsnl_link_add(struct nl_sock *sk, const char *name, const char *kind, const uint8_t *mac,
		  int mtu)
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

int64_t nsnl_boottime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec;
}

static int mnl_request(struct nlmsghdr *nlh);

struct dump_ctx {
	int ifindex, max, *n, err;
	int64_t now;
	struct ns_addr *addrs;
	struct ns_route *routes;
	struct err *e; /* what a refused route was */
	int *skipped;  /* non-NULL: refused routes counted, not fatal */
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	int ret;

	if (d->err)
		return MNL_CB_OK; /* read on to the end of the dump */
	if (*d->n >= d->max) {
		/* Only counted if it is ours. */
		struct ns_addr a;
		struct ns_route r;

		ret = d->addrs ? nsnl_addr_parse(nlh, d->ifindex, d->now, &a) :
				 nsnl_route_parse(nlh, d->ifindex, &r, d->e);
		d->err = ret > 0 ? -E2BIG : ret;
		return MNL_CB_OK;
	}
	ret = d->addrs ? nsnl_addr_parse(nlh, d->ifindex, d->now, &d->addrs[*d->n]) :
			 nsnl_route_parse(nlh, d->ifindex, &d->routes[*d->n],
					  d->skipped && *d->skipped ? NULL : d->e);
	if (ret == -EOPNOTSUPP && d->skipped)
		++*d->skipped;
	else if (ret < 0)
		d->err = ret;
	else
		*d->n += ret;
	return MNL_CB_OK;
}

static int mnl_dump(struct nlmsghdr *req, struct dump_ctx *d)
{
	static char buf[32768]; /* MNL_SOCKET_DUMP_SIZE in newer libmnl */
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	unsigned int portid;
	int ret;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, ret, req->nlmsg_seq, portid, dump_cb, d);
		if (ret <= MNL_CB_STOP) {
			ret = ret < 0 ? -errno : 0;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return ret ?: d->err;
}

static struct nlmsghdr *dump_req(char *buf, uint16_t type, size_t hdrlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = time(NULL);
	mnl_nlmsg_put_extra_header(nlh, hdrlen); /* zeroed: AF_UNSPEC, every table */
	return nlh;
}

int nsnl_addr_list(struct nl_sock *sk, int ifindex, struct ns_addr *out, int max, int *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx d = {
		.ifindex = ifindex, .max = max, .n = n, .now = nsnl_boottime(), .addrs = out
	};

	*n = 0;
	return mnl_dump(dump_req(buf, RTM_GETADDR, sizeof(struct ifaddrmsg)), &d);
}

static int addr_req(uint16_t type, uint16_t flags, int ifindex, const struct ns_addr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int ret = nsnl_addr_msg(buf, type, flags, ifindex, a, nsnl_boottime(), &nlh);

	if (ret)
		return ret;
	nlh->nlmsg_seq = time(NULL);
	return mnl_request(nlh);
}

int nsnl_addr_add(struct nl_sock *sk, int ifindex, const struct ns_addr *a)
{
	return addr_req(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, a);
}

int nsnl_addr_del(struct nl_sock *sk, int ifindex, const struct ns_addr *a)
{
	return addr_req(RTM_DELADDR, 0, ifindex, a);
}

int nsnl_route_list(struct nl_sock *sk, int ifindex, struct ns_route *out, int max, int *n,
		    int *skipped, struct err *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx d = {
		.ifindex = ifindex, .max = max, .n = n, .routes = out, .e = e, .skipped = skipped
	};

	*n = 0;
	if (skipped)
		*skipped = 0;
	return mnl_dump(dump_req(buf, RTM_GETROUTE, sizeof(struct rtmsg)), &d);
}

static int route_req(uint16_t type, uint16_t flags, int ifindex, const struct ns_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int ret = nsnl_route_msg(buf, type, flags, ifindex, r, &nlh);

	if (ret)
		return ret;
	nlh->nlmsg_seq = time(NULL);
	return mnl_request(nlh);
}

int nsnl_route_add(struct nl_sock *sk, int ifindex, const struct ns_route *r)
{
	return route_req(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, ifindex, r);
}

int nsnl_route_del(struct nl_sock *sk, int ifindex, const struct ns_route *r)
{
	return route_req(RTM_DELROUTE, 0, ifindex, r);
}

int nsnl_link_set_group(struct nl_sock *sk, int ifindex, uint32_t group)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	int err;

	if (!chg)
		return -ENOMEM;
	rtnl_link_set_group(chg, group);
	err = link_change(sk, ifindex, chg);
	rtnl_link_put(chg);
	return err;
}

int nsnl_group_members(struct nl_sock *sk, uint32_t group, const int *ours, int nours, int *foreign)
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
