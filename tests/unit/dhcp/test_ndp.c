// SPDX-License-Identifier: MIT
/*
 * IPv6 packet parsing/building, ND message validity (RFC 4861 6.1, 7.1),
 * the RA encoder (RFC 4861 4.2, RFC 4191 2.3, RFC 8106) and the router advertiser:
 * gateway discovery, RS answers and RA timing (RFC 4861 6.2.4, 6.2.6).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <cmocka.h>

#include "common/log.h"
#include "dhcp/ndp.h"
#include "dhcp/ra.h"
#include "tests/unit/dhcp/pkt6.h"

static uint8_t buf[1500];
static struct ip6_view v;
static struct ra_router rr;
static struct ip6_out out;

static int setup(void **state)
{
	log_set_fd(open("/dev/null", O_WRONLY));
	return 0;
}

static int icmp_pkt(const char *src, const char *dst, uint8_t hop, const uint8_t *msg, size_t len)
{
	struct in6_addr s = a6(src), d = a6(dst);
	int n = ip6_build_icmp(buf, sizeof(buf), &s, &d, hop, msg, len);

	assert_true(n > 0);
	return n;
}

static void test_ip6_udp_roundtrip(void **state)
{
	struct in6_addr s = a6("fe80::1"), d = a6("ff02::1:2");
	int n = ip6_build_udp(buf, sizeof(buf), &s, &d, 546, 547, (const uint8_t *)"hello", 5);

	assert_int_equal(n, 40 + 8 + 5);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(v.next_hdr, IP6_NH_UDP);
	assert_int_equal(v.sport, 546);
	assert_int_equal(v.dport, 547);
	assert_int_equal(v.l4_len, 5);
	assert_memory_equal(v.l4, "hello", 5);
	assert_memory_equal(&v.dst, &d, 16);
	/* Ethernet padding after the payload is not part of it. */
	assert_int_equal(ip6_parse(&v, buf, (size_t)n + 7), IP6_OK);
	assert_int_equal(v.l4_len, 5);
	buf[n - 1] ^= 1;
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_CSUM);
	buf[n - 1] ^= 1;
	buf[46] = buf[47] = 0; /* RFC 8200 8.1: zero UDP checksum invalid */
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_CSUM);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n - 1), IP6_SHORT);
	assert_int_equal(ip6_parse(&v, buf, 39), IP6_SHORT);
	buf[6] = 0; /* hop-by-hop extension header */
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_NEXT_HDR);
	buf[0] = 0x45;
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_VERSION);
}

static void test_ip6_addr_helpers(void **state)
{
	struct in6_addr ll, sn, want = a6("fe80::60b1:b5ff:fe02:ff79"), g = a6("fd00:10:244:2::1");
	uint8_t mac[6];

	ip6_ll_from_mac(&ll, GUEST_MAC6);
	assert_memory_equal(&ll, &want, 16);
	ip6_solicited_node(&sn, &g);
	want = a6("ff02::1:ff00:1");
	assert_memory_equal(&sn, &want, 16);
	ip6_mcast_mac(mac, &sn);
	assert_memory_equal(mac, ((uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 1 }), 6);
	assert_true(ip6_is_link_local(&ll));
	assert_false(ip6_is_link_local(&g));
}

