// SPDX-License-Identifier: MIT
/* State cache -> IPv6 configuration (the pod shapes of CNI ptp, bridge and Calico). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "dhcp/config.h"
#include "dhcp/config6.h"
#include "tests/unit/dhcp/pkt6.h"

#define HEAD \
	"{\"version\": 1, \"iface\": \"eth0\", \"pod\": {\"mac\": \"62:b1:b5:02:ff:79\", \"mtu\": 1500,"
#define BINDING                                                                        \
	" \"binding\": {\"bridge\": \"k6t-eth0\", \"bridge_addr\": \"169.254.75.10\"," \
	"  \"guest_mac\": \"62:b1:b5:02:ff:79\", \"mtu\": 1450, \"l2_only\": false}}"

/* CNI ptp, dual-stack: the /64 is routed via the gateway, not on-link. */
static const char *PTP = HEAD
	"  \"ipv4\": [{\"address\": \"10.244.2.2\", \"prefix\": 24}],"
	"  \"ipv6\": [{\"address\": \"fd00:10:244:2::2\", \"prefix\": 64, \"scope\": \"global\"},"
	"            {\"address\": \"fe80::4404:4ff:fed3:5c81\", \"prefix\": 64, \"scope\": \"link\"}],"
	"  \"routes\": ["
	"   {\"family\": 6, \"dst\": \"fd00:10:244:2::1\", \"prefix\": 128, \"gateway\": null, \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"fd00:10:244:2::\", \"prefix\": 64, \"gateway\": \"fd00:10:244:2::1\", \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"fe80::\", \"prefix\": 64, \"gateway\": null, \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"::\", \"prefix\": 0, \"gateway\": \"fd00:10:244:2::1\", \"table\": 254}],"
	"  \"dns\": {\"nameservers\": [\"10.96.0.10\", \"fd00:10:96::a\", \"fe80::53%eth0\"],"
	"           \"search\": [\"default.svc.cluster.local\", \"bad_one\", \"svc.cluster.local.\"]}}," BINDING;

/* CNI bridge: the /64 on-link (kernel prefix route), an EUI-64 address. */
static const char *BRIDGE = HEAD
	"  \"ipv6\": [{\"address\": \"fd00:1::60b1:b5ff:fe02:ff79\", \"prefix\": 64}],"
	"  \"routes\": ["
	"   {\"family\": 6, \"dst\": \"fd00:1::\", \"prefix\": 64, \"gateway\": null, \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"::\", \"prefix\": 0, \"gateway\": \"fd00:1::1\", \"table\": 254}]}," BINDING;

/* Calico-style: a /128 and a link-local gateway; no IPv4 at all. */
static const char *CALICO = HEAD
	"  \"ipv4\": [],"
	"  \"ipv6\": [{\"address\": \"fd00:5::a\", \"prefix\": 128}],"
	"  \"routes\": ["
	"   {\"family\": 6, \"dst\": \"::\", \"prefix\": 0, \"gateway\": \"fe80::1\", \"table\": 254}]}," BINDING;

/* Calico with more routes via fe80::1 (RFC 4191 Route Information candidates). */
static const char *ROUTES = HEAD
	"  \"ipv6\": [{\"address\": \"fd00:5::a\", \"prefix\": 128}],"
	"  \"routes\": ["
	"   {\"family\": 6, \"dst\": \"fd00:96::\", \"prefix\": 108, \"gateway\": \"fe80::1\", \"table\": 254, \"type\": 1, \"pref\": \"high\"},"
	"   {\"family\": 6, \"dst\": \"fd00:97::ff\", \"prefix\": 48, \"gateway\": \"fe80::1\", \"pref\": \"low\"},"
	"   {\"family\": 6, \"dst\": \"fd00:98::\", \"prefix\": 64, \"gateway\": null, \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"fd00:99::\", \"prefix\": 64, \"gateway\": \"fe80::2\", \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"fd00:9a::\", \"prefix\": 64, \"gateway\": \"fe80::1\", \"table\": 100},"
	"   {\"family\": 6, \"dst\": \"fd00:9b::\", \"prefix\": 64, \"gateway\": \"fe80::1\", \"type\": 6},"
	"   {\"family\": 4, \"dst\": \"10.96.0.0\", \"prefix\": 12, \"gateway\": \"10.0.0.1\", \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"::\", \"prefix\": 0, \"gateway\": \"fe80::1\", \"table\": 254, \"pref\": \"medium\"}]}," BINDING;

