// SPDX-License-Identifier: MIT
/* Restore decisions (netsetup/restore_plan.c) and the rtnetlink messages (netsetup/rtmsg.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <cmocka.h>

#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "netsetup/nl.h"
#include "tests/unit/netsetup/pod_fixture.h"

static void test_lifetimes(void **state)
{
	struct ns_addr a = { .family = AF_INET6,
			     .valid_lft = NS_LFT_FOREVER,
			     .preferred_lft = NS_LFT_FOREVER,
			     .lft_at = 1000 };
	uint32_t v, p;

	assert_int_equal(ns_addr_lifetimes(&a, 5000, &v, &p), 0);
	assert_int_equal(v, NS_LFT_FOREVER);
	assert_int_equal(p, NS_LFT_FOREVER);
	/* 100 s later, 100 s less of each. */
	a.valid_lft = 86400;
	a.preferred_lft = 43200;
	assert_int_equal(ns_addr_lifetimes(&a, 1100, &v, &p), 0);
	assert_int_equal(v, 86300);
	assert_int_equal(p, 43100);
	/* Preferred ran out: deprecated (0), still valid. */
	assert_int_equal(ns_addr_lifetimes(&a, 1000 + 50000, &v, &p), 0);
	assert_int_equal(v, 36400);
	assert_int_equal(p, 0);
	/* Valid ran out: the kernel would have removed it. */
	assert_int_equal(ns_addr_lifetimes(&a, 1000 + 86400, &v, &p), -ETIME);
	/* A clock that went back (another boot cannot happen: the netns dies) counts 0. */
	assert_int_equal(ns_addr_lifetimes(&a, 10, &v, &p), 0);
	assert_int_equal(v, 86400);
	/* Nothing recorded (lft_at 0): forever, whatever the fields hold. */
	a.lft_at = 0;
	a.valid_lft = a.preferred_lft = 0;
	assert_int_equal(ns_addr_lifetimes(&a, 1000, &v, &p), 0);
	assert_int_equal(v, NS_LFT_FOREVER);
	/* Preferred beyond valid is clamped (the kernel refuses it otherwise). */
	a.lft_at = 1000;
	a.valid_lft = 600;
	a.preferred_lft = NS_LFT_FOREVER;
	assert_int_equal(ns_addr_lifetimes(&a, 1000, &v, &p), 0);
	assert_int_equal(v, 600);
	assert_int_equal(p, 600);
}

static void test_addr_kernels_and_order(void **state)
{
	struct ns_addr a[5] = {
		{ .family = AF_INET, .addr = "10.0.0.2", .prefix = 24 },
		{ .family = AF_INET6, .addr = "fd00::100", .prefix = 64 },
		{ .family = AF_INET6, .addr = "fd00::2", .prefix = 64 },
		{ .family = AF_INET, .addr = "10.250.0.7", .prefix = 32, .flags = IFA_F_SECONDARY },
		{ .family = AF_INET6,
		  .addr = "fe80::1",
		  .prefix = 64,
		  .scope = RT_SCOPE_LINK,
		  .proto = IFAPROT_KERNEL_LL },
	};
	struct ns_addr tmp = { .family = AF_INET6, .flags = IFA_F_TEMPORARY };
	int order[5];

	assert_false(ns_addr_kernels(&a[0]));
	assert_false(ns_addr_kernels(&a[3])); /* IPv4 secondary: same bit, not temporary */
	assert_false(ns_addr_kernels(&a[1]));
	assert_true(ns_addr_kernels(&a[4]));
	assert_true(ns_addr_kernels(&tmp));
	/* IPv4 as listed; IPv6 oldest first (the kernel lists a scope newest first). */
	ns_addr_order(a, 5, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 4);
	assert_int_equal(order[3], 2);
	assert_int_equal(order[4], 1);
	assert_true(ns_addr_same(&a[1], &a[1]));
	tmp = a[1];
	strcpy(tmp.peer, "fd00::9");
	assert_false(ns_addr_same(&a[1], &tmp));
}