static void test_rs_validity(void **state)
{
	uint8_t rs[16] = { ND_ROUTER_SOLICIT,	 0, 0,	  0,	0,    0,    0,	  0,
			   ND_OPT_SOURCE_LLADDR, 1, 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };
	struct ndp_rs out_rs;
	int n;

	n = icmp_pkt("fe80::60b1:b5ff:fe02:ff79", "ff02::2", 255, rs, sizeof(rs));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_rs_parse(&v, &out_rs), NDP_OK);
	assert_true(out_rs.has_slla);
	assert_memory_equal(out_rs.slla, GUEST_MAC6, 6);
	/* 6.1.1: hop limit 255 only */
	n = icmp_pkt("fe80::1", "ff02::2", 254, rs, sizeof(rs));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_rs_parse(&v, &out_rs), NDP_HOP_LIMIT);
	/* unspecified source with an SLLA */
	n = icmp_pkt("::", "ff02::2", 255, rs, sizeof(rs));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_rs_parse(&v, &out_rs), NDP_SOURCE);
	/* an option of length 0 */
	rs[9] = 0;
	n = icmp_pkt("fe80::1", "ff02::2", 255, rs, sizeof(rs));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_rs_parse(&v, &out_rs), NDP_OPTION);
	rs[9] = 1;
	rs[1] = 1; /* code */
	n = icmp_pkt("fe80::1", "ff02::2", 255, rs, sizeof(rs));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_rs_parse(&v, &out_rs), NDP_CODE);
	n = icmp_pkt("fe80::1", "ff02::2", 255, rs, 6);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_rs_parse(&v, &out_rs), NDP_CODE);
}

static void test_ra_roundtrip(void **state)
{
	static const uint8_t names[] = "\3svc\7cluster\5local";
	struct ndp_ra ra = {
		.flags = ND_RA_FLAG_MANAGED | ND_RA_FLAG_OTHER, .router_lifetime = 1800,
		.has_slla = true, .mtu = 1450, .npfx = 1, .ndns = 2, .dns_lifetime = 1800,
		.dnssl = names, .dnssl_len = sizeof(names), .dnssl_lifetime = 1800,
	}, back;
	uint8_t msg[512];
	int n;

	memcpy(ra.slla, GW_MAC6, 6);
	ra.pfx[0] = (struct ndp_prefix){ a6("fd00:10:244:2::"), 64, ND_PI_FLAG_ONLINK, ~0u, ~0u };
	ra.dns[0] = a6("fd00::10");
	ra.dns[1] = a6("fd00::11");
	n = ndp_ra_build(msg, sizeof(msg), &ra);
	/* 16 + SLLA 8 + MTU 8 + PI 32 + RDNSS 40 + DNSSL 8+19 padded to 32 */
	assert_int_equal(n, 16 + 8 + 8 + 32 + 40 + 32);
	n = icmp_pkt("fe80::ac97:c8ff:fe30:ca1b", "ff02::1", 255, msg, (size_t)n);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_ra_parse(&v, &back), NDP_OK);
	assert_int_equal(back.flags, ra.flags);
	assert_int_equal(back.router_lifetime, 1800);
	assert_true(back.has_slla);
	assert_memory_equal(back.slla, GW_MAC6, 6);
	assert_int_equal(back.mtu, 1450);
	assert_int_equal(back.npfx, 1);
	assert_int_equal(back.pfx[0].len, 64);
	assert_int_equal(back.pfx[0].flags, ND_PI_FLAG_ONLINK);
	assert_int_equal(back.ndns, 2);
	assert_int_equal(back.dnssl_len, 32 - 8);
	assert_memory_equal(back.dnssl, names, sizeof(names));
	/* 6.1.2: an RA from a global address is invalid */
	n = icmp_pkt("fd00::1", "ff02::1", 255, msg, 16);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_ra_parse(&v, &back), NDP_SOURCE);
	assert_true(ndp_ra_build(msg, 20, &ra) < 0);
}

