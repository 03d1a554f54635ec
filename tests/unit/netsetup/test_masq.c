// SPDX-License-Identifier: MIT
/* The masquerade binding's pure parts: flags, plan, cache, nftables batch. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "common/util.h"
#include "netsetup/nft_table.h"
#include "tests/unit/netsetup/pod_fixture.h"

#define ARGS(...) ((char *[]){ __VA_ARGS__, NULL })
#define NARGS(a)  ((int)ARRAY_SIZE(a) - 1)

static const uint8_t nic_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* The struct err callees as (ret, message) pairs: message into err[256]. */
static int parse_args(enum ns_cmd cmd, int argc, char **argv, struct ns_opts *o, char *err)
{
	struct err e = { 0 };
	int ret = ns_opts_parse(cmd, argc, argv, o, &e);

	snprintf(err, 256, "%s", e.msg);
	return ret;
}

static int plan_build(struct ns_state *st, const struct ns_opts *o, char *err)
{
	struct err e = { 0 };
	int ret = ns_plan_build(st, o, nic_mac, &e);

	snprintf(err, 256, "%s", e.msg);
	return ret;
}

static int state_from_json(json_t *j, struct ns_state *st, char *msg, size_t len)
{
	struct err e = { 0 };
	int ret = ns_state_from_json(j, st, &e);

	snprintf(msg, len, "%s", e.msg);
	return ret;
}

/* ---- flags ---- */

static void test_flag_defaults(void **state)
{
	struct ns_opts o;
	char err[256], buf[64];

	assert_int_equal(parse_args(NS_CMD_SETUP, 1, ARGS("setup"), &o, err), 0);
	assert_int_equal(o.binding, NS_BINDING_BRIDGE);
	assert_false(o.has_guest_mac);
	assert_string_equal(inet_ntop(AF_INET, &o.masq.net4, buf, sizeof(buf)), "10.0.2.0");
	assert_int_equal(o.masq.prefix4, 24);
	assert_string_equal(inet_ntop(AF_INET6, &o.masq.net6, buf, sizeof(buf)), "fd10:0:2::");
	assert_int_equal(o.masq.prefix6, 120);
	assert_int_equal(o.masq.n_ports, 0);
}

static void test_flag_values(void **state)
{
	char **a = ARGS("run", "--binding", "masquerade", "--guest-cidr=192.168.100.0/22",
			"--guest-cidr6", "fd00:1::/64", "--ports", "tcp:80,udp:53-60,sctp:9",
			"--guest-mac", "02:42:0A:00:02:02", "--", "--kernel", "k");
	struct ns_opts o;
	char err[256], buf[64];

	assert_int_equal(
		parse_args(NS_CMD_RUN,
			   NARGS(((char *[]){ "run", "--binding", "masquerade",
					      "--guest-cidr=192.168.100.0/22", "--guest-cidr6",
					      "fd00:1::/64", "--ports", "tcp:80,udp:53-60,sctp:9",
					      "--guest-mac", "02:42:0A:00:02:02", "--", "--kernel",
					      "k", NULL })),
			   a, &o, err),
		0);
	assert_int_equal(o.binding, NS_BINDING_MASQUERADE);
	assert_string_equal(inet_ntop(AF_INET, &o.masq.net4, buf, sizeof(buf)), "192.168.100.0");
	assert_int_equal(o.masq.prefix4, 22);
	assert_string_equal(inet_ntop(AF_INET6, &o.masq.net6, buf, sizeof(buf)), "fd00:1::");
	assert_int_equal(o.masq.prefix6, 64);
	assert_int_equal(o.masq.n_ports, 3);
	assert_int_equal(o.masq.ports[0].proto, IPPROTO_TCP);
	assert_int_equal(o.masq.ports[0].lo, 80);
	assert_int_equal(o.masq.ports[0].hi, 80);
	assert_int_equal(o.masq.ports[1].proto, IPPROTO_UDP);
	assert_int_equal(o.masq.ports[1].lo, 53);
	assert_int_equal(o.masq.ports[1].hi, 60);
	assert_int_equal(o.masq.ports[2].proto, IPPROTO_SCTP);
	assert_true(o.has_guest_mac);
	assert_int_equal(o.guest_mac[0], 0x02);
	assert_int_equal(o.guest_mac[5], 0x02);
	assert_int_equal(o.vmm_argc, 2);
	/* --guest-mac alone works with the bridge binding too. */
	assert_int_equal(parse_args(NS_CMD_SETUP, 3,
				    ARGS("setup", "--guest-mac", "02:00:00:00:00:01"), &o, err),
			 0);
	assert_int_equal(o.binding, NS_BINDING_BRIDGE);
	assert_true(o.has_guest_mac);
}