static const char *V4ONLY = HEAD
	"  \"ipv4\": [{\"address\": \"10.244.2.2\", \"prefix\": 24}],"
	"  \"ipv6\": [{\"address\": \"fe80::1\", \"prefix\": 64}], \"routes\": []}," BINDING;

/* Masquerade on the same dual-stack pod: the guest's private IPv6 subnet, or none. */
#define MASQ_BINDING(V6)                                                                                      \
	" \"binding\": {\"kind\": \"masquerade\", \"bridge\": \"k6t-eth0\","                                  \
	"  \"bridge_addr\": \"10.0.2.1\", \"guest_mac\": \"62:b1:b5:02:ff:79\", \"mtu\": 1450,"               \
	"  \"l2_only\": false, \"masq\": {\"table\": \"podlaunch-eth0\", \"ipv4\": {\"guest\": \"10.0.2.2\"," \
	"   \"gateway\": \"10.0.2.1\", \"prefix\": 24, \"pod\": \"10.244.2.2\"}, \"ipv6\": " V6               \
	","                                                                                                   \
	"   \"ports\": []}}}"
#define MASQ_POD                                                                                                       \
	HEAD "  \"ipv4\": [{\"address\": \"10.244.2.2\", \"prefix\": 24}],"                                            \
	     "  \"ipv6\": [{\"address\": \"fd00:10:244:2::2\", \"prefix\": 64, \"scope\": \"global\"}],"               \
	     "  \"routes\": ["                                                                                         \
	     "   {\"family\": 6, \"dst\": \"::\", \"prefix\": 0, \"gateway\": \"fd00:10:244:2::1\", \"table\": 254}]," \
	     "  \"dns\": {\"nameservers\": [\"fd00:10:96::a\"], \"search\": [\"svc.cluster.local\"]}},"
static const char *MASQ6 = MASQ_POD MASQ_BINDING(
	"{\"guest\": \"fd10:0:2::2\", \"gateway\": \"fd10:0:2::1\", \"prefix\": 120, \"pod\": \"fd00:10:244:2::2\"}");
static const char *MASQ4 = MASQ_POD MASQ_BINDING("null");

static int setup(void **state)
{
	log_set_fd(open("/dev/null", O_WRONLY));
	return 0;
}

static struct dhcp6_config c;

static void load(const char *json)
{
	struct err why = { 0 };

	memset(&c, 0, sizeof(c));
	assert_int_equal(dhcp6_config_from_json(&c, json, strlen(json), &why), 0);
}

static void test_ptp(void **state)
{
	struct in6_addr a = a6("fd00:10:244:2::2"), gw = a6("fd00:10:244:2::1"),
			pfx = a6("fd00:10:244:2::"), ns = a6("fd00:10:96::a");

	load(PTP);
	assert_true(c.enabled);
	assert_string_equal(c.bridge, "k6t-eth0");
	assert_memory_equal(c.guest_mac, GUEST_MAC6, 6);
	assert_int_equal(c.mtu, 1450);
	assert_int_equal(c.naddr, 1); /* the link-local one is not served */
	assert_memory_equal(&c.addr[0], &a, 16);
	assert_int_equal(c.npfx, 1);
	assert_memory_equal(&c.pfx[0].prefix, &pfx, 16);
	assert_int_equal(c.pfx[0].len, 64);
	assert_false(c.pfx[0].onlink);	   /* routed via the gateway */
	assert_false(c.pfx[0].autonomous); /* ::2 is not the guest's EUI-64 */
	assert_true(c.has_default);
	assert_memory_equal(&c.gateway, &gw, 16);
	assert_int_equal(c.ndns, 1); /* IPv4 and link-local nameservers left out */
	assert_memory_equal(&c.dns[0], &ns, 16);
	assert_int_equal(c.nsearch, 2);
	assert_string_equal(c.search[1], "svc.cluster.local");
	/* The /64 via the gateway is a route for the RA to announce. */
	assert_int_equal(c.nroutes, 1);
	assert_memory_equal(&c.route[0].prefix, &pfx, 16);
	assert_int_equal(c.route[0].len, 64);
	assert_int_equal(c.route[0].pref, 0);
	assert_int_equal(c.routes_skipped, 0);
}