/* RFC 4191 2.3: Route Information, each length, Prf, what a host ignores. */
static void test_ra_route_info(void **state)
{
	struct ndp_ra ra = { .router_lifetime = 1800, .nroutes = 4 }, back;
	struct in6_addr p108 = a6("fd00:96::"), p48 = a6("fd00:97::");
	uint8_t msg[256];
	int n;

	ra.route[0] = (struct ndp_route){ a6("::"), 0, ND_PREF_HIGH, 600 };
	/* host bits given: the encoder sends only the prefix's */
	ra.route[1] = (struct ndp_route){ a6("fd00:97::ffff"), 48, ND_PREF_LOW, 1800 };
	ra.route[2] = (struct ndp_route){ a6("fd00:96::"), 108, ND_PREF_MEDIUM, ~0u };
	ra.route[3] = (struct ndp_route){ a6("fd00:98::"), 64, ND_PREF_RESERVED, 1800 };
	n = ndp_ra_build(msg, sizeof(msg), &ra);
	/* 16 + RIO 8 (/0) + 16 (/48) + 24 (/108) + 16 (/64) */
	assert_int_equal(n, 16 + 8 + 16 + 24 + 16);
	/* the wire form: type 24, length, prefix length, Prf in bits 3-4, lifetime, prefix */
	assert_memory_equal(msg + 16, ((uint8_t[]){ 24, 1, 0, 0x08, 0, 0, 0x02, 0x58 }), 8);
	assert_memory_equal(
		msg + 24,
		((uint8_t[]){ 24, 2, 48, 0x18, 0, 0, 0x07, 0x08, 0xfd, 0, 0, 0x97, 0, 0, 0, 0 }),
		16);
	assert_memory_equal(msg + 40, ((uint8_t[]){ 24, 3, 108, 0, 0xff, 0xff, 0xff, 0xff }), 8);
	assert_memory_equal(msg + 48, &p108, 16);
	assert_int_equal(msg[64 + 3], 0); /* reserved Prf sent as medium */
	n = icmp_pkt("fe80::1", "ff02::1", 255, msg, (size_t)n);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_ra_parse(&v, &back), NDP_OK);
	assert_int_equal(back.nroutes, 4);
	assert_int_equal(back.route[0].len, 0);
	assert_int_equal(back.route[0].pref, ND_PREF_HIGH);
	assert_int_equal(back.route[0].lifetime, 600);
	assert_int_equal(back.route[1].len, 48);
	assert_int_equal(back.route[1].pref, ND_PREF_LOW);
	assert_memory_equal(&back.route[1].prefix, &p48, 16);
	assert_int_equal(back.route[2].len, 108);
	assert_int_equal(back.route[2].lifetime, ~0u);
	assert_memory_equal(&back.route[2].prefix, &p108, 16);
	assert_int_equal(back.route[3].pref, ND_PREF_MEDIUM);
	assert_true(ndp_ra_build(msg, 16 + 8 + 16 + 24, &ra) < 0); /* the last one has no room */
	ra.nroutes = NDP_MAX_ROUTES + 1;
	assert_true(ndp_ra_build(msg, sizeof(msg), &ra) < 0);
	ra.nroutes = 1;
	ra.route[0].len = 129;
	assert_true(ndp_ra_build(msg, sizeof(msg), &ra) < 0);

	/* What 3.1 makes a host ignore is left out; the RA itself stays valid. */
	static const uint8_t bad[] = {
		ND_ROUTER_ADVERT,
		0,
		0,
		0,
		0,
		0,
		0x07,
		0x08,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		24,
		2,
		65,
		0,
		0,
		0,
		0,
		9,
		0xfd,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* /65 in 16 octets */
		24,
		1,
		8,
		0,
		0,
		0,
		0,
		9, /* /8 in 8 octets */
		24,
		2,
		16,
		0x10,
		0,
		0,
		0,
		9,
		0xfd,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* Prf 10 */
		24,
		2,
		129,
		0,
		0,
		0,
		0,
		9,
		0xfd,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* over 128 */
		24,
		4,
		16,
		0,
		0,
		0,
		0,
		9,
		0xfd,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* length 4 */
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		24,
		3,
		0,
		0x18,
		0,
		0,
		0,
		9,
		0xfd,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* ::/0 in 24: fine */
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
	};
	n = icmp_pkt("fe80::1", "ff02::1", 255, bad, sizeof(bad));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_ra_parse(&v, &back), NDP_OK);
	assert_int_equal(back.nroutes, 1);
	assert_int_equal(back.route[0].len, 0);
	assert_int_equal(back.route[0].pref, ND_PREF_LOW);
	assert_memory_equal(&back.route[0].prefix, &in6addr_any, 16); /* host bits cleared */
}

