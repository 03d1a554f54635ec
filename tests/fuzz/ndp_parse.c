// SPDX-License-Identifier: MIT
/*
 * libFuzzer: IPv6 packet parsing and the ND parsers (RS, RA, NA, Echo
 * Reply; RA options including RFC 4191 Route Information).  The input is taken once as a raw IPv6 packet, and once as an
 * ICMPv6 message wrapped in a valid IPv6 header (first octet: hop limit,
 * second: source kind) so the checksum never hides the ND parsers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/ndp.h"
#include "dhcp/proto6.h"

static void nd(const struct ip6_view *v)
{
	struct ndp_rs rs;
	struct ndp_ra ra;
	struct ndp_na na;
	uint16_t id, seq;

	ndp_rs_parse(v, &rs);
	if (ndp_ra_parse(v, &ra) == NDP_OK) {
		if (ra.npfx > NDP_MAX_PREFIXES || ra.ndns > NDP_MAX_DNS ||
		    ra.nroutes > NDP_MAX_ROUTES)
			abort();
		for (size_t i = 0; i < ra.nroutes; i++)
			if (ra.route[i].len > 128 || ra.route[i].pref == ND_PREF_RESERVED)
				abort();
		if (ra.dnssl && (ra.dnssl < v->l4 || ra.dnssl + ra.dnssl_len > v->l4 + v->l4_len))
			abort();
		/* What parses builds again. */
		static uint8_t out[2048];
		ra.dnssl_len = ra.dnssl_len > 1000 ? 1000 : ra.dnssl_len;
		if (ndp_ra_build(out, sizeof(out), &ra) < 16)
			abort();
	}
	ndp_na_parse(v, &na);
	ndp_echo_reply_parse(v, &id, &seq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[IP6_HDR_LEN + 65536];
	struct ip6_view v;
	struct in6_addr src = { { { 0xfe, 0x80, [15] = 1 } } }, dst = { { { 0xff, 2, [15] = 1 } } };
	int n;

	if (ip6_parse(&v, data, size) == IP6_OK) {
		if (v.l4 < data || v.l4 + v.l4_len > data + size)
			abort();
		nd(&v);
	}
	if (size < 2)
		return 0;
	if (data[1] & 1)
		memset(&src, 0, sizeof(src));
	else if (data[1] & 2)
		src.s6_addr[0] = 0xfd;
	if (data[1] & 4)
		dst.s6_addr[0] = 0xfd;
	n = ip6_build_icmp(pkt, sizeof(pkt), &src, &dst, data[0], data + 2, size - 2);
	if (n < 0)
		return 0;
	if (ip6_parse(&v, pkt, (size_t)n) != IP6_OK)
		abort();
	nd(&v);
	return 0;
}
