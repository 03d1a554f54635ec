// SPDX-License-Identifier: MIT
/*
 * rtnetlink address and route messages to and from struct ns_addr /
 * ns_route, with every attribute the kernel reports that a re-add can
 * give back (pure: builds and reads buffers, no socket; unit-tested).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "common/err.h"
#include "common/util.h"
#include "netsetup/nl.h"

/* The IFA_F_* a caller may set; the rest is the kernel's state. */
#define ADDR_SETTABLE                                                                  \
	(IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR | \
	 IFA_F_HOMEADDRESS | IFA_F_MCAUTOJOIN)

static int alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int put_addr(struct nlmsghdr *nlh, uint16_t type, int family, const char *s)
{
	uint8_t bin[16];

	if (inet_pton(family, s, bin) != 1)
		return -EINVAL;
	mnl_attr_put(nlh, type, alen(family), bin);
	return 0;
}

static int get_addr(const struct nlattr *a, int family, char *out, size_t len)
{
	if (!a || mnl_attr_get_payload_len(a) != (uint16_t)alen(family) ||
	    !inet_ntop(family, mnl_attr_get_payload(a), out, len))
		return -EINVAL;
	return 0;
}

/*
 * A next hop: RTA_GATEWAY in the route's family, or RTA_VIA (struct
 * rtvia: family, then the address) for an IPv4 route via an IPv6 next
 * hop (RFC 5549; the kernel reports it so and takes it back so).
 */
static int put_gw(struct nlmsghdr *nlh, int family, int gw_family, const char *s)
{
	uint8_t buf[sizeof(struct rtvia) + 16];
	struct rtvia *via = (struct rtvia *)buf;

	if (!gw_family || gw_family == family)
		return put_addr(nlh, RTA_GATEWAY, family, s);
	if (family != AF_INET || gw_family != AF_INET6 ||
	    inet_pton(AF_INET6, s, via->rtvia_addr) != 1)
		return -EINVAL;
	via->rtvia_family = AF_INET6;
	mnl_attr_put(nlh, RTA_VIA, sizeof(*via) + 16, buf);
	return 0;
}

/* RTA_VIA as put_gw writes it: 0 and the address, or -EOPNOTSUPP for another kind. */
static int get_via(const struct nlattr *a, int family, char *out, size_t len, int *gw_family)
{
	const struct rtvia *via = mnl_attr_get_payload(a);

	if (mnl_attr_get_payload_len(a) < sizeof(*via))
		return -EINVAL;
	if (family != AF_INET || via->rtvia_family != AF_INET6)
		return -EOPNOTSUPP;
	if (mnl_attr_get_payload_len(a) != sizeof(*via) + 16 ||
	    !inet_ntop(AF_INET6, via->rtvia_addr, out, len))
		return -EINVAL;
	*gw_family = AF_INET6;
	return 0;
}

struct attrs {
	const struct nlattr *tb[RTA_MAX + IFA_MAX + 2];
	int max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	int type = mnl_attr_get_type(a);