static void test_na_validity(void **state)
{
	uint8_t na[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, ND_NA_FLAG_SOLICITED };
	struct in6_addr t = a6("fd00:10:244:2::1");
	struct ndp_na out_na;
	int n;

	memcpy(na + 8, &t, 16);
	na[24] = ND_OPT_TARGET_LLADDR;
	na[25] = 1;
	memcpy(na + 26, GW_MAC6, 6);
	n = icmp_pkt("fd00:10:244:2::1", "fe80::2", 255, na, sizeof(na));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_na_parse(&v, &out_na), NDP_OK);
	assert_true(out_na.has_tlla);
	assert_memory_equal(out_na.tlla, GW_MAC6, 6);
	assert_memory_equal(&out_na.target, &t, 16);
	/* 7.1.2: solicited flag with a multicast destination */
	n = icmp_pkt("fd00:10:244:2::1", "ff02::1", 255, na, sizeof(na));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_na_parse(&v, &out_na), NDP_SOURCE);
	n = icmp_pkt("fd00:10:244:2::1", "fe80::2", 255, na, 20);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	assert_int_equal(ndp_na_parse(&v, &out_na), NDP_SHORT);
}

static void cfg_global_gw(struct dhcp6_config *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->guest_mac, GUEST_MAC6, 6);
	c->mtu = 1500;
	c->addr[0] = a6("fd00:10:244:2::2");
	c->naddr = 1;
	c->pfx[0] = (struct dhcp6_prefix){ a6("fd00:10:244:2::"), 64, true, false };
	c->npfx = 1;
	c->has_default = true;
	c->gateway = a6("fd00:10:244:2::1");
	c->dns[0] = a6("fd00::10");
	c->ndns = 1;
	snprintf(c->search[0], sizeof(c->search[0]), "svc.cluster.local");
	c->nsearch = 1;
	c->lease_time = DHCP6_INFINITY;
}

/* Parse what ra_output produced. */
static void parse_out(void)
{
	assert_int_equal(ip6_parse(&v, out.buf, out.len), IP6_OK);
	assert_int_equal(v.next_hdr, IP6_NH_ICMPV6);
	assert_int_equal(v.hop_limit, 255);
}