static void expect_bad(enum ns_cmd cmd, const char *flag, const char *val, const char *named)
{
	char *a[] = { "setup", "--binding", "masquerade", (char *)flag, (char *)val, NULL };
	struct ns_opts o;
	char err[256];

	assert_int_equal(parse_args(cmd, val ? 5 : 4, a, &o, err), -EINVAL);
	if (!strstr(err, named))
		fail_msg("%s %s: message '%s' does not name %s", flag, val ? val : "", err, named);
}

static void test_flag_errors(void **state)
{
	static const struct {
		const char *flag, *val;
	} bad[] = {
		{ "--guest-cidr", "10.0.2.1/24" },
		{ "--guest-cidr", "10.0.2.0/31" },
		{ "--guest-cidr", "10.0.2.0/0" },
		{ "--guest-cidr", "10.0.2.0" },
		{ "--guest-cidr", "10.0.2.0/24x" },
		{ "--guest-cidr", "300.0.0.0/8" },
		{ "--guest-cidr", "fd10::/120" },
		{ "--guest-cidr6", "fd10::1/120" },
		{ "--guest-cidr6", "fd10::/127" },
		{ "--guest-cidr6", "10.0.2.0/24" },
		{ "--ports", "" },
		{ "--ports", "tcp" },
		{ "--ports", "tcp:" },
		{ "--ports", "tcp:0" },
		{ "--ports", "tcp:65536" },
		{ "--ports", "icmp:1" },
		{ "--ports", "TCP:80" },
		{ "--ports", "tcp:90-80" },
		{ "--ports", "tcp:80," },
		{ "--ports", ",tcp:80" },
		{ "--ports", "tcp:80,,udp:1" },
		{ "--ports", "tcp:80-" },
		{ "--ports", "tcp:-80" },
		{ "--ports", "tcp:1,tcp:2,tcp:3,tcp:4,tcp:5,tcp:6,tcp:7,tcp:8,tcp:9,tcp:10,tcp:11,"
			     "tcp:12,tcp:13,tcp:14,tcp:15,tcp:16,tcp:17" },
		{ "--guest-mac", "01:00:5e:00:00:01" },
		{ "--guest-mac", "00:00:00:00:00:00" },
		{ "--guest-mac", "02:00:00:00:00" },
		{ "--guest-mac", "zz:00:00:00:00:00" },
		{ "--binding", "passt" },
		{ "--binding", "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_bad(NS_CMD_SETUP, bad[i].flag, bad[i].val, bad[i].flag);
	expect_bad(NS_CMD_SETUP, "--ports", NULL, "--ports"); /* needs a value */
}

static void test_flag_needs_masquerade(void **state)
{
	struct ns_opts o;
	char err[256];

	assert_int_equal(parse_args(NS_CMD_SETUP, 3, ARGS("setup", "--ports", "tcp:80"), &o, err),
			 -EINVAL);
	assert_non_null(strstr(err, "--binding"));
	assert_int_equal(
		parse_args(NS_CMD_RUN, 5,
			   ARGS("run", "--binding", "bridge", "--guest-cidr", "10.9.0.0/24"), &o,
			   err),
		-EINVAL);
	assert_non_null(strstr(err, "--binding"));
	/* Even when VMM arguments follow. */
	assert_int_equal(parse_args(NS_CMD_RUN, 5,
				    ARGS("run", "--guest-cidr6", "fd10::/64", "--", "x"), &o, err),
			 -EINVAL);
	assert_int_equal(
		parse_args(NS_CMD_SETUP, 5,
			   ARGS("setup", "--bridge-addr", "169.254.1.1", "--binding", "masquerade"),
			   &o, err),
		-EINVAL);
	assert_non_null(strstr(err, "--bridge-addr"));
	/* teardown needs no flag: the cache says which binding it undoes. */
	assert_int_equal(parse_args(NS_CMD_TEARDOWN, 3, ARGS("teardown", "--binding", "masquerade"),
				    &o, err),
			 -EINVAL);
	assert_non_null(strstr(err, "--binding"));
	assert_non_null(strstr(err, "unknown flag"));
}

/* ---- plan ---- */

static void masq_opts(struct ns_opts *o, int argc, char **argv)
{
	char err[256];

	assert_int_equal(parse_args(NS_CMD_SETUP, argc, argv, o, err), 0);
}

static void test_plan_default(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	char err[256];

	fixture_pod(&st.pod, true);
	masq_opts(&o, 3, ARGS("setup", "--binding", "masquerade"));
	assert_int_equal(plan_build(&st, &o, err), 0);
	assert_int_equal(st.binding.kind, NS_BINDING_MASQUERADE);
	assert_string_equal(st.binding.bridge, "k6t-eth0");
	assert_string_equal(st.binding.tap, "tap0");
	assert_string_equal(st.binding.nic, "");
	assert_string_equal(st.binding.placeholder, "");
	assert_string_equal(st.binding.bridge_addr, "10.0.2.1");
	assert_string_equal(st.binding.masq.v4.guest, "10.0.2.2");
	assert_string_equal(st.binding.masq.v4.gateway, "10.0.2.1");
	assert_int_equal(st.binding.masq.v4.prefix, 24);
	assert_string_equal(st.binding.masq.v4.pod, "10.244.1.2");
	assert_string_equal(st.binding.masq.table, "podlaunch-eth0");
	assert_memory_equal(st.binding.guest_mac, st.pod.mac, 6);
	assert_int_equal(st.binding.mtu, 1450);
	assert_false(st.binding.l2_only);
	assert_false(st.binding.masq.ipv6); /* until the gate */
	assert_string_equal(st.binding.masq.v6.pod, "fd00::2");
	ns_masq_plan_ipv6(&st, true);
	assert_true(st.binding.masq.ipv6);
	assert_string_equal(st.binding.masq.v6.guest, "fd10:0:2::2");
	assert_string_equal(st.binding.masq.v6.gateway, "fd10:0:2::1");
	assert_int_equal(st.binding.masq.v6.prefix, 120);
	ns_masq_plan_ipv6(&st, false);
	assert_false(st.binding.masq.ipv6);
	assert_string_equal(st.binding.masq.v6.guest, "");
}

static void test_plan_options(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	char err[256];
	const uint8_t mac[6] = { 0x02, 0x42, 0x0a, 0, 2, 2 };

	fixture_pod(&st.pod, true);
	masq_opts(&o, 11,
		  ARGS("setup", "--binding", "masquerade", "--guest-cidr", "172.16.0.0/30",
		       "--guest-mac", "02:42:0a:00:02:02", "--ports", "tcp:22", "--mtu", "1400"));
	assert_int_equal(plan_build(&st, &o, err), 0);
	assert_string_equal(st.binding.masq.v4.guest, "172.16.0.2");
	assert_string_equal(st.binding.masq.v4.gateway, "172.16.0.1");
	assert_int_equal(st.binding.masq.v4.prefix, 30);
	assert_memory_equal(st.binding.guest_mac, mac, 6);
	assert_int_equal(st.binding.mtu, 1400);
	assert_int_equal(st.binding.masq.n_ports, 1);
	/* The bridge binding takes --guest-mac too. */
	masq_opts(&o, 3, ARGS("setup", "--guest-mac", "02:42:0a:00:02:02"));
	assert_int_equal(plan_build(&st, &o, err), 0);
	assert_int_equal(st.binding.kind, NS_BINDING_BRIDGE);
	assert_memory_equal(st.binding.guest_mac, mac, 6);
	assert_string_equal(st.binding.placeholder, "eth0");
}

static void test_plan_refusals(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	char err[256];

	fixture_pod(&st.pod, true);
	masq_opts(&o, 5, ARGS("setup", "--binding", "masquerade", "--guest-cidr", "10.244.0.0/16"));
	assert_int_equal(plan_build(&st, &o, err), -EINVAL);
	assert_non_null(strstr(err, "--guest-cidr"));
	masq_opts(&o, 5, ARGS("setup", "--binding", "masquerade", "--guest-cidr6", "fd00::/48"));
	assert_int_equal(plan_build(&st, &o, err), -EINVAL);
	assert_non_null(strstr(err, "--guest-cidr6"));
	fixture_pod(&st.pod, false); /* IPv6 only */
	masq_opts(&o, 3, ARGS("setup", "--binding", "masquerade"));
	assert_int_equal(plan_build(&st, &o, err), -EINVAL);
	assert_non_null(strstr(err, "IPv4"));
	fixture_pod(&st.pod, true);
	masq_opts(&o, 5, ARGS("setup", "--binding", "masquerade", "--tap-name", "k6t-eth0"));
	assert_int_equal(plan_build(&st, &o, err), -EINVAL);
}

/* ---- the cache ---- */

static void test_state_roundtrip(void **state)
{
	struct ns_state st = { 0 }, back;
	struct ns_opts o;
	char err[256], msg[sizeof(((struct err *)0)->msg)];
	json_t *j;

	fixture_pod(&st.pod, true);
	st.version = NS_CACHE_VERSION;
	masq_opts(&o, 5, ARGS("setup", "--binding", "masquerade", "--ports", "udp:53-54,tcp:80"));
	assert_int_equal(plan_build(&st, &o, err), 0);
	ns_masq_plan_ipv6(&st, true);
	j = ns_state_to_json(&st);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "binding"), "kind")),
		"masquerade");
	assert_int_equal(state_from_json(j, &back, msg, sizeof(msg)), 0);
	assert_int_equal(back.binding.kind, NS_BINDING_MASQUERADE);
	assert_memory_equal(&back.binding.masq, &st.binding.masq, sizeof(st.binding.masq));
	/* IPv4 only: "ipv6": null. */
	ns_masq_plan_ipv6(&st, false);
	json_decref(j);
	j = ns_state_to_json(&st);
	assert_true(json_is_null(
		json_object_get(json_object_get(json_object_get(j, "binding"), "masq"), "ipv6")));
	assert_int_equal(state_from_json(j, &back, msg, sizeof(msg)), 0);
	assert_false(back.binding.masq.ipv6);
	/* A bad masq object names itself. */
	json_object_set_new(json_object_get(json_object_get(j, "binding"), "masq"), "table",
			    json_string("nat"));
	assert_int_equal(state_from_json(j, &back, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "binding.masq.table"));
	json_object_set_new(json_object_get(j, "binding"), "kind", json_string("sriov"));
	assert_int_equal(state_from_json(j, &back, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "binding.kind"));
	/* A cache without "kind" (older podlaunch) is a bridge binding. */
	json_object_del(json_object_get(j, "binding"), "kind");
	assert_int_equal(state_from_json(j, &back, msg, sizeof(msg)), 0);
	assert_int_equal(back.binding.kind, NS_BINDING_BRIDGE);
	json_decref(j);
}

