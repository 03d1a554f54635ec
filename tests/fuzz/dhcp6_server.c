// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the whole IPv6 request -> reply path (serve6: IPv6/UDP or
 * ICMPv6 in, DHCPv6 reply or RA out) with the send path stubbed.  The
 * first octet picks the frame's source MAC (guest or foreign), a
 * multicast or unicast destination, a link-local or global source, and
 * whether the rest is a raw IPv6 packet or a DHCPv6/ICMPv6 payload to
 * wrap in valid headers; the second advances the clock and (bit 1) picks
 * the masquerade configuration (the bridge as the router, a private /120
 * on-link) over the first octet's two bridge-binding ones.  Every packet out
 * must parse back, fit the link and go to the guest MAC.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "common/log.h"
#include "dhcp/proto6.h"
#include "dhcp/serve6.h"

static struct serve6 srv[3];
static struct ip6_out out;
static const uint8_t guest[6] = { 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };
static const uint8_t gw[6] = { 0xae, 0x97, 0xc8, 0x30, 0xca, 0x1b };
static const uint8_t bridge[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static uint64_t now = 1000;

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static void config(struct dhcp6_config *c, int big)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->bridge, sizeof(c->bridge), "k6t-eth0");
	memcpy(c->guest_mac, guest, 6);
	c->mtu = big ? 0 : 1500;
	c->addr[c->naddr++] = a6("fd00:10:244:2::2");
	if (big)
		c->addr[c->naddr++] = a6("fd00:20::2");
	c->pfx[c->npfx++] = (struct dhcp6_prefix){ a6("fd00:10:244:2::"), 64, big, big };
	c->has_default = true;
	/* one global gateway (discovery runs), one link-local (RAs at once) */
	c->gateway = a6(big ? "fe80::1" : "fd00:10:244:2::1");
	/* RFC 4191 routes in every RA: one, or as many as the config holds */
	for (int i = 0; i < (big ? DHCP6_MAX_ROUTES : 1); i++)
		c->route[c->nroutes++] = (struct dhcp6_route){ a6("fd00:96::"),
							       (uint8_t)(64 + 8 * i),
							       (uint8_t)(i % 2) };
	c->dns[c->ndns++] = a6("fd00::10");
	c->lease_time = big ? 3600 : DHCP6_INFINITY;
	for (int i = 0; i < (big ? DHCP_MAX_SEARCH : 2); i++)
		snprintf(c->search[c->nsearch++], sizeof(c->search[0]),
			 "ns%d.a-long-label-for-size.svc.cluster.local", i);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct dhcp6_config c;
	struct in6_addr ll = a6("fe80::11:22ff:fe33:4455");

	log_set_fd(open("/dev/null", O_WRONLY));
	for (int i = 0; i < 2; i++) {
		config(&c, i);
		if (serve6_configure(&srv[i], &c, bridge, &ll, 42 + i, now))
			abort();
	}
	/* Masquerade: fd10:0:2::2 behind NAT66, RAs from the bridge itself. */
	config(&c, 0);
	c.addr[0] = a6("fd10:0:2::2");
	c.pfx[0] = (struct dhcp6_prefix){ a6("fd10:0:2::"), 120, true, false };
	c.gateway = a6("fd10:0:2::1");
	c.self_router = true;
	if (serve6_configure(&srv[2], &c, bridge, &ll, 44, now))
		abort();
	return 0;
}

static void check_out(struct serve6 *s)
{
	struct ip6_view v;
	static struct dhcp6_msg m;

	if (out.len > sizeof(out.buf) || ip6_parse(&v, out.buf, out.len) != IP6_OK)
		abort();
	if (v.next_hdr == IP6_NH_UDP) {
		size_t max = (s->dhcp.cfg.mtu ? s->dhcp.cfg.mtu : IP6_MIN_MTU) - 48;

		if (v.l4_len > max || memcmp(out.dst_mac, guest, 6) || v.sport != DHCP6_SERVER_PORT)
			abort();
		if (v.l4[0] != DHCP6_ADVERTISE && v.l4[0] != DHCP6_REPLY)
			abort();
		if (dhcp6_msg_parse(&m, v.l4, v.l4_len) != DHCP6_PARSE_OK || !m.serverid)
			abort();
	} else if (v.l4[0] == ND_ROUTER_ADVERT) {
		struct ndp_ra ra;

		if (ndp_ra_parse(&v, &ra) != NDP_OK || memcmp(out.dst_mac, guest, 6))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[1600];
	struct serve6 *s;
	struct in6_addr src, dst;
	const uint8_t *mac;
	uint64_t next;
	int n;

	if (size < 3)
		return 0;
	s = &srv[data[1] & 2 ? 2 : data[0] & 1];
	mac = data[0] & 2 ? guest : (data[0] & 4 ? gw : bridge);
	src = a6(data[0] & 8 ? "fd00:10:244:2::1" : "fe80::60b1:b5ff:fe02:ff79");
	dst = a6(data[0] & 16 ? "fe80::11:22ff:fe33:4455" : "ff02::1:2");
	now += data[1] * 37u;
	if (data[0] & 32) {
		n = (int)size - 2;
		if (n > (int)sizeof(pkt))
			return 0;
		memcpy(pkt, data + 2, (size_t)n);
	} else if (data[0] & 64) {
		n = ip6_build_icmp(pkt, sizeof(pkt), &src, &dst, data[0] & 128 ? 255 : 64, data + 2,
				   size - 2);
	} else {
		n = ip6_build_udp(pkt, sizeof(pkt), &src, &dst, DHCP6_CLIENT_PORT,
				  data[0] & 128 ? 53 : DHCP6_SERVER_PORT, data + 2, size - 2);
	}
	if (n < 0)
		return 0;
	if (serve6_input(s, now, mac, pkt, (size_t)n, data[1] & 1, &out) == 1)
		check_out(s);
	for (int i = 0; i < 4 && serve6_output(s, now, &out, &next) == 1; i++)
		check_out(s);
	return 0;
}