static struct ns_route *rt(struct ns_route *r, int fam, const char *dst, int prefix, const char *gw,
			   const char *src, int proto, uint32_t metric)
{
	memset(r, 0, sizeof(*r));
	r->family = fam;
	strcpy(r->dst, dst);
	r->prefix = prefix;
	strcpy(r->gateway, gw);
	strcpy(r->src, src);
	r->protocol = proto;
	r->metric = metric;
	r->table = RT_TABLE_MAIN;
	r->type = RTN_UNICAST;
	return r;
}

/*
 * The dual-stack ptp pod of the bug report: ptp replaced the kernel's
 * prefix route with a host route to the gateway and the subnet via it.
 * After the addresses come back, the kernel's prefix route is there again
 * and the CNI's are not.
 */
static void test_plan_ptp_dual(void **state)
{
	struct ns_route cached[6], live[4];
	struct ns_route_plan plan;

	/* Cached in the kernel's dump order: gateway routes before the host route. */
	rt(&cached[0], AF_INET6, "fd00:10:244:2::", 64, "fd00:10:244:2::1", "fd00:10:244:2::2",
	   RTPROT_BOOT, 1024);
	rt(&cached[1], AF_INET6, "fd00:10:244:2::1", 128, "", "fd00:10:244:2::2", RTPROT_BOOT,
	   1024);
	rt(&cached[2], AF_INET6, "fe80::", 64, "", "", RTPROT_KERNEL, 256);
	rt(&cached[3], AF_INET6, "::", 0, "fd00:10:244:2::1", "", RTPROT_BOOT, 1024);
	rt(&cached[4], AF_INET, "0.0.0.0", 0, "10.244.2.1", "", RTPROT_BOOT, 0);
	cached[4].metrics_mask = BIT(RTAX_MTU);
	cached[4].metrics[RTAX_MTU] = 1450;
	rt(&cached[5], AF_INET, "10.244.2.1", 32, "", "10.244.2.2", RTPROT_BOOT, 0);
	cached[5].scope = RT_SCOPE_LINK;

	rt(&live[0], AF_INET6, "fd00:10:244:2::", 64, "", "", RTPROT_KERNEL, 256);
	live[1] = cached[3]; /* survived: kept */
	live[2] = cached[4];
	live[2].metrics_mask = 0; /* the mtu lost: replaced */
	rt(&live[3], AF_INET6, "ff00::", 8, "", "", RTPROT_KERNEL, 256);
	live[3].table = RT_TABLE_LOCAL; /* the kernel's: left alone */
	live[3].type = RTN_MULTICAST;

	ns_route_plan(cached, 6, live, 4, true, &plan);
	assert_int_equal(plan.n_del, 2);
	assert_int_equal(plan.del[0], 0);
	assert_int_equal(plan.del[1], 2);
	/* On-link host routes first, then what goes through a gateway; fe80::/64 is the kernel's. */
	assert_int_equal(plan.n_add, 4);
	assert_int_equal(plan.add[0], 1);
	assert_int_equal(plan.add[1], 5);
	assert_int_equal(plan.add[2], 0);
	assert_int_equal(plan.add[3], 4);
	/* The IPv4 default lost its mtu: deleted above, re-added whole. */
	assert_false(ns_route_eq(&cached[4], &live[2]));
	assert_true(ns_route_kernels(&live[3]));
	assert_true(ns_route_kernels(&cached[2]));
	assert_false(ns_route_kernels(&cached[1]));
}