static void test_router_discovery(void **state)
{
	static struct dhcp6_config c;
	struct in6_addr bll = a6("fe80::11:22ff:fe33:4455"), gll = a6("fe80::ac97:c8ff:fe30:ca1b");
	uint8_t na[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, ND_NA_FLAG_SOLICITED };
	uint8_t echo[8] = { ICMP6_ECHO_REPLY };
	struct ndp_ra ra;
	uint64_t next;
	int n;

	cfg_global_gw(&c);
	memset(&rr, 0, sizeof(rr));
	ra_configure(&rr, &c, BRIDGE_MAC6, &bll, 1234, 1000);
	assert_int_equal(rr.phase, RA_FIND_MAC);
	/* 1. NS for the gateway, to its solicited-node group, from our link-local */
	assert_int_equal(ra_output(&rr, 1000, &out, &next), 1);
	parse_out();
	assert_int_equal(v.l4[0], ND_NEIGHBOR_SOLICIT);
	assert_memory_equal(out.dst_mac, ((uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 1 }), 6);
	assert_memory_equal(&v.src, &bll, 16);
	assert_int_equal(next, 2000);
	assert_int_equal(ra_output(&rr, 1500, &out, &next), 0); /* retried after 1 s only */
	/* the guest's NA about the gateway target is not believed */
	memcpy(na + 8, &c.gateway, 16);
	n = icmp_pkt("fd00:10:244:2::1", "fe80::11:22ff:fe33:4455", 255, na, 24);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	ra_input(&rr, 1600, GUEST_MAC6, &v);
	assert_int_equal(rr.phase, RA_FIND_MAC);
	ra_input(&rr, 1600, GW_MAC6, &v); /* no TLLA: the frame's source */
	assert_int_equal(rr.phase, RA_FIND_LL);
	/* 2. Echo Request to ff02::1 in a frame to the gateway MAC */
	assert_int_equal(ra_output(&rr, 1600, &out, &next), 1);
	parse_out();
	assert_int_equal(v.l4[0], ICMP6_ECHO_REQUEST);
	assert_memory_equal(out.dst_mac, GW_MAC6, 6);
	echo[4] = v.l4[4];
	echo[5] = v.l4[5];
	/* a reply with another identifier, or from another MAC, is not it */
	n = icmp_pkt("fe80::ac97:c8ff:fe30:ca1b", "fe80::11:22ff:fe33:4455", 64, echo, 8);
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	ra_input(&rr, 1700, GUEST_MAC6, &v);
	assert_int_equal(rr.phase, RA_FIND_LL);
	ra_input(&rr, 1700, GW_MAC6, &v);
	assert_int_equal(rr.phase, RA_READY);
	assert_memory_equal(&rr.router_ll, &gll, 16);
	/* 3. the first RA at once: from the gateway's link-local, to the guest MAC */
	assert_int_equal(ra_output(&rr, 1700, &out, &next), 1);
	parse_out();
	assert_memory_equal(out.dst_mac, GUEST_MAC6, 6);
	assert_memory_equal(&v.src, &gll, 16);
	assert_int_equal(ndp_ra_parse(&v, &ra), NDP_OK);
	assert_int_equal(ra.router_lifetime, RA_ROUTER_LIFETIME);
	assert_int_equal(ra.flags, ND_RA_FLAG_MANAGED | ND_RA_FLAG_OTHER);
	assert_true(ra.has_slla);
	assert_memory_equal(ra.slla, GW_MAC6, 6);
	assert_int_equal(ra.mtu, 1500);
	assert_int_equal(ra.npfx, 1);
	assert_int_equal(ra.pfx[0].flags, ND_PI_FLAG_ONLINK);
	assert_int_equal(ra.ndns, 1);
	assert_true(ra.dnssl_len > 0);
	assert_int_equal(ra.nroutes, 0);
	assert_int_equal(next, 1700 + RA_INITIAL_INTERVAL_MS);
}

static void test_router_ll_gateway_and_timing(void **state)
{
	static struct dhcp6_config c;
	struct in6_addr bll = a6("fe80::11:22ff:fe33:4455");
	uint8_t rs[8] = { ND_ROUTER_SOLICIT };
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };
	struct ndp_ra ra;
	uint64_t next, now = 5000, last;
	int n, sent;

	/* Calico-style: the gateway is fe80::1, nothing to discover; prefix not on-link. */
	cfg_global_gw(&c);
	c.gateway = a6("fe80::1");
	c.pfx[0].onlink = false;
	memset(&rr, 0, sizeof(rr));
	ra_configure(&rr, &c, BRIDGE_MAC6, &bll, 99, now);
	assert_int_equal(rr.phase, RA_READY);
	assert_int_equal(ra_output(&rr, now, &out, &next), 1);
	parse_out();
	assert_memory_equal(&v.src, &c.gateway, 16);
	assert_int_equal(ndp_ra_parse(&v, &ra), NDP_OK);
	assert_false(ra.has_slla);
	assert_int_equal(ra.npfx, 0); /* neither L nor A: no prefix option */
	assert_int_equal(ra.nroutes, 0);
	/* The intervals after the first three RAs capped at 16 s, then in [200, 600] s (6.2.4). */
	last = now;
	for (sent = 1; sent < 8; sent++) {
		assert_int_equal(ra_output(&rr, next - 1, &out, &next), 0);
		now = next;
		assert_int_equal(ra_output(&rr, now, &out, &next), 1);
		if (sent <= RA_INITIAL_COUNT)
			assert_int_equal(now - last, RA_INITIAL_INTERVAL_MS);
		else
			assert_true(now - last >= RA_MIN_INTERVAL_MS &&
				    now - last <= RA_MAX_INTERVAL_MS);
		last = now;
	}
	/* An RS: answered unicast within MAX_RA_DELAY_TIME (6.2.6). */
	n = icmp_pkt("fe80::60b1:b5ff:fe02:ff79", "ff02::2", 255, rs, sizeof(rs));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	ra_input(&rr, now + 10, other, &v);
	assert_int_equal(rr.cnt.dropped[RA_DROP_FOREIGN_MAC], 1);
	assert_false(rr.pending_rs);
	ra_input(&rr, now + 10, GUEST_MAC6, &v);
	assert_true(rr.pending_rs);
	assert_true(rr.rs_due >= now + 10 && rr.rs_due <= now + 10 + RA_MAX_DELAY_MS);
	assert_int_equal(ra_output(&rr, now + 10 + RA_MAX_DELAY_MS, &out, &next), 1);
	parse_out();
	assert_memory_equal(&v.dst,
			    ((uint8_t[]){ 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x60, 0xb1, 0xb5, 0xff,
					  0xfe, 0x02, 0xff, 0x79 }),
			    16);
	/* An RS from :: gets the multicast one, at most every 3 s */
	n = icmp_pkt("::", "ff02::2", 255, rs, sizeof(rs));
	assert_int_equal(ip6_parse(&v, buf, (size_t)n), IP6_OK);
	ra_input(&rr, now + 1000, GUEST_MAC6, &v);
	assert_int_equal(ra_output(&rr, now + 1000 + RA_MAX_DELAY_MS, &out, &next), 0);
	assert_int_equal(next, now + RA_MIN_DELAY_MS);
	assert_int_equal(ra_output(&rr, next, &out, &next), 1);
	parse_out();
	assert_int_equal(v.dst.s6_addr[0], 0xff);
}

