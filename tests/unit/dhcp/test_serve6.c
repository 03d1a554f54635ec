// SPDX-License-Identifier: MIT
/*
 * The whole IPv6 path (serve6): IPv6/UDP or ICMPv6 packets in, reply
 * packets out, framed to the guest MAC; and the hot path allocates nothing
 * (malloc/calloc/realloc interposed and counted: alloc_count.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <cmocka.h>
#include <jansson.h>

#include "common/log.h"
#include "dhcp/serve6.h"
#include "tests/unit/dhcp/alloc_count.h"
#include "tests/unit/dhcp/pkt6.h"

static struct serve6 s;
static struct ip6_out out;
static struct dhcp6_config cfg;
static const struct in6_addr *bll_p;

static int setup(void **state)
{
	static struct in6_addr bll;

	log_set_fd(open("/dev/null", O_WRONLY));
	memset(&s, 0, sizeof(s));
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.guest_mac, GUEST_MAC6, 6);
	cfg.mtu = 1500;
	cfg.addr[0] = a6("fd00:10:244:2::2");
	cfg.naddr = 1;
	cfg.pfx[0] = (struct dhcp6_prefix){ a6("fd00:10:244:2::"), 64, false, false };
	cfg.npfx = 1;
	cfg.has_default = true;
	cfg.gateway = a6("fe80::1");
	cfg.dns[0] = a6("fd00::10");
	cfg.ndns = 1;
	cfg.lease_time = DHCP6_INFINITY;
	bll = a6("fe80::11:22ff:fe33:4455");
	bll_p = &bll;
	assert_int_equal(serve6_configure(&s, &cfg, BRIDGE_MAC6, &bll, 1, 0), 0);
	return 0;
}

static size_t udp(uint8_t *b, const char *src, const char *dst, uint16_t dport,
		  const struct pkt6 *m)
{
	struct in6_addr sa = a6(src), da = a6(dst);
	int n = ip6_build_udp(b, 1500, &sa, &da, DHCP6_CLIENT_PORT, dport, m->b, m->len);

	assert_true(n > 0);
	return (size_t)n;
}

static void test_solicit_to_reply(void **state)
{
	static uint8_t b[1500];
	struct pkt6 m;
	struct ip6_view v;
	struct in6_addr cll = a6("fe80::60b1:b5ff:fe02:ff79");
	size_t n;

	m6_init(&m, DHCP6_SOLICIT);
	m6_clientid(&m);
	m6_opt(&m, D6O_RAPID_COMMIT, NULL, 0);
	m6_ia_na(&m, 1, NULL);
	n = udp(b, "fe80::60b1:b5ff:fe02:ff79", "ff02::1:2", DHCP6_SERVER_PORT, &m);
	assert_int_equal(serve6_input(&s, 0, GUEST_MAC6, b, n, false, &out), 1);
	assert_memory_equal(out.dst_mac, GUEST_MAC6, 6);
	assert_int_equal(ip6_parse(&v, out.buf, out.len), IP6_OK);
	assert_int_equal(v.sport, DHCP6_SERVER_PORT);
	assert_int_equal(v.dport, DHCP6_CLIENT_PORT);
	assert_memory_equal(&v.dst, &cll, 16);
	assert_memory_equal(&v.src, bll_p, 16);
	assert_int_equal(v.l4[0], DHCP6_REPLY);

	/* Not port 547, a global source, a bad checksum, a foreign MAC: nothing out. */
	n = udp(b, "fe80::60b1:b5ff:fe02:ff79", "ff02::1:2", 53, &m);
	assert_int_equal(serve6_input(&s, 0, GUEST_MAC6, b, n, false, &out), 0);
	n = udp(b, "fd00::9", "ff02::1:2", DHCP6_SERVER_PORT, &m);
	assert_int_equal(serve6_input(&s, 0, GUEST_MAC6, b, n, false, &out), 0);
	assert_int_equal(s.not_ours, 2);
	n = udp(b, "fe80::60b1:b5ff:fe02:ff79", "ff02::1:2", DHCP6_SERVER_PORT, &m);
	b[n - 1] ^= 0x40;
	assert_int_equal(serve6_input(&s, 0, GUEST_MAC6, b, n, false, &out), 0);
	assert_int_equal(s.dropped_ip6[IP6_CSUM], 1);
	/* a local sender's offloaded checksum is not checked */
	assert_int_equal(serve6_input(&s, 0, GUEST_MAC6, b, n, true, &out), 1);
	b[n - 1] ^= 0x40;
	assert_int_equal(serve6_input(&s, 0, BRIDGE_MAC6, b, n, false, &out), 0);
	assert_int_equal(s.dhcp.cnt.dropped[DHCP6_DROP_FOREIGN_MAC], 1);
	assert_int_equal(serve6_drops(&s), 4);
}