/* ---- the nftables batch ---- */

struct dump {
	int types[64];
	uint16_t flags[64];
	int n;
	char rules[64][2048]; /* nftnl's text of each rule, chain first */
	int n_rules;
	int chains;
	char table[64];
};

static void dump_batch(const struct ns_nft_batch *b, struct dump *d)
{
	const struct nlmsghdr *nlh = (const void *)b->buf;
	int len = (int)b->len;

	memset(d, 0, sizeof(*d));
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		int t = NFNL_MSG_TYPE(nlh->nlmsg_type);

		assert_true(d->n < 64);
		d->flags[d->n] = nlh->nlmsg_flags;
		d->types[d->n++] = nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN ||
						   nlh->nlmsg_type == NFNL_MSG_BATCH_END ?
					   -(int)nlh->nlmsg_type :
					   t;
		if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN ||
		    nlh->nlmsg_type == NFNL_MSG_BATCH_END)
			continue;
		if (t == NFT_MSG_NEWRULE) {
			struct nftnl_rule *r = nftnl_rule_alloc();

			assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
			nftnl_rule_snprintf(d->rules[d->n_rules++], sizeof(d->rules[0]), r,
					    NFTNL_OUTPUT_DEFAULT, 0);
			nftnl_rule_free(r);
		} else if (t == NFT_MSG_NEWCHAIN) {
			d->chains++;
		} else if (t == NFT_MSG_NEWTABLE || t == NFT_MSG_DELTABLE) {
			struct nftnl_table *tb = nftnl_table_alloc();

			assert_int_equal(nftnl_table_nlmsg_parse(nlh, tb), 0);
			snprintf(d->table, sizeof(d->table), "%s",
				 nftnl_table_get_str(tb, NFTNL_TABLE_NAME));
			assert_int_equal(nftnl_table_get_u32(tb, NFTNL_TABLE_FAMILY), NFPROTO_INET);
			nftnl_table_free(tb);
		}
	}
	assert_int_equal(len, 0);
}