	if (type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static bool u32_ok(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4;
}

/* ---- addresses ---- */

int nsnl_addr_msg(void *buf, uint16_t type, uint16_t flags, int ifindex, const struct ns_addr *a,
		  int64_t now, struct nlmsghdr **out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int ret;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefix;
	ifa->ifa_index = ifindex;
	ret = put_addr(nlh, IFA_LOCAL, a->family, a->addr) ?:
		      put_addr(nlh, IFA_ADDRESS, a->family, a->peer[0] ? a->peer : a->addr);
	if (ret)
		return ret;
	if (type == RTM_NEWADDR) {
		uint32_t valid, pref;

		ret = ns_addr_lifetimes(a, now, &valid, &pref);
		if (ret)
			return ret;
		ifa->ifa_flags = a->flags & ADDR_SETTABLE & 0xff;
		ifa->ifa_scope = a->scope;
		mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags & ADDR_SETTABLE);
		if (a->family == AF_INET && a->broadcast[0] &&
		    (ret = put_addr(nlh, IFA_BROADCAST, AF_INET, a->broadcast)))
			return ret;
		if (a->family == AF_INET && a->label[0])
			mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
		if (valid != NS_LFT_FOREVER || pref != NS_LFT_FOREVER) {
			struct ifa_cacheinfo ci = { .ifa_prefered = pref, .ifa_valid = valid };

			mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
		}
		if (a->metric)
			mnl_attr_put_u32(nlh, IFA_RT_PRIORITY, a->metric);
		if (a->proto)
			mnl_attr_put_u8(nlh, IFA_PROTO, a->proto);
	}
	*out = nlh;
	return 0;
}

int nsnl_addr_parse(const struct nlmsghdr *nlh, int ifindex, int64_t now, struct ns_addr *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct attrs t = { .max = IFA_MAX };
	const struct nlattr *local, *address;

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -EINVAL;
	if ((ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    (int)ifa->ifa_index != ifindex)
		return 0;
	if (mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &t) < 0)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->family = ifa->ifa_family;
	a->prefix = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	address = t.tb[IFA_ADDRESS];
	local = t.tb[IFA_LOCAL] ? t.tb[IFA_LOCAL] : address;
	if (get_addr(local, a->family, a->addr, sizeof(a->addr)))
		return -EINVAL;
	if (address && local != address &&
	    memcmp(mnl_attr_get_payload(address), mnl_attr_get_payload(local), alen(a->family)) &&
	    get_addr(address, a->family, a->peer, sizeof(a->peer)))
		return -EINVAL;
	a->flags = u32_ok(t.tb[IFA_FLAGS]) ? mnl_attr_get_u32(t.tb[IFA_FLAGS]) : ifa->ifa_flags;
	if (a->family == AF_INET && t.tb[IFA_BROADCAST] &&
	    get_addr(t.tb[IFA_BROADCAST], AF_INET, a->broadcast, sizeof(a->broadcast)))
		return -EINVAL;
	if (t.tb[IFA_LABEL])
		snprintf(a->label, sizeof(a->label), "%.*s",
			 (int)strnlen(mnl_attr_get_payload(t.tb[IFA_LABEL]),
				      mnl_attr_get_payload_len(t.tb[IFA_LABEL])),
			 (const char *)mnl_attr_get_payload(t.tb[IFA_LABEL]));
	a->valid_lft = a->preferred_lft = NS_LFT_FOREVER;
	if (t.tb[IFA_CACHEINFO] &&
	    mnl_attr_get_payload_len(t.tb[IFA_CACHEINFO]) >= sizeof(struct ifa_cacheinfo)) {
		const struct ifa_cacheinfo *ci = mnl_attr_get_payload(t.tb[IFA_CACHEINFO]);

		a->valid_lft = ci->ifa_valid;
		a->preferred_lft = ci->ifa_prefered;
	}
	a->lft_at = now;
	if (u32_ok(t.tb[IFA_RT_PRIORITY]))
		a->metric = mnl_attr_get_u32(t.tb[IFA_RT_PRIORITY]);
	if (t.tb[IFA_PROTO] && mnl_attr_get_payload_len(t.tb[IFA_PROTO]) >= 1)
		a->proto = mnl_attr_get_u8(t.tb[IFA_PROTO]);
	return 1;
}

/* ---- routes ---- */

int nsnl_route_msg(void *buf, uint16_t type, uint16_t flags, int ifindex, const struct ns_route *r,
		   struct nlmsghdr **out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int ret = 0;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = r->family;
	rtm->rtm_dst_len = r->prefix;
	rtm->rtm_src_len = r->from[0] ? r->from_prefix : 0;
	rtm->rtm_tos = r->tos;
	rtm->rtm_table = r->table < 256 ? r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = r->scope;
	rtm->rtm_type = r->type;
	rtm->rtm_flags = r->n_nexthops ? 0 : (r->nh_flags & RTNH_F_ONLINK);
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	ret = put_addr(nlh, RTA_DST, r->family, r->dst);
	if (!ret && r->from[0])
		ret = put_addr(nlh, RTA_SRC, r->family, r->from);
	if (!ret && r->src[0])
		ret = put_addr(nlh, RTA_PREFSRC, r->family, r->src);
	if (ret)
		return ret;
	/* Always: an IPv6 route given priority 0 would get 1024. */
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->realms)
		mnl_attr_put_u32(nlh, RTA_FLOW, r->realms);
	if (r->family == AF_INET6 && type == RTM_NEWROUTE)
		mnl_attr_put_u8(nlh, RTA_PREF, r->pref);
	if (r->metrics_mask || r->cc_algo[0]) {
		struct nlattr *m = mnl_attr_nest_start(nlh, RTA_METRICS);

		for (int i = 1; i < NS_MAX_METRICS; i++)
			if (i != RTAX_CC_ALGO && (r->metrics_mask & BIT(i)))
				mnl_attr_put_u32(nlh, i, r->metrics[i]);
		if (r->cc_algo[0])
			mnl_attr_put_strz(nlh, RTAX_CC_ALGO, r->cc_algo);
		mnl_attr_nest_end(nlh, m);
	}
	if (!r->n_nexthops) {
		mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
		if (r->gateway[0])
			ret = put_gw(nlh, r->family, r->gw_family, r->gateway);
	} else {
		struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

		for (int i = 0; !ret && i < r->n_nexthops; i++) {
			const struct ns_nexthop *nh = &r->nexthops[i];
			struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);

			nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
			memset(rtnh, 0, sizeof(*rtnh));
			rtnh->rtnh_flags = nh->flags & RTNH_F_ONLINK;
			rtnh->rtnh_hops = nh->weight > 0 ? nh->weight - 1 : 0;
			rtnh->rtnh_ifindex = nh->ifindex;
			if (nh->gateway[0])
				ret = put_gw(nlh, r->family, nh->gw_family, nh->gateway);
			rtnh->rtnh_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)rtnh;
		}
		mnl_attr_nest_end(nlh, mp);
	}
	if (ret)
		return ret;
	*out = nlh;
	return 0;
}