static void test_router_no_default(void **state)
{
	static struct dhcp6_config c;
	struct in6_addr bll = a6("fe80::11:22ff:fe33:4455");
	struct ndp_ra ra;
	uint64_t next;

	cfg_global_gw(&c);
	c.has_default = false;
	c.pfx[0].autonomous = true;
	memset(&rr, 0, sizeof(rr));
	ra_configure(&rr, &c, BRIDGE_MAC6, &bll, 7, 0);
	assert_int_equal(ra_output(&rr, 0, &out, &next), 1);
	parse_out();
	assert_memory_equal(&v.src, &bll, 16);
	assert_int_equal(ndp_ra_parse(&v, &ra), NDP_OK);
	assert_int_equal(ra.router_lifetime, 0);
	assert_int_equal(ra.pfx[0].flags, ND_PI_FLAG_ONLINK | ND_PI_FLAG_AUTO);
}

/* Masquerade: the bridge is the router; RAs at once, from its own link-local and MAC. */
static void test_router_self(void **state)
{
	static struct dhcp6_config c;
	struct in6_addr bll = a6("fe80::11:22ff:fe33:4455");
	struct ndp_ra ra;
	uint64_t next;

	cfg_global_gw(&c);
	c.self_router = true;
	c.gateway = a6("fd10:0:2::1");
	c.pfx[0] = (struct dhcp6_prefix){ .prefix = a6("fd10:0:2::"), .len = 120, .onlink = true };
	memset(&rr, 0, sizeof(rr));
	ra_configure(&rr, &c, BRIDGE_MAC6, &bll, 7, 0);
	assert_int_equal(rr.phase, RA_READY); /* no NS/echo discovery */
	assert_int_equal(ra_output(&rr, 0, &out, &next), 1);
	parse_out();
	assert_memory_equal(&v.src, &bll, 16);
	assert_int_equal(ndp_ra_parse(&v, &ra), NDP_OK);
	assert_int_equal(ra.router_lifetime, RA_ROUTER_LIFETIME);
	assert_true(ra.has_slla);
	assert_memory_equal(ra.slla, BRIDGE_MAC6, 6);
	assert_int_equal(ra.npfx, 1);
	assert_int_equal(ra.pfx[0].len, 120);
	assert_int_equal(ra.pfx[0].flags, ND_PI_FLAG_ONLINK);
}