static void test_routes(void **state)
{
	struct in6_addr p96 = a6("fd00:96::"), p97 = a6("fd00:97::");
	static char nodef[4096];

	load(ROUTES);
	assert_true(c.has_default);
	/* Via the gateway, main table, unicast: in cache order, host bits cleared. */
	assert_int_equal(c.nroutes, 2);
	assert_memory_equal(&c.route[0].prefix, &p96, 16);
	assert_int_equal(c.route[0].len, 108);
	assert_int_equal(c.route[0].pref, 1); /* high */
	assert_memory_equal(&c.route[1].prefix, &p97, 16);
	assert_int_equal(c.route[1].len, 48);
	assert_int_equal(c.route[1].pref, 3); /* low */
	/* fd00:99::/64 via fe80::2 cannot be said in an RA from fe80::1. */
	assert_int_equal(c.routes_skipped, 1);

	/* No default route: no router to speak for, so no routes either. */
	assert_true(strlen(ROUTES) < sizeof(nodef));
	strcpy(nodef, ROUTES);
	*strstr(nodef, "\"prefix\": 0,") = 0; /* the default route: made on-link */
	strcat(nodef, "\"prefix\": 0, \"gateway\": null}]}," BINDING);
	load(nodef);
	assert_false(c.has_default);
	assert_int_equal(c.nroutes, 0);
	assert_int_equal(c.routes_skipped, 0);
}

static void test_bridge(void **state)
{
	load(BRIDGE);
	assert_true(c.enabled);
	assert_true(c.pfx[0].onlink);
	assert_true(c.pfx[0].autonomous);
	assert_int_equal(c.ndns, 0);
}

static void test_calico_ipv6_only(void **state)
{
	static struct dhcp_config c4;
	struct in6_addr gw = a6("fe80::1");
	struct err why = { 0 };

	load(CALICO);
	assert_true(c.enabled);
	assert_int_equal(c.pfx[0].len, 128);
	assert_false(c.pfx[0].onlink);
	assert_true(c.has_default);
	assert_memory_equal(&c.gateway, &gw, 16);
	assert_int_equal(c.nroutes, 0);
	/* The IPv4 loader takes an IPv6-only pod as nothing for DHCPv4 to serve. */
	assert_int_equal(dhcp_config_from_json(&c4, CALICO, strlen(CALICO), &why), 0);
	assert_true(c4.l2_only);
}

static void test_masquerade(void **state)
{
	struct in6_addr guest = a6("fd10:0:2::2"), gw = a6("fd10:0:2::1"), pfx = a6("fd10:0:2::"),
			ns = a6("fd00:10:96::a");

	load(MASQ6);
	assert_true(c.enabled);
	assert_true(c.self_router);
	assert_int_equal(c.naddr, 1); /* the private address, never the pod's */
	assert_memory_equal(&c.addr[0], &guest, 16);
	assert_int_equal(c.npfx, 1);
	assert_memory_equal(&c.pfx[0].prefix, &pfx, 16);
	assert_int_equal(c.pfx[0].len, 120);
	assert_true(c.pfx[0].onlink);
	assert_false(c.pfx[0].autonomous); /* a /120 is no SLAAC prefix */
	assert_true(c.has_default);
	assert_memory_equal(&c.gateway, &gw, 16);
	assert_int_equal(c.ndns, 1); /* the pod's DNS and search list */
	assert_memory_equal(&c.dns[0], &ns, 16);
	assert_int_equal(c.nsearch, 1);
	assert_int_equal(c.mtu, 1450);

	/* IPv6 not served by setup (no forwarding): nothing on the private bridge. */
	load(MASQ4);
	assert_false(c.enabled);
	assert_int_equal(c.naddr, 0);
	assert_false(c.has_default);
}