static int parse_metrics(const struct nlattr *nest, struct ns_route *r)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
	{
		int t = mnl_attr_get_type(a);

		if (t == RTAX_CC_ALGO) {
			snprintf(r->cc_algo, sizeof(r->cc_algo), "%.*s",
				 (int)strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a)),
				 (const char *)mnl_attr_get_payload(a));
		} else if (t > 0 && t < NS_MAX_METRICS && u32_ok(a)) {
			r->metrics[t] = mnl_attr_get_u32(a);
			r->metrics_mask |= BIT(t);
		} else if (t >= NS_MAX_METRICS) {
			return -EOPNOTSUPP; /* a metric newer than this build: not lost silently */
		}
	}
	return 0;
}

/* (err.msg holds 160 octets, the route's name included: kept short) */
#define ENCAP_WHY "encap (lwtunnel), which a dump does not always give back (bpf: by name)"
#define VIA_WHY	  "RTA_VIA of another family than IPv6"

static int parse_multipath(const struct nlattr *mp, int family, int ifindex, struct ns_route *r,
			   bool *ours, const char **why)
{
	const char *p = mnl_attr_get_payload(mp);
	int left = mnl_attr_get_payload_len(mp);

	while (left >= (int)sizeof(struct rtnexthop)) {
		const struct rtnexthop *rtnh = (const void *)p;
		struct ns_nexthop *nh;
		struct attrs t = { .max = RTA_MAX };
		int len = rtnh->rtnh_len;

		if (len < (int)sizeof(*rtnh) || len > left)
			return -EINVAL;
		if (r->n_nexthops >= NS_MAX_NEXTHOPS)
			return -E2BIG;
		nh = &r->nexthops[r->n_nexthops++];
		nh->ifindex = rtnh->rtnh_ifindex;
		nh->flags = rtnh->rtnh_flags & RTNH_F_ONLINK;
		nh->weight = rtnh->rtnh_hops + 1;
		*ours |= nh->ifindex == ifindex;
		if (len > (int)sizeof(*rtnh) &&
		    mnl_attr_parse_payload(p + sizeof(*rtnh), len - sizeof(*rtnh), attr_cb, &t) < 0)
			return -EINVAL;
		if (t.tb[RTA_GATEWAY] &&
		    get_addr(t.tb[RTA_GATEWAY], family, nh->gateway, sizeof(nh->gateway)))
			return -EINVAL;
		if (t.tb[RTA_VIA] && !t.tb[RTA_GATEWAY]) {
			int ret = get_via(t.tb[RTA_VIA], family, nh->gateway, sizeof(nh->gateway),
					  &nh->gw_family);

			if (ret == -EOPNOTSUPP)
				*why = VIA_WHY;
			else if (ret)
				return ret;
		}
		/* Refused by the caller, once the route is known to be ours. */
		if (t.tb[RTA_ENCAP])
			*why = ENCAP_WHY;
		p += RTNH_ALIGN(len);
		left -= RTNH_ALIGN(len);
	}
	return 0;
}

/* The refused route named in e: destination, table, and why. */
static int refuse(struct err *e, const struct nlmsghdr *nlh, const struct attrs *t, const char *why)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	char dst[INET6_ADDRSTRLEN] = "";
	uint32_t table = u32_ok(t->tb[RTA_TABLE]) ? mnl_attr_get_u32(t->tb[RTA_TABLE]) :
						    rtm->rtm_table;

	if (!t->tb[RTA_DST] || get_addr(t->tb[RTA_DST], rtm->rtm_family, dst, sizeof(dst)))
		snprintf(dst, sizeof(dst), "%s", rtm->rtm_family == AF_INET ? "0.0.0.0" : "::");
	return err_set(e, EOPNOTSUPP, "route %s/%u table %u uses %s", dst, rtm->rtm_dst_len, table,
		       why);
}