/* The pod's routes via its gateway become Route Information options. */
static void test_router_routes(void **state)
{
	static struct dhcp6_config c;
	struct in6_addr bll = a6("fe80::11:22ff:fe33:4455"), p = a6("fd00:96::");
	struct ndp_ra ra;
	uint64_t next;

	cfg_global_gw(&c);
	c.gateway = a6("fe80::1");
	c.route[0] = (struct dhcp6_route){ p, 108, ND_PREF_HIGH };
	c.route[1] = (struct dhcp6_route){ a6("fd00:10:244:2::"), 64, ND_PREF_MEDIUM };
	c.nroutes = 2;
	memset(&rr, 0, sizeof(rr));
	ra_configure(&rr, &c, BRIDGE_MAC6, &bll, 7, 0);
	assert_int_equal(ra_output(&rr, 0, &out, &next), 1);
	parse_out();
	assert_int_equal(ndp_ra_parse(&v, &ra), NDP_OK);
	assert_int_equal(ra.nroutes, 2);
	assert_memory_equal(&ra.route[0].prefix, &p, 16);
	assert_int_equal(ra.route[0].len, 108);
	assert_int_equal(ra.route[0].pref, ND_PREF_HIGH);
	assert_int_equal(ra.route[0].lifetime, RA_ROUTER_LIFETIME);
	assert_int_equal(ra.route[1].len, 64);
	assert_int_equal(rr.routes_left_out, 0);
	/* A full DNSSL on a 1280 link: the routes that fit, the RA still sent. */
	for (size_t i = 0; i < DHCP_MAX_SEARCH; i++)
		snprintf(c.search[i], sizeof(c.search[0]),
			 "ns%zu.a-long-label-for-size.svc.cluster.local", i);
	c.nsearch = DHCP_MAX_SEARCH;
	c.mtu = 1280;
	for (size_t i = 0; i < DHCP6_MAX_ROUTES; i++)
		c.route[i] = (struct dhcp6_route){ a6("fd00:96::"), 120, ND_PREF_LOW };
	c.nroutes = DHCP6_MAX_ROUTES;
	ra_configure(&rr, &c, BRIDGE_MAC6, &bll, 7, 0);
	assert_true(rr.routes_left_out > 0 && rr.routes_left_out < DHCP6_MAX_ROUTES);
	assert_int_equal(ra_output(&rr, 0, &out, &next), 1);
	assert_true(out.len <= 1280);
	parse_out();
	assert_int_equal(ndp_ra_parse(&v, &ra), NDP_OK);
	assert_int_equal(ra.nroutes, DHCP6_MAX_ROUTES - rr.routes_left_out);
	c.nsearch = 1;
	c.mtu = 1500;
	c.nroutes = 2;
	/* Router lifetime 0 (not the gateway's RA): no routes via us either. */
	c.has_default = false;
	ra_configure(&rr, &c, BRIDGE_MAC6, &bll, 7, 0);
	assert_int_equal(ra_output(&rr, 0, &out, &next), 1);
	parse_out();
	assert_int_equal(ndp_ra_parse(&v, &ra), NDP_OK);
	assert_int_equal(ra.nroutes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ip6_udp_roundtrip, setup),
		cmocka_unit_test_setup(test_ip6_addr_helpers, setup),
		cmocka_unit_test_setup(test_rs_validity, setup),
		cmocka_unit_test_setup(test_ra_roundtrip, setup),
		cmocka_unit_test_setup(test_ra_route_info, setup),
		cmocka_unit_test_setup(test_na_validity, setup),
		cmocka_unit_test_setup(test_router_discovery, setup),
		cmocka_unit_test_setup(test_router_ll_gateway_and_timing, setup),
		cmocka_unit_test_setup(test_router_no_default, setup),
		cmocka_unit_test_setup(test_router_self, setup),
		cmocka_unit_test_setup(test_router_routes, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