static int count_chain(const struct dump *d, const char *chain)
{
	char head[64];
	int n = 0;

	snprintf(head, sizeof(head), "inet podlaunch-eth0 %s\n", chain);
	for (int i = 0; i < d->n_rules; i++)
		n += !strncmp(d->rules[i], head, strlen(head));
	return n;
}

static int count_with(const struct dump *d, const char *needle)
{
	int n = 0;

	for (int i = 0; i < d->n_rules; i++)
		n += strstr(d->rules[i], needle) != NULL;
	return n;
}

static void batch_for(struct ns_state *st, int argc, char **argv, bool v6, struct dump *d)
{
	struct ns_nft_batch b;
	struct ns_opts o;
	char err[256];

	memset(st, 0, sizeof(*st));
	fixture_pod(&st->pod, true);
	masq_opts(&o, argc, argv);
	assert_int_equal(plan_build(st, &o, err), 0);
	ns_masq_plan_ipv6(st, v6);
	assert_int_equal(ns_nft_batch_table(st, 100, &b), 0);
	dump_batch(&b, d);
	/* begin, table, three chains, the rules, end: all but begin/end acknowledged */
	assert_int_equal(b.n_ack, 1 + 3 + d->n_rules);
	ns_nft_batch_free(&b);
}

/* The prerouting TCP rule, exactly as nft --debug=netlink would show it. */
static const char default_tcp_dnat[] = "inet podlaunch-eth0 prerouting\n"
				       "  [ meta load iifname => reg 1 ]\n"
				       "  [ cmp eq reg 1 0x30687465 0x00000000 ]\n"
				       "  [ meta load nfproto => reg 1 ]\n"
				       "  [ cmp eq reg 1 0x00000002 ]\n"
				       "  [ payload load 4b @ network header + 16 => reg 1 ]\n"
				       "  [ cmp eq reg 1 0x0201f40a ]\n"
				       "  [ meta load l4proto => reg 1 ]\n"
				       "  [ cmp eq reg 1 0x00000006 ]\n"
				       "  [ immediate reg 1 0x0202000a ]\n"
				       "  [ nat dnat ip addr_min reg 1 ]\n";