static void test_hot_path_no_alloc(void **state)
{
#ifdef UNDER_ASAN
	skip();
#else
	static uint8_t b[6][1500];
	size_t n[6];
	struct pkt6 m;
	uint8_t rs[16] = { ND_ROUTER_SOLICIT,	 0, 0,	  0,	0,    0,    0,	  0,
			   ND_OPT_SOURCE_LLADDR, 1, 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };
	struct in6_addr src = a6("fe80::60b1:b5ff:fe02:ff79"), dst = a6("ff02::2");
	uint64_t next, now = 0;

	log_set_level(LOG_LVL_ERROR);
	m6_init(&m, DHCP6_SOLICIT);
	m6_clientid(&m);
	m6_ia_na(&m, 1, NULL);
	n[0] = udp(b[0], "fe80::60b1:b5ff:fe02:ff79", "ff02::1:2", DHCP6_SERVER_PORT, &m);
	m6_init(&m, DHCP6_REQUEST);
	m6_clientid(&m);
	m6_opt(&m, D6O_SERVERID, s.dhcp.duid, 10);
	m6_ia_na(&m, 1, "fd00:10:244:9::2");
	n[1] = udp(b[1], "fe80::60b1:b5ff:fe02:ff79", "ff02::1:2", DHCP6_SERVER_PORT, &m);
	m6_init(&m, DHCP6_CONFIRM);
	m6_clientid(&m);
	m6_ia_na(&m, 1, "fd00:10:244:2::2");
	n[2] = udp(b[2], "fe80::60b1:b5ff:fe02:ff79", "ff02::1:2", DHCP6_SERVER_PORT, &m);
	m6_init(&m, DHCP6_INFORMATION_REQUEST);
	n[3] = udp(b[3], "fe80::60b1:b5ff:fe02:ff79", "ff02::1:2", DHCP6_SERVER_PORT, &m);
	n[4] = (size_t)ip6_build_icmp(b[4], 1500, &src, &dst, 255, rs, sizeof(rs));
	memcpy(b[5], b[0], n[0]);
	n[5] = n[0];
	b[5][50] ^= 1; /* bad checksum */

	alloc_count_start();
	json_decref(json_object());
	assert_true(alloc_count_stop() > 0);

	alloc_count_start();
	for (int round = 0; round < 1000; round++) {
		for (int i = 0; i < 6; i++)
			serve6_input(&s, now, GUEST_MAC6, b[i], n[i], false, &out);
		now += 1000;
		while (serve6_output(&s, now, &out, &next) == 1)
			;
	}
	assert_int_equal(alloc_count_stop(), 0);
	assert_int_equal(s.dhcp.cnt.advertises, 1000);
	assert_int_equal(s.dhcp.cnt.replies, 3000);
	assert_int_equal(s.dhcp.cnt.not_on_link, 1000);
	assert_int_equal(s.ra.cnt.rs, 1000);
	assert_true(s.ra.cnt.ra_sent >= 1000);
	assert_int_equal(s.dropped_ip6[IP6_CSUM], 1000);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_solicit_to_reply, setup),
		cmocka_unit_test_setup(test_hot_path_no_alloc, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