static void test_plan_tables_and_onlink(void **state)
{
	struct ns_route cached[3], live[2];
	struct ns_route_plan plan;

	rt(&cached[0], AF_INET, "0.0.0.0", 0, "10.0.0.1", "", RTPROT_BOOT, 0);
	cached[0].table = 100;
	/* onlink: the kernel checks no route to the gateway, so it goes first. */
	rt(&cached[1], AF_INET, "0.0.0.0", 0, "169.254.1.1", "", RTPROT_BOOT, 0);
	cached[1].nh_flags = RTNH_F_ONLINK;
	/* Multipath with one hop through a gateway: second pass. */
	rt(&cached[2], AF_INET, "10.96.0.0", 12, "", "", RTPROT_BOOT, 0);
	cached[2].n_nexthops = 2;
	strcpy(cached[2].nexthops[0].gateway, "10.0.0.1");
	cached[2].nexthops[0].ifindex = 2;
	cached[2].nexthops[1].ifindex = 2;
	rt(&live[0], AF_INET, "0.0.0.0", 0, "10.0.0.9", "", RTPROT_STATIC, 0);
	live[0].table = 200;
	rt(&live[1], AF_INET, "10.0.0.0", 24, "", "10.0.0.2", RTPROT_KERNEL, 0);

	ns_route_plan(cached, 3, live, 2, true, &plan);
	assert_int_equal(plan.n_del, 2);
	assert_int_equal(plan.n_add, 3);
	assert_int_equal(plan.add[0], 1);
	assert_int_equal(plan.add[1], 0);
	assert_int_equal(plan.add[2], 2);
	/* A version 1 cache held the main table only: the others are left alone. */
	ns_route_plan(cached, 3, live, 2, false, &plan);
	assert_int_equal(plan.n_del, 1);
	assert_int_equal(plan.del[0], 1);
	assert_int_equal(plan.n_add, 2);
	assert_int_equal(plan.add[0], 1);
	assert_int_equal(plan.add[1], 2);
}

/* ---- messages: what is built parses back to the same thing ---- */

static void test_addr_msg_round_trip(void **state)
{
	static char buf[16384];
	struct ns_addr a = { .family = AF_INET6,
			     .addr = "fd00:10:244:2::100",
			     .prefix = 64,
			     .flags = IFA_F_NODAD | IFA_F_NOPREFIXROUTE | IFA_F_TENTATIVE,
			     .valid_lft = 86400,
			     .preferred_lft = 43200,
			     .lft_at = 100,
			     .metric = 300,
			     .proto = 0 },
		       b;
	struct ns_addr v4 = { .family = AF_INET,
			      .addr = "10.250.2.7",
			      .prefix = 32,
			      .label = "eth0:svc",
			      .peer = "10.250.2.8",
			      .broadcast = "10.250.2.255" };
	struct nlmsghdr *nlh;

	assert_int_equal(nsnl_addr_msg(buf, RTM_NEWADDR, NLM_F_CREATE, 7, &a, 160, &nlh), 0);
	/* A request parses as a report would (the type is RTM_NEWADDR). */
	assert_int_equal(nsnl_addr_parse(nlh, 8, 160, &b), 0); /* another interface */
	assert_int_equal(nsnl_addr_parse(nlh, 7, 160, &b), 1);
	assert_string_equal(b.addr, a.addr);
	assert_int_equal(b.prefix, 64);
	/* Only what a caller may set is sent; tentative is the kernel's. */
	assert_int_equal(b.flags, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
	assert_int_equal(b.valid_lft, 86400 - 60);
	assert_int_equal(b.preferred_lft, 43200 - 60);
	assert_int_equal(b.lft_at, 160);
	assert_int_equal(b.metric, 300);
	assert_string_equal(b.peer, "");

	assert_int_equal(nsnl_addr_msg(buf, RTM_NEWADDR, 0, 7, &v4, 160, &nlh), 0);
	assert_int_equal(nsnl_addr_parse(nlh, 7, 160, &b), 1);
	assert_string_equal(b.peer, "10.250.2.8");
	assert_string_equal(b.label, "eth0:svc");
	assert_string_equal(b.broadcast, "10.250.2.255");
	assert_int_equal(b.valid_lft, NS_LFT_FOREVER);

	a.lft_at = 100;
	assert_int_equal(nsnl_addr_msg(buf, RTM_NEWADDR, 0, 7, &a, 100 + 86400, &nlh), -ETIME);
	strcpy(a.addr, "not-an-address");
	assert_int_equal(nsnl_addr_msg(buf, RTM_NEWADDR, 0, 7, &a, 100, &nlh), -EINVAL);
}

static bool has_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh,
			  sizeof(struct rtmsg)) if (mnl_attr_get_type(a) == type) return true;
	return false;
}