static const char default_masq[] = "inet podlaunch-eth0 postrouting\n"
				   "  [ meta load oifname => reg 1 ]\n"
				   "  [ cmp eq reg 1 0x30687465 0x00000000 ]\n"
				   "  [ meta load nfproto => reg 1 ]\n"
				   "  [ cmp eq reg 1 0x00000002 ]\n"
				   "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
				   "  [ cmp eq reg 1 0x0202000a ]\n"
				   "  [ masq ]\n";

static const char localhost_snat[] = "inet podlaunch-eth0 postrouting\n"
				     "  [ meta load oifname => reg 1 ]\n"
				     "  [ cmp eq reg 1 0x2d74366b 0x30687465 0x00000000 ]\n"
				     "  [ meta load nfproto => reg 1 ]\n"
				     "  [ cmp eq reg 1 0x00000002 ]\n"
				     "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
				     "  [ cmp eq reg 1 0x0100007f ]\n"
				     "  [ payload load 4b @ network header + 16 => reg 1 ]\n"
				     "  [ cmp eq reg 1 0x0202000a ]\n"
				     "  [ immediate reg 1 0x0102000a ]\n"
				     "  [ nat snat ip addr_min reg 1 ]\n";

static void test_batch_default(void **state)
{
	static struct dump d;
	struct ns_state st;

	batch_for(&st, 3, ARGS("setup", "--binding", "masquerade"), false, &d);
	/* One transaction: begin first, end last, the table created exclusively. */
	assert_int_equal(d.types[0], -(NFNL_MSG_BATCH_BEGIN));
	assert_int_equal(d.types[d.n - 1], -(NFNL_MSG_BATCH_END));
	assert_int_equal(d.types[1], NFT_MSG_NEWTABLE);
	assert_true(d.flags[1] & NLM_F_EXCL);
	assert_true(d.flags[1] & NLM_F_CREATE);
	assert_string_equal(d.table, "podlaunch-eth0");
	assert_int_equal(d.chains, 3);
	/* tcp, udp, sctp: prerouting for the pod IP, output for it and 127.0.0.1. */
	assert_int_equal(count_chain(&d, "prerouting"), 3);
	assert_int_equal(count_chain(&d, "output"), 6);
	assert_int_equal(count_chain(&d, "postrouting"), 2);
	assert_int_equal(d.n_rules, 11);
	assert_string_equal(d.rules[0], default_tcp_dnat);
	assert_string_equal(d.rules[9], default_masq);
	assert_string_equal(d.rules[10], localhost_snat);
	assert_int_equal(count_with(&d, "[ cmp eq reg 1 0x00000011 ]"), 3); /* udp */
	assert_int_equal(count_with(&d, "[ cmp eq reg 1 0x00000084 ]"), 3); /* sctp */
	assert_int_equal(count_with(&d, "transport header"), 0);	    /* every port */
	assert_int_equal(
		count_with(&d, "network header + 16 => reg 1 ]\n  [ cmp eq reg 1 0x0100007f"), 3);
	assert_int_equal(count_with(&d, "ip6"), 0);
}

