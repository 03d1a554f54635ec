// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "dhcp/ndp.h"
#include "dhcp/proto6.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Clear the bits of p[0..octets) past a prefix of len bits. */
static void clear_host_bits(uint8_t *p, size_t octets, unsigned int len)
{
	for (size_t i = 0; i < octets; i++) {
		unsigned int bits = len > 8 * i ? len - 8 * (unsigned int)i : 0;

		if (bits < 8)
			p[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static bool unspecified(const struct in6_addr *a)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;

	return !memcmp(a, &any, 16);
}

/* The checks common to every ND message (RFC 4861 6.1.1, 6.1.2, 7.1.2). */
static int nd_common(const struct ip6_view *v, uint8_t type, size_t fixed)
{
	if (v->next_hdr != IP6_NH_ICMPV6 || v->l4_len < 1 || v->l4[0] != type)
		return NDP_NOT_ND;
	/* "The IP Hop Limit field has a value of 255": not forwarded by a router. */
	if (v->hop_limit != ND_HOP_LIMIT)
		return NDP_HOP_LIMIT;
	if (v->l4_len < 2 || v->l4[1] != 0)
		return NDP_CODE;
	if (v->l4_len < fixed)
		return NDP_SHORT;
	return NDP_OK;
}

/*
 * RFC 4861 4.6: options in units of 8 octets; "Nodes MUST silently
 * discard an ND packet that contains an option with length zero."
 * fn sees each option (type, the whole option, its length in octets).
 */
typedef void (*nd_opt_fn)(void *ctx, uint8_t type, const uint8_t *o, size_t len);

static int nd_opts(const uint8_t *p, size_t len, nd_opt_fn fn, void *ctx)
{
	while (len) {
		size_t olen;

		if (len < 2)
			return NDP_OPTION;
		olen = (size_t)p[1] * 8;
		if (olen == 0 || olen > len)
			return NDP_OPTION;
		fn(ctx, p[0], p, olen);
		p += olen;
		len -= olen;
	}
	return NDP_OK;
}

/* RFC 4861 4.6.1: the link-layer address option for Ethernet is 8 octets. */
static bool lladdr(const uint8_t *o, size_t len, uint8_t mac[6])
{
	if (len != 8)
		return false;
	memcpy(mac, o + 2, 6);
	return true;
}

static void rs_opt(void *ctx, uint8_t type, const uint8_t *o, size_t len)
{
	struct ndp_rs *rs = ctx;

	if (type == ND_OPT_SOURCE_LLADDR)
		rs->has_slla = lladdr(o, len, rs->slla);
}

int ndp_rs_parse(const struct ip6_view *v, struct ndp_rs *rs)
{
	int ret = nd_common(v, ND_ROUTER_SOLICIT, 8);

	memset(rs, 0, sizeof(*rs));
	if (ret)
		return ret;
	ret = nd_opts(v->l4 + 8, v->l4_len - 8, rs_opt, rs);
	if (ret)
		return ret;
	/* 6.1.1: "If the IP source address is the unspecified address, there is no source link-layer address option." */
	if (unspecified(&v->src) && rs->has_slla)
		return NDP_SOURCE;
	return NDP_OK;
}

static void ra_opt(void *ctx, uint8_t type, const uint8_t *o, size_t len)
{
	struct ndp_ra *ra = ctx;

	switch (type) {
	case ND_OPT_SOURCE_LLADDR:
		ra->has_slla = lladdr(o, len, ra->slla);
		break;
	case ND_OPT_MTU:
		/* RFC 4861 4.6.4: length 1. */
		if (len == 8)
			ra->mtu = get32(o + 4);
		break;
	case ND_OPT_PREFIX_INFO:
		/* RFC 4861 4.6.2: length 4; an invalid one is ignored (6.3.4 / 4.6.2). */
		if (len == 32 && ra->npfx < NDP_MAX_PREFIXES && o[2] <= 128) {
			struct ndp_prefix *p = &ra->pfx[ra->npfx++];

			p->len = o[2];
			p->flags = o[3];
			p->valid = get32(o + 4);
			p->preferred = get32(o + 8);
			memcpy(&p->prefix, o + 16, 16);
		}
		break;
	case ND_OPT_ROUTE_INFO:
		/*
		 * RFC 4191 2.3: length 1, 2 or 3 (8, 16, 24 octets); over a /64
		 * it must be 3, over a /0 at least 2; Prf 10 is ignored (2.1).
		 * The prefix field holds as many octets as the length gives,
		 * bits past the prefix length are cleared here (3.1: "MUST be
		 * ignored").
		 */
		if (len >= 8 && len <= 24 && o[2] <= 128 && ra->nroutes < NDP_MAX_ROUTES &&
		    !(o[2] > 64 && len < 24) && !(o[2] > 0 && len < 16) &&
		    ((o[3] >> 3) & 3) != ND_PREF_RESERVED) {
			struct ndp_route *r = &ra->route[ra->nroutes++];

			memset(r, 0, sizeof(*r));
			r->len = o[2];
			r->pref = (o[3] >> 3) & 3;
			r->lifetime = get32(o + 4);
			memcpy(&r->prefix, o + 8, len - 8);
			clear_host_bits(r->prefix.s6_addr, 16, r->len);
		}
		break;
	case ND_OPT_RDNSS:
		/* RFC 8106 5.1: length 3 + 2n, at least one address. */
		if (len >= 24 && (len - 8) % 16 == 0) {
			ra->dns_lifetime = get32(o + 4);
			for (size_t off = 8; off < len && ra->ndns < NDP_MAX_DNS; off += 16)
				memcpy(&ra->dns[ra->ndns++], o + off, 16);
		}
		break;
	case ND_OPT_DNSSL:
		/* RFC 8106 5.2: length at least 2. */
		if (len >= 16) {
			ra->dnssl_lifetime = get32(o + 4);
			ra->dnssl = o + 8;
			ra->dnssl_len = len - 8;
		}
		break;
	}
}

int ndp_ra_parse(const struct ip6_view *v, struct ndp_ra *ra)
{
	int ret = nd_common(v, ND_ROUTER_ADVERT, 16);

	memset(ra, 0, sizeof(*ra));
	if (ret)
		return ret;
	/* 6.1.2: "IP Source Address is a link-local address". */
	if (!ip6_is_link_local(&v->src))
		return NDP_SOURCE;
	ra->cur_hop_limit = v->l4[4];
	ra->flags = v->l4[5];
	ra->router_lifetime = get16(v->l4 + 6);
	ra->reachable = get32(v->l4 + 8);
	ra->retrans = get32(v->l4 + 12);
	return nd_opts(v->l4 + 16, v->l4_len - 16, ra_opt, ra);
}

static void na_opt(void *ctx, uint8_t type, const uint8_t *o, size_t len)
{
	struct ndp_na *na = ctx;

	if (type == ND_OPT_TARGET_LLADDR)
		na->has_tlla = lladdr(o, len, na->tlla);
}

int ndp_na_parse(const struct ip6_view *v, struct ndp_na *na)
{
	int ret = nd_common(v, ND_NEIGHBOR_ADVERT, 24);

	memset(na, 0, sizeof(*na));
	if (ret)
		return ret;
	na->flags = v->l4[4];
	memcpy(&na->target, v->l4 + 8, 16);
	/* 7.1.2: "Target Address is not a multicast address". */
	if (na->target.s6_addr[0] == 0xff)
		return NDP_SOURCE;
	/* "If the IP Destination Address is a multicast address the Solicited flag is zero." */
	if (v->dst.s6_addr[0] == 0xff && (na->flags & ND_NA_FLAG_SOLICITED))
		return NDP_SOURCE;
	return nd_opts(v->l4 + 24, v->l4_len - 24, na_opt, na);
}

int ndp_echo_reply_parse(const struct ip6_view *v, uint16_t *id, uint16_t *seq)
{
	if (v->next_hdr != IP6_NH_ICMPV6 || v->l4_len < 1 || v->l4[0] != ICMP6_ECHO_REPLY)
		return NDP_NOT_ND;
	if (v->l4_len < 2 || v->l4[1] != 0)
		return NDP_CODE;
	if (v->l4_len < 8)
		return NDP_SHORT;
	*id = get16(v->l4 + 4);
	*seq = get16(v->l4 + 6);
	return NDP_OK;
}

const char *ndp_parse_err_name(int err)
{
	static const char *const names[NDP_PARSE__MAX] = {
		[NDP_OK] = "ok",
		[NDP_NOT_ND] = "nd_type",
		[NDP_HOP_LIMIT] = "nd_hop_limit",
		[NDP_CODE] = "nd_code",
		[NDP_SHORT] = "nd_short",
		[NDP_OPTION] = "nd_option",
		[NDP_SOURCE] = "nd_invalid",
	};
	return err >= 0 && err < NDP_PARSE__MAX ? names[err] : "unknown";
}

static bool room(size_t len, size_t need, size_t cap)
{
	return need <= cap && len <= cap - need;
}

int ndp_ra_build(uint8_t *out, size_t cap, const struct ndp_ra *ra)
{
	size_t n = 16;

	if (cap < 16 || ra->npfx > NDP_MAX_PREFIXES || ra->ndns > NDP_MAX_DNS ||
	    ra->nroutes > NDP_MAX_ROUTES)
		return -ENOSPC;
	memset(out, 0, 16);
	out[0] = ND_ROUTER_ADVERT;
	out[4] = ra->cur_hop_limit;
	out[5] = ra->flags;
	put16(out + 6, ra->router_lifetime);
	put32(out + 8, ra->reachable);
	put32(out + 12, ra->retrans);
	if (ra->has_slla) {
		/* RFC 4861 4.6.1. */
		if (!room(n, 8, cap))
			return -ENOSPC;
		out[n] = ND_OPT_SOURCE_LLADDR;
		out[n + 1] = 1;
		memcpy(out + n + 2, ra->slla, 6);
		n += 8;
	}
	if (ra->mtu) {
		/* RFC 4861 4.6.4. */
		if (!room(n, 8, cap))
			return -ENOSPC;
		memset(out + n, 0, 8);
		out[n] = ND_OPT_MTU;
		out[n + 1] = 1;
		put32(out + n + 4, ra->mtu);
		n += 8;
	}
	for (size_t i = 0; i < ra->npfx; i++) {
		/* RFC 4861 4.6.2. */
		if (!room(n, 32, cap))
			return -ENOSPC;
		memset(out + n, 0, 32);
		out[n] = ND_OPT_PREFIX_INFO;
		out[n + 1] = 4;
		out[n + 2] = ra->pfx[i].len;
		out[n + 3] = ra->pfx[i].flags;
		put32(out + n + 4, ra->pfx[i].valid);
		put32(out + n + 8, ra->pfx[i].preferred);
		memcpy(out + n + 16, &ra->pfx[i].prefix, 16);
		n += 32;
	}
	for (size_t i = 0; i < ra->nroutes; i++) {
		/*
		 * RFC 4191 2.3: the shortest length that holds the prefix (1 for
		 * ::/0, 2 up to a /64, else 3), Prf in bits 3-4 of the flags
		 * octet, the prefix's significant octets (the rest of the
		 * field zero).  A reserved Prf (10) would make the receiver
		 * ignore the option: medium instead.
		 */
		const struct ndp_route *r = &ra->route[i];
		size_t plen = r->len == 0 ? 0 : r->len <= 64 ? 8 : 16;
		uint8_t pref = r->pref == ND_PREF_RESERVED ? ND_PREF_MEDIUM : r->pref & 3;

		if (r->len > 128)
			return -EINVAL;
		if (!room(n, 8 + plen, cap))
			return -ENOSPC;
		memset(out + n, 0, 8 + plen);
		out[n] = ND_OPT_ROUTE_INFO;
		out[n + 1] = (uint8_t)((8 + plen) / 8);
		out[n + 2] = r->len;
		out[n + 3] = (uint8_t)(pref << 3);
		put32(out + n + 4, r->lifetime);
		memcpy(out + n + 8, &r->prefix, plen);
		clear_host_bits(out + n + 8, plen, r->len);
		n += 8 + plen;
	}
	if (ra->ndns) {
		/* RFC 8106 5.1: length 1 + 2 per address. */
		size_t len = 8 + 16 * ra->ndns;

		if (!room(n, len, cap))
			return -ENOSPC;
		memset(out + n, 0, 8);
		out[n] = ND_OPT_RDNSS;
		out[n + 1] = (uint8_t)(len / 8);
		put32(out + n + 4, ra->dns_lifetime);
		memcpy(out + n + 8, ra->dns, 16 * ra->ndns);
		n += len;
	}
	if (ra->dnssl_len) {
		/* RFC 8106 5.2: names, then zero padding to a multiple of 8 octets. */
		size_t len = (8 + ra->dnssl_len + 7) & ~(size_t)7;

		if (len > 255 * 8 || !room(n, len, cap))
			return -ENOSPC;
		memset(out + n, 0, len);
		out[n] = ND_OPT_DNSSL;
		out[n + 1] = (uint8_t)(len / 8);
		put32(out + n + 4, ra->dnssl_lifetime);
		memcpy(out + n + 8, ra->dnssl, ra->dnssl_len);
		n += len;
	}
	return (int)n;
}

int ndp_ns_build(uint8_t *out, size_t cap, const struct in6_addr *target, const uint8_t slla[6])
{
	/* RFC 4861 4.3: type, code, checksum, reserved, target, then the SLLA option. */
	if (cap < 32)
		return -ENOSPC;
	memset(out, 0, 32);
	out[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(out + 8, target, 16);
	out[24] = ND_OPT_SOURCE_LLADDR;
	out[25] = 1;
	memcpy(out + 26, slla, 6);
	return 32;
}

int ndp_echo_build(uint8_t *out, size_t cap, uint16_t id, uint16_t seq)
{
	/* RFC 4443 4.1. */
	if (cap < 8)
		return -ENOSPC;
	memset(out, 0, 8);
	out[0] = ICMP6_ECHO_REQUEST;
	put16(out + 4, id);
	put16(out + 6, seq);
	return 8;
}