static void test_route_msg_round_trip(void **state)
{
	static char buf[16384];
	struct ns_route r, b;
	struct nlmsghdr *nlh;

	rt(&r, AF_INET6, "fd00:96::", 108, "fd00:10:244:2::1", "fd00:10:244:2::2", RTPROT_STATIC,
	   50);
	r.pref = 1;
	r.table = 1000; /* > 255: RTA_TABLE only */
	r.metrics_mask = BIT(RTAX_ADVMSS) | BIT(RTAX_HOPLIMIT);
	r.metrics[RTAX_ADVMSS] = 1300;
	r.metrics[RTAX_HOPLIMIT] = 63;
	strcpy(r.cc_algo, "cubic");
	strcpy(r.from, "fd00:1::");
	r.from_prefix = 48;
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE, 2, &r, &nlh), 0);
	assert_int_equal(nsnl_route_parse(nlh, 3, &b, NULL), 0);
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, NULL), 1);
	assert_true(ns_route_eq(&r, &b));

	rt(&r, AF_INET, "0.0.0.0", 0, "", "", RTPROT_BOOT, 0);
	r.n_nexthops = 2;
	r.nexthops[0] = (struct ns_nexthop){ .gateway = "10.0.0.1", .ifindex = 5, .weight = 1 };
	r.nexthops[1] = (struct ns_nexthop){
		.gateway = "10.0.0.2", .ifindex = 2, .weight = 4, .flags = RTNH_F_ONLINK
	};
	r.realms = 0x20001;
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), 0);
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, NULL), 1);
	/* The first hop through the interface is the gateway dhcp sees. */
	assert_string_equal(b.gateway, "10.0.0.2");
	strcpy(r.gateway, "10.0.0.2");
	assert_true(ns_route_eq(&r, &b));
	assert_int_equal(nsnl_route_parse(nlh, 9, &b, NULL), 0);

	/* RFC 5549: an IPv4 route via an IPv6 next hop (RTA_VIA), single and multipath. */
	rt(&r, AF_INET, "10.96.0.0", 12, "fe80::1", "", RTPROT_STATIC, 20);
	r.gw_family = AF_INET6;
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE, 2, &r, &nlh), 0);
	assert_true(has_attr(nlh, RTA_VIA));
	assert_false(has_attr(nlh, RTA_GATEWAY));
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, NULL), 1);
	assert_string_equal(b.gateway, "fe80::1");
	assert_int_equal(b.gw_family, AF_INET6);
	assert_true(ns_route_eq(&r, &b));
	b.gw_family = 0;
	assert_false(ns_route_eq(&r, &b));
	rt(&r, AF_INET, "0.0.0.0", 0, "", "", RTPROT_BOOT, 0);
	r.n_nexthops = 2;
	r.nexthops[0] = (struct ns_nexthop){
		.gateway = "fe80::1", .gw_family = AF_INET6, .ifindex = 2, .weight = 1
	};
	r.nexthops[1] = (struct ns_nexthop){ .gateway = "10.0.0.2", .ifindex = 2, .weight = 2 };
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), 0);
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, NULL), 1);
	assert_string_equal(b.gateway, "fe80::1");
	assert_int_equal(b.gw_family, AF_INET6);
	assert_int_equal(b.nexthops[1].gw_family, 0);
	r.gw_family = AF_INET6;
	strcpy(r.gateway, "fe80::1");
	assert_true(ns_route_eq(&r, &b));
	/* An IPv6 route cannot take RTA_VIA here (nor does the kernel). */
	rt(&r, AF_INET6, "fd00:96::", 64, "10.0.0.1", "", RTPROT_BOOT, 0);
	r.gw_family = AF_INET;
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), -EINVAL);

	/* The local table is never ours. */
	rt(&r, AF_INET, "10.0.0.2", 32, "", "10.0.0.2", RTPROT_KERNEL, 0);
	r.table = RT_TABLE_LOCAL;
	r.type = RTN_LOCAL;
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), 0);
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, NULL), 0);
}