int nsnl_route_parse(const struct nlmsghdr *nlh, int ifindex, struct ns_route *r, struct err *e)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs t = { .max = RTA_MAX };
	const char *why = NULL;
	bool ours = false;
	int ret;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EINVAL;
	if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	if (mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &t) < 0)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->family = rtm->rtm_family;
	r->table = u32_ok(t.tb[RTA_TABLE]) ? mnl_attr_get_u32(t.tb[RTA_TABLE]) : rtm->rtm_table;
	/* The local table is the kernel's, derived from the addresses. */
	if (r->table == RT_TABLE_LOCAL)
		return 0;
	if (t.tb[RTA_MULTIPATH]) {
		ret = parse_multipath(t.tb[RTA_MULTIPATH], r->family, ifindex, r, &ours, &why);
		if (ret)
			return ret;
	} else {
		ours = u32_ok(t.tb[RTA_OIF]) && (int)mnl_attr_get_u32(t.tb[RTA_OIF]) == ifindex;
	}
	if (!ours)
		return 0;
	/*
	 * What cannot be given back exactly is refused rather than lost,
	 * before anything changed.  Nexthop objects bound to the pod
	 * interface are flushed by the kernel when it goes down (and their
	 * routes with them), and podlaunch neither records nor re-creates
	 * nexthop objects.
	 */
	if (why)
		return refuse(e, nlh, &t, why);
	if (u32_ok(t.tb[RTA_NH_ID])) {
		char w[120];

		snprintf(w, sizeof(w),
			 "nexthop object %u, which the kernel flushes when the pod link "
			 "goes down: podlaunch cannot restore it",
			 mnl_attr_get_u32(t.tb[RTA_NH_ID]));
		return refuse(e, nlh, &t, w);
	}
	if (t.tb[RTA_NH_ID])
		return -EINVAL;
	if (t.tb[RTA_ENCAP])
		return refuse(e, nlh, &t, ENCAP_WHY);
	r->prefix = rtm->rtm_dst_len;
	snprintf(r->dst, sizeof(r->dst), "%s", r->family == AF_INET ? "0.0.0.0" : "::");
	if (t.tb[RTA_DST] && get_addr(t.tb[RTA_DST], r->family, r->dst, sizeof(r->dst)))
		return -EINVAL;
	if (t.tb[RTA_SRC]) {
		if (get_addr(t.tb[RTA_SRC], r->family, r->from, sizeof(r->from)))
			return -EINVAL;
		r->from_prefix = rtm->rtm_src_len;
	}
	if (t.tb[RTA_PREFSRC] && get_addr(t.tb[RTA_PREFSRC], r->family, r->src, sizeof(r->src)))
		return -EINVAL;
	if (!r->n_nexthops && t.tb[RTA_GATEWAY] &&
	    get_addr(t.tb[RTA_GATEWAY], r->family, r->gateway, sizeof(r->gateway)))
		return -EINVAL;
	if (!r->n_nexthops && !t.tb[RTA_GATEWAY] && t.tb[RTA_VIA]) {
		ret = get_via(t.tb[RTA_VIA], r->family, r->gateway, sizeof(r->gateway),
			      &r->gw_family);
		if (ret == -EOPNOTSUPP)
			return refuse(e, nlh, &t, VIA_WHY);
		if (ret)
			return ret;
	}
	/* A multipath route's first hop through us is the gateway readers such as dhcp see. */
	for (int i = 0; i < r->n_nexthops; i++)
		if (r->nexthops[i].ifindex == ifindex) {
			memcpy(r->gateway, r->nexthops[i].gateway, sizeof(r->gateway));
			r->gw_family = r->nexthops[i].gw_family;
			break;
		}
	r->scope = rtm->rtm_scope;
	r->metric = u32_ok(t.tb[RTA_PRIORITY]) ? mnl_attr_get_u32(t.tb[RTA_PRIORITY]) : 0;
	r->protocol = rtm->rtm_protocol;
	r->type = rtm->rtm_type;
	r->tos = rtm->rtm_tos;
	/* onlink is configuration; linkdown/dead are state. */
	r->nh_flags = r->n_nexthops ? 0 : rtm->rtm_flags & RTNH_F_ONLINK;
	if (t.tb[RTA_PREF] && mnl_attr_get_payload_len(t.tb[RTA_PREF]) >= 1)
		r->pref = mnl_attr_get_u8(t.tb[RTA_PREF]);
	if (u32_ok(t.tb[RTA_FLOW]))
		r->realms = mnl_attr_get_u32(t.tb[RTA_FLOW]);
	if (t.tb[RTA_METRICS]) {
		ret = parse_metrics(t.tb[RTA_METRICS], r);
		if (ret)
			return ret;
	}
	return 1;
}