static void test_masquerade_bad(void **state)
{
	static const char *bad[] = {
		MASQ_POD MASQ_BINDING(
			"{\"guest\": \"fd10:0:2::2\", \"gateway\": \"fd10:0:3::1\", \"prefix\": 120}"),
		MASQ_POD MASQ_BINDING(
			"{\"guest\": \"x\", \"gateway\": \"fd10:0:2::1\", \"prefix\": 120}"),
		MASQ_POD MASQ_BINDING(
			"{\"guest\": \"fd10:0:2::2\", \"gateway\": \"fd10:0:2::1\", \"prefix\": 127}"),
		MASQ_POD MASQ_BINDING(
			"{\"guest\": \"fd10:0:2::1\", \"gateway\": \"fd10:0:2::1\", \"prefix\": 120}"),
		MASQ_POD MASQ_BINDING("7"),
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct err why = { 0 };

		memset(&c, 0, sizeof(c));
		assert_int_equal(dhcp6_config_from_json(&c, bad[i], strlen(bad[i]), &why), -EINVAL);
		assert_string_equal(why.msg, "bad binding.masq.ipv6");
	}
}

static void test_no_global(void **state)
{
	load(V4ONLY);
	assert_false(c.enabled);
	assert_int_equal(c.naddr, 0);
	assert_false(c.has_default);
}

static void test_bad(void **state)
{
	static const char *bad[] = {
		"not json",
		"{\"pod\": {}, \"binding\": {\"guest_mac\": \"62:b1:b5:02:ff:79\"}}",
		"{\"pod\": {}, \"binding\": {\"bridge\": \"k6t-eth0\", \"guest_mac\": \"zz\"}}",
		/* common/mac.h: six pairs of hex digits, as the IPv4 loader. */
		"{\"pod\": {}, \"binding\": {\"bridge\": \"k6t-eth0\", \"guest_mac\": \"1:2:3:4:5:6\"}}",
		"{\"pod\": {\"ipv6\": [{\"address\": \"fd00::1::2\", \"prefix\": 64}]},"
		" \"binding\": {\"bridge\": \"b\", \"guest_mac\": \"62:b1:b5:02:ff:79\"}}",
		"{\"pod\": {\"ipv6\": [{\"address\": \"fd00::2\", \"prefix\": 129}]},"
		" \"binding\": {\"bridge\": \"b\", \"guest_mac\": \"62:b1:b5:02:ff:79\"}}",
		"{\"pod\": {\"routes\": [{\"family\": 6, \"dst\": \"::\", \"prefix\": 0, \"gateway\": \"x\"}]},"
		" \"binding\": {\"bridge\": \"b\", \"guest_mac\": \"62:b1:b5:02:ff:79\"}}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct err why = { 0 };

		memset(&c, 0, sizeof(c));
		assert_int_equal(dhcp6_config_from_json(&c, bad[i], strlen(bad[i]), &why), -EINVAL);
		assert_int_equal(why.code, EINVAL);
		assert_true(why.msg[0] != 0);
	}
}

static void test_resolv(void **state)
{
	char path[] = "/tmp/test_config6.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct in6_addr ns = a6("fd00::53");

	assert_non_null(f);
	fprintf(f, "# comment\nnameserver 10.96.0.10\nnameserver fe80::1%%eth0\n"
		   "nameserver fd00::53\nsearch a.example\nnameserver not-an-address\n");
	/* a line longer than any fixed buffer */
	fprintf(f, "search");
	for (int i = 0; i < 400; i++)
		fprintf(f, " d%d.example", i);
	fprintf(f, "\n");
	fclose(f);
	load(PTP);
	assert_int_equal(c.ndns, 1);
	assert_int_equal(dhcp6_config_load_resolv(&c, path), 0);
	assert_int_equal(c.ndns, 1); /* IPv4 and link-local ones left out */
	assert_memory_equal(&c.dns[0], &ns, 16);
	unlink(path);
	assert_int_equal(dhcp6_config_load_resolv(&c, path), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ptp, setup),
		cmocka_unit_test_setup(test_bridge, setup),
		cmocka_unit_test_setup(test_calico_ipv6_only, setup),
		cmocka_unit_test_setup(test_masquerade, setup),
		cmocka_unit_test_setup(test_masquerade_bad, setup),
		cmocka_unit_test_setup(test_routes, setup),
		cmocka_unit_test_setup(test_no_global, setup),
		cmocka_unit_test_setup(test_bad, setup),
		cmocka_unit_test_setup(test_resolv, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