/* What the cache cannot say is refused, not dropped. */
static void test_route_parse_refuses(void **state)
{
	static char buf[16384];
	struct ns_route r, b;
	struct nlmsghdr *nlh;

	struct err e = { 0 };
	struct rtnexthop *rtnh;
	struct nlattr *mp;

	rt(&r, AF_INET, "10.1.0.0", 16, "10.0.0.1", "", RTPROT_BOOT, 0);
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), 0);
	mnl_attr_put_u32(nlh, RTA_NH_ID, 7);
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, NULL), -EOPNOTSUPP);
	/* The words name the route and say why. */
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, &e), -EOPNOTSUPP);
	assert_int_equal(e.code, EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "route 10.1.0.0/16 table 254 uses nexthop object 7"));
	assert_non_null(strstr(e.msg, "flushes"));
	/* Not through the pod interface: not ours, not refused. */
	assert_int_equal(nsnl_route_parse(nlh, 3, &b, NULL), 0);
	/* Encapsulation, single path and in a hop of a multipath route through us. */
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), 0);
	mnl_attr_put_u16(nlh, RTA_ENCAP_TYPE, 2);
	mp = mnl_attr_nest_start(nlh, RTA_ENCAP);
	mnl_attr_put_u32(nlh, 1, 5);
	mnl_attr_nest_end(nlh, mp);
	memset(&e, 0, sizeof(e));
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, &e), -EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "route 10.1.0.0/16 table 254 uses encap"));
	rt(&r, AF_INET, "10.2.0.0", 16, "", "", RTPROT_BOOT, 0);
	r.table = 100;
	r.n_nexthops = 1;
	r.nexthops[0] = (struct ns_nexthop){ .gateway = "10.0.0.1", .ifindex = 2, .weight = 1 };
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), 0);
	/* append an encap to the (last) hop: grow the hop and the nest */
	mp = (struct nlattr *)((char *)nlh + nlh->nlmsg_len - MNL_ALIGN(sizeof(*rtnh)) -
			       MNL_ATTR_HDRLEN - 4 - MNL_ATTR_HDRLEN);
	assert_int_equal(mnl_attr_get_type(mp), RTA_MULTIPATH);
	rtnh = mnl_attr_get_payload(mp);
	mnl_attr_put_u32(nlh, RTA_ENCAP, 5); /* only its presence matters */
	rtnh->rtnh_len += MNL_ATTR_HDRLEN + 4;
	mp->nla_len += MNL_ATTR_HDRLEN + 4;
	memset(&e, 0, sizeof(e));
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, &e), -EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "route 10.2.0.0/16 table 100 uses encap"));
	assert_int_equal(nsnl_route_parse(nlh, 9, &b, NULL), 0);
	/* A truncated message. */
	assert_int_equal(nsnl_route_msg(buf, RTM_NEWROUTE, 0, 2, &r, &nlh), 0);
	nlh->nlmsg_type = RTM_NEWADDR;
	assert_int_equal(nsnl_route_parse(nlh, 2, &b, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_addr_kernels_and_order),
		cmocka_unit_test(test_plan_ptp_dual),
		cmocka_unit_test(test_plan_tables_and_onlink),
		cmocka_unit_test(test_addr_msg_round_trip),
		cmocka_unit_test(test_route_msg_round_trip),
		cmocka_unit_test(test_route_parse_refuses),
	};

	log_set_level(LOG_LVL_ERROR + 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