static void test_batch_ports(void **state)
{
	static struct dump d;
	struct ns_state st;

	batch_for(&st, 5, ARGS("setup", "--binding", "masquerade", "--ports", "tcp:80-90,udp:53"),
		  false, &d);
	assert_int_equal(d.n_rules, 2 * 3 + 2);
	assert_int_equal(count_chain(&d, "prerouting"), 2);
	assert_int_equal(count_chain(&d, "output"), 4);
	/* 80-90: >= 0x0050 and <= 0x005a in network order; 53 exactly. */
	assert_int_equal(
		count_with(&d, "[ cmp gte reg 1 0x00005000 ]\n  [ payload load 2b @ "
			       "transport header + 2 => reg 1 ]\n  [ cmp lte reg 1 0x00005a00 ]"),
		3);
	assert_int_equal(
		count_with(&d, "[ meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000011 ]\n"
			       "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
			       "  [ cmp eq reg 1 0x00003500 ]"),
		3);
	assert_int_equal(count_with(&d, "0x00000084"), 0); /* no sctp */
	assert_int_equal(count_with(&d, "[ masq ]"), 1);
}

static void test_batch_cidr_ipv6(void **state)
{
	static struct dump d;
	struct ns_state st;

	batch_for(&st, 7,
		  ARGS("setup", "--binding", "masquerade", "--guest-cidr", "192.168.50.0/24",
		       "--guest-cidr6", "fd99::/64"),
		  true, &d);
	/* IPv4 as before plus ip6: 3 prerouting, 3 output (no ::1), 1 masquerade. */
	assert_int_equal(d.n_rules, 11 + 7);
	assert_int_equal(count_with(&d, "[ immediate reg 1 0x0232a8c0 ]\n  [ nat dnat ip addr_min"),
			 9);
	assert_int_equal(count_with(&d, "nat dnat ip6 addr_min reg 1"), 6);
	/* fd99::2 */
	assert_int_equal(
		count_with(&d, "[ immediate reg 1 0x000099fd 0x00000000 0x00000000 0x02000000 ]"),
		6);
	assert_int_equal(count_with(&d, "[ cmp eq reg 1 0x0000000a ]"), 7); /* nfproto ipv6 */
	assert_int_equal(count_with(&d, "[ masq ]"), 2);
	/* localhost snat to the gateway 192.168.50.1 */
	assert_int_equal(count_with(&d, "[ immediate reg 1 0x0132a8c0 ]\n  [ nat snat ip addr_min"),
			 1);
}

static void test_batch_delete(void **state)
{
	static struct dump d;
	struct ns_nft_batch b;

	assert_int_equal(ns_nft_batch_delete("podlaunch-eth0", 7, &b), 0);
	dump_batch(&b, &d);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.types[1], NFT_MSG_DELTABLE);
	assert_string_equal(d.table, "podlaunch-eth0");
	assert_int_equal(b.n_ack, 1);
	ns_nft_batch_free(&b);
}

static void test_batch_bridge_refused(void **state)
{
	struct ns_state st = { 0 };
	struct ns_nft_batch b;

	fixture_pod(&st.pod, true);
	assert_int_equal(ns_nft_batch_table(&st, 1, &b), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flag_defaults),
		cmocka_unit_test(test_flag_values),
		cmocka_unit_test(test_flag_errors),
		cmocka_unit_test(test_flag_needs_masquerade),
		cmocka_unit_test(test_plan_default),
		cmocka_unit_test(test_plan_options),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_batch_default),
		cmocka_unit_test(test_batch_ports),
		cmocka_unit_test(test_batch_cidr_ipv6),
		cmocka_unit_test(test_batch_delete),
		cmocka_unit_test(test_batch_bridge_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
