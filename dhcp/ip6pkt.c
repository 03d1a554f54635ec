// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "dhcp/frame.h"
#include "dhcp/ip6pkt.h"
#include "dhcp/proto6.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 8200 8.1: source, destination, upper-layer length, next header. */
static uint16_t l4_csum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
			const uint8_t *l4, size_t len)
{
	uint32_t sum = dhcp_csum_add(0, src, 16);

	sum = dhcp_csum_add(sum, dst, 16);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
	sum = dhcp_csum_add(sum, l4, len);
	return (uint16_t)~dhcp_csum_fold(sum);
}

int ip6_parse(struct ip6_view *v, const uint8_t *p, size_t len)
{
	return ip6_parse_ex(v, p, len, false);
}

int ip6_parse_ex(struct ip6_view *v, const uint8_t *p, size_t len, bool csum_offloaded)
{
	size_t plen;

	if (len < IP6_HDR_LEN)
		return IP6_SHORT;
	if (p[0] >> 4 != 6)
		return IP6_VERSION;
	plen = get16(p + 4);
	/* Ethernet pads short frames: the payload length field is the truth. */
	if (plen > len - IP6_HDR_LEN)
		return IP6_SHORT;
	v->next_hdr = p[6];
	v->hop_limit = p[7];
	memcpy(&v->src, p + 8, 16);
	memcpy(&v->dst, p + 24, 16);
	v->l4 = p + IP6_HDR_LEN;
	v->l4_len = plen;
	v->sport = v->dport = 0;
	/*
	 * Neither DHCPv6 nor ND messages from a host on the link carry
	 * extension headers; refusing them keeps the parser small (a
	 * fragment could hide the header the checks below rely on).
	 */
	switch (v->next_hdr) {
	case IP6_NH_UDP:
		if (plen < 8 || get16(v->l4 + 4) != plen)
			return IP6_L4_LEN;
		/* RFC 8200 8.1: a zero UDP checksum is invalid over IPv6. */
		if (!csum_offloaded && (get16(v->l4 + 6) == 0 ||
					l4_csum(&v->src, &v->dst, IP6_NH_UDP, v->l4, plen) != 0))
			return IP6_CSUM;
		v->sport = get16(v->l4);
		v->dport = get16(v->l4 + 2);
		v->l4 += 8;
		v->l4_len -= 8;
		return IP6_OK;
	case IP6_NH_ICMPV6:
		/* RFC 4443 2.1: type, code, checksum are the least an ICMPv6 message has. */
		if (plen < 4)
			return IP6_L4_LEN;
		if (!csum_offloaded && l4_csum(&v->src, &v->dst, IP6_NH_ICMPV6, v->l4, plen) != 0)
			return IP6_CSUM;
		return IP6_OK;
	default:
		return IP6_NEXT_HDR;
	}
}

const char *ip6_parse_err_name(int err)
{
	static const char *const names[IP6_PARSE__MAX] = {
		[IP6_OK] = "ok",
		[IP6_SHORT] = "ip6_short",
		[IP6_VERSION] = "ip6_version",
		[IP6_NEXT_HDR] = "ip6_next_header",
		[IP6_L4_LEN] = "ip6_l4_length",
		[IP6_CSUM] = "ip6_checksum",
	};
	return err >= 0 && err < IP6_PARSE__MAX ? names[err] : "unknown";
}

static void hdr(uint8_t *out, const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
		uint8_t hop, size_t plen)
{
	out[0] = 0x60;
	out[1] = out[2] = out[3] = 0;
	out[4] = (uint8_t)(plen >> 8);
	out[5] = (uint8_t)plen;
	out[6] = nh;
	out[7] = hop;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, dst, 16);
}

int ip6_build_udp(uint8_t *out, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
		  uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t *u = out + IP6_HDR_LEN;
	size_t ulen = 8 + len;
	uint16_t c;

	if (ulen > 0xffff || IP6_HDR_LEN + ulen > cap)
		return -ENOSPC;
	hdr(out, src, dst, IP6_NH_UDP, 64, ulen);
	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = (uint8_t)(ulen >> 8);
	u[5] = (uint8_t)ulen;
	u[6] = u[7] = 0;
	memmove(u + 8, payload, len);
	c = l4_csum(src, dst, IP6_NH_UDP, u, ulen);
	/* RFC 768 / RFC 8200 8.1: a computed zero goes out as all ones. */
	if (c == 0)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	return (int)(IP6_HDR_LEN + ulen);
}

int ip6_build_icmp(uint8_t *out, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t hop_limit, const uint8_t *icmp, size_t len)
{
	uint8_t *m = out + IP6_HDR_LEN;
	uint16_t c;

	if (len < 4 || len > 0xffff || IP6_HDR_LEN + len > cap)
		return -ENOSPC;
	hdr(out, src, dst, IP6_NH_ICMPV6, hop_limit, len);
	memmove(m, icmp, len);
	m[2] = m[3] = 0;
	c = l4_csum(src, dst, IP6_NH_ICMPV6, m, len);
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	return (int)(IP6_HDR_LEN + len);
}

void ip6_ll_from_mac(struct in6_addr *out, const uint8_t mac[6])
{
	uint8_t *a = out->s6_addr;

	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = mac[0] ^ 0x02; /* RFC 4291 appendix A: invert the universal/local bit */
	a[9] = mac[1];
	a[10] = mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = mac[3];
	a[14] = mac[4];
	a[15] = mac[5];
}

void ip6_solicited_node(struct in6_addr *out, const struct in6_addr *addr)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };

	memcpy(out->s6_addr, pfx, 13);
	memcpy(out->s6_addr + 13, addr->s6_addr + 13, 3);
}

void ip6_mcast_mac(uint8_t mac[6], const struct in6_addr *group)
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->s6_addr + 12, 4);
}

bool ip6_is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}
