// SPDX-License-Identifier: MIT
#include <string.h>

#include "common/log.h"
#include "dhcp/dnsname.h"
#include "dhcp/proto6.h"
#include "dhcp/ra.h"

static const struct in6_addr all_nodes = { { { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					       1 } } };

/* xorshift32: the random delays RFC 4861 asks for need no quality. */
static uint32_t rnd(struct ra_router *r)
{
	uint32_t x = r->rng ? r->rng : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->rng = x;
	return x;
}

/*
 * RFC 4191 2.3 / 2.1: the pod's other routes via its gateway, as Route
 * Information options of this router, with the pod route's preference
 * and the router lifetime (refreshed by every RA, gone 30 min after the
 * last, like the default route).  Only while this RA speaks for the
 * gateway: with router lifetime 0 the RA is our own, and the pod
 * namespace routes nothing.  A route that would take the RA past what
 * send_ra can build, or past the link MTU (RFC 4861 6.2.3 allows any
 * subset of the options; the IPv6 minimum MTU where none is known), is
 * left out with the rest, counted and logged.
 */
static void add_routes(struct ra_router *r)
{
	const struct dhcp6_config *c = &r->cfg;
	struct ndp_ra *ra = &r->ra;
	static uint8_t scratch[RA_MSG_MAX];
	size_t limit = (c->mtu ? c->mtu : IP6_MIN_MTU) - IP6_HDR_LEN;

	r->routes_left_out = 0;
	if (!c->has_default)
		return;
	if (limit > sizeof(scratch))
		limit = sizeof(scratch);
	for (size_t i = 0; i < c->nroutes; i++) {
		int len;

		if (ra->nroutes < NDP_MAX_ROUTES) {
			ra->route[ra->nroutes++] = (struct ndp_route){
				c->route[i].prefix,
				c->route[i].len,
				c->route[i].pref,
				RA_ROUTER_LIFETIME,
			};
			len = ndp_ra_build(scratch, limit, ra);
			if (len > 0)
				continue;
			ra->nroutes--;
		}
		r->routes_left_out = c->nroutes - i;
		log_warn("ra", "the router advertisement has no room for every pod route",
			 "{s:i, s:i}", "routes", (int)c->nroutes, "left_out",
			 (int)r->routes_left_out);
		break;
	}
}

static void build_ra_info(struct ra_router *r)
{
	const struct dhcp6_config *c = &r->cfg;
	struct ndp_ra *ra = &r->ra;
	const char *names[DHCP_MAX_SEARCH];

	memset(ra, 0, sizeof(*ra));
	/*
	 * RFC 4861 4.2: M ("addresses are available via DHCPv6") and O
	 * (other configuration): the pod addresses come from DHCPv6 IA_NA.
	 * Cur Hop Limit 0 and Reachable/Retrans 0: unspecified, the guest
	 * keeps its own.
	 */
	ra->flags = ND_RA_FLAG_MANAGED | ND_RA_FLAG_OTHER;
	/* 6.2.1 AdvDefaultLifetime: 0 unless the pod has a default route. */
	ra->router_lifetime = c->has_default ? RA_ROUTER_LIFETIME : 0;
	if (r->has_router_mac) {
		ra->has_slla = true;
		memcpy(ra->slla, r->router_mac, 6);
	}
	ra->mtu = c->mtu;
	for (size_t i = 0; i < c->npfx && ra->npfx < NDP_MAX_PREFIXES; i++) {
		const struct dhcp6_prefix *p = &c->pfx[i];
		uint8_t flags = (p->onlink ? ND_PI_FLAG_ONLINK : 0) |
				(p->autonomous ? ND_PI_FLAG_AUTO : 0);
		uint32_t life = c->lease_time;

		/* A prefix neither on-link nor for SLAAC says nothing (4.6.2): left out. */
		if (!flags)
			continue;
		ra->pfx[ra->npfx++] = (struct ndp_prefix){ p->prefix, p->len, flags, life, life };
	}
	/*
	 * RFC 4191 2.3 / 2.1: the pod's other routes via its gateway, as
	 * Route Information options of this router, with the pod route's
	 * preference and the router lifetime (refreshed by every RA, gone
	 * 30 min after the last like the default route).  Only while this
	 * RA speaks for the gateway: with router lifetime 0 it is our own.
	 */
	ra->ndns = c->ndns < NDP_MAX_DNS ? c->ndns : NDP_MAX_DNS;
	memcpy(ra->dns, c->dns, 16 * ra->ndns);
	ra->dns_lifetime = RA_DNS_LIFETIME;
	for (size_t i = 0; i < c->nsearch; i++)
		names[i] = c->search[i];
	/* The DNSSL option holds at most 255 * 8 - 8 octets of names. */
	ra->dnssl_len = dns_names_encode(names, c->nsearch, r->dnssl,
					 sizeof(r->dnssl) < 2032 ? sizeof(r->dnssl) : 2032);
	ra->dnssl = r->dnssl;
	ra->dnssl_lifetime = RA_DNS_LIFETIME;
	add_routes(r);
}

void ra_configure(struct ra_router *r, const struct dhcp6_config *cfg, const uint8_t bridge_mac[6],
		  const struct in6_addr *bridge_ll, uint32_t seed, uint64_t now)
{
	bool same_gw = r->phase == RA_READY && r->cfg.has_default == cfg->has_default &&
		       !memcmp(&r->cfg.gateway, &cfg->gateway, 16);
	struct ra_counters cnt = r->cnt;
	struct in6_addr ll = r->router_ll;
	uint8_t mac[6];
	bool has_mac = r->has_router_mac;

	memcpy(mac, r->router_mac, 6);
	memset(r, 0, sizeof(*r));
	r->cnt = cnt;
	r->cfg = *cfg;
	memcpy(r->bridge_mac, bridge_mac, 6);
	r->bridge_ll = *bridge_ll;
	r->rng = seed;
	r->echo_id = (uint16_t)rnd(r);
	if (cfg->self_router) {
		/*
		 * Masquerade: the bridge is the router (it holds the gateway
		 * address and forwards), so the RAs come from its own
		 * link-local address and carry its MAC as SLLA.
		 */
		r->phase = RA_READY;
		r->router_ll = *bridge_ll;
		r->has_router_mac = true;
		memcpy(r->router_mac, bridge_mac, 6);
	} else if (same_gw) {
		/* A reload with the same gateway keeps what discovery found. */
		r->phase = RA_READY;
		r->router_ll = ll;
		r->has_router_mac = has_mac;
		memcpy(r->router_mac, mac, 6);
	} else if (!cfg->has_default) {
		/* No router to speak for: our own link-local, router lifetime 0. */
		r->phase = RA_READY;
		r->router_ll = *bridge_ll;
	} else if (ip6_is_link_local(&cfg->gateway)) {
		/* Calico-style fe80:: gateways: already the address to advertise from. */
		r->phase = RA_READY;
		r->router_ll = cfg->gateway;
	} else {
		r->phase = RA_FIND_MAC;
	}
	r->next_probe = now;
	r->initial_left = RA_INITIAL_COUNT;
	r->next_ra = now;
	build_ra_info(r);
}

const char *ra_drop_name(int reason)
{
	static const char *const names[RA_DROP__MAX] = {
		[RA_DROP_FOREIGN_MAC] = "foreign_mac",
		[RA_DROP_INVALID] = "invalid",
		[RA_DROP_UNEXPECTED] = "unexpected",
		[RA_DROP_OTHER_ROUTER] = "other_router_ra",
	};
	return reason > 0 && reason < RA_DROP__MAX ? names[reason] : "unknown";
}

static void drop(struct ra_router *r, int reason)
{
	r->cnt.dropped[reason]++;
}

static void on_rs(struct ra_router *r, uint64_t now, const uint8_t src_mac[6],
		  const struct ip6_view *v)
{
	struct ndp_rs rs;
	uint64_t due;

	if (memcmp(src_mac, r->cfg.guest_mac, 6))
		return drop(r, RA_DROP_FOREIGN_MAC);
	if (ndp_rs_parse(v, &rs))
		return drop(r, RA_DROP_INVALID);
	r->cnt.rs++;
	/*
	 * RFC 4861 6.2.6: the answer "MUST be delayed by a random time
	 * between 0 and MAX_RA_DELAY_TIME"; it "MAY" be unicast to a
	 * specified source, which the 3 s spacing of multicast RAs does
	 * not hold back.  An RS waiting already keeps its earlier slot.
	 */
	due = now + rnd(r) % (RA_MAX_DELAY_MS + 1);
	if (!r->pending_rs || due < r->rs_due)
		r->rs_due = due;
	r->pending_rs = true;
	r->rs_src = v->src;
}

static void on_na(struct ra_router *r, const uint8_t src_mac[6], const struct ip6_view *v)
{
	struct ndp_na na;

	if (ndp_na_parse(v, &na))
		return drop(r, RA_DROP_INVALID);
	/* Only the answer about the gateway, from anyone but the guest, is of use. */
	if (r->phase != RA_FIND_MAC || memcmp(&na.target, &r->cfg.gateway, 16) ||
	    !memcmp(src_mac, r->cfg.guest_mac, 6))
		return drop(r, RA_DROP_UNEXPECTED);
	memcpy(r->router_mac, na.has_tlla ? na.tlla : src_mac, 6);
	r->has_router_mac = true;
	r->phase = RA_FIND_LL;
	r->probes = 0;
	r->next_probe = 0;
}

static void on_echo_reply(struct ra_router *r, const uint8_t src_mac[6], const struct ip6_view *v)
{
	uint16_t id, seq;

	if (ndp_echo_reply_parse(v, &id, &seq))
		return drop(r, RA_DROP_INVALID);
	/*
	 * The reply to an Echo Request for ff02::1 comes from the replier's
	 * link-local address on this link (RFC 4443 4.2 leaves a multicast
	 * request's reply source to the replier; RFC 6724 picks the
	 * link-local one for a link-local destination).
	 */
	if (r->phase != RA_FIND_LL || id != r->echo_id || memcmp(src_mac, r->router_mac, 6) ||
	    !ip6_is_link_local(&v->src))
		return drop(r, RA_DROP_UNEXPECTED);
	r->router_ll = v->src;
	r->phase = RA_READY;
	build_ra_info(r);
}

void ra_input(struct ra_router *r, uint64_t now, const uint8_t src_mac[6], const struct ip6_view *v)
{
	if (v->next_hdr != IP6_NH_ICMPV6 || v->l4_len < 1)
		return drop(r, RA_DROP_INVALID);
	switch (v->l4[0]) {
	case ND_ROUTER_SOLICIT:
		return on_rs(r, now, src_mac, v);
	case ND_NEIGHBOR_ADVERT:
		return on_na(r, src_mac, v);
	case ICMP6_ECHO_REPLY:
		return on_echo_reply(r, src_mac, v);
	case ND_ROUTER_ADVERT: {
		struct ndp_ra ra;

		/* Someone else advertising here (a radvd on a bridge-plugin node): counted. */
		if (ndp_ra_parse(v, &ra))
			return drop(r, RA_DROP_INVALID);
		r->cnt.other_router_ra++;
		return drop(r, RA_DROP_OTHER_ROUTER);
	}
	default:
		return drop(r, RA_DROP_INVALID);
	}
}

/* NS or Echo Request of the discovery, retried every second, then every 10 s. */
static int probe(struct ra_router *r, uint64_t now, struct ip6_out *out, uint64_t *next)
{
	uint8_t msg[64];
	struct in6_addr dst;
	int len;

	if (now < r->next_probe) {
		*next = r->next_probe;
		return 0;
	}
	r->probes++;
	r->cnt.probes++;
	r->next_probe = now + (r->probes < 10 ? 1000 : 10000);
	*next = r->next_probe;
	if (r->probes == 10)
		log_warn(
			"ra",
			r->phase == RA_FIND_MAC ?
				"the IPv6 gateway does not answer neighbour solicitations: no RAs yet" :
				"the IPv6 gateway does not answer echo requests to ff02::1: no RAs yet",
			NULL);
	if (r->phase == RA_FIND_MAC) {
		/* RFC 4861 7.2.2: to the solicited-node group, with our SLLA. */
		len = ndp_ns_build(msg, sizeof(msg), &r->cfg.gateway, r->bridge_mac);
		ip6_solicited_node(&dst, &r->cfg.gateway);
		ip6_mcast_mac(out->dst_mac, &dst);
	} else {
		len = ndp_echo_build(msg, sizeof(msg), r->echo_id, (uint16_t)r->probes);
		dst = all_nodes;
		/* A unicast frame: only the gateway sees (and answers) it. */
		memcpy(out->dst_mac, r->router_mac, 6);
	}
	len = ip6_build_icmp(out->buf, sizeof(out->buf), &r->bridge_ll, &dst, ND_HOP_LIMIT, msg,
			     (size_t)len);
	if (len < 0)
		return 0;
	out->len = (size_t)len;
	return 1;
}

static int send_ra(struct ra_router *r, const struct in6_addr *dst, struct ip6_out *out)
{
	uint8_t msg[RA_MSG_MAX];
	int len = ndp_ra_build(msg, sizeof(msg), &r->ra);

	if (len < 0)
		return 0;
	/* RFC 4861 6.1.2: the source MUST be link-local, hop limit 255. */
	len = ip6_build_icmp(out->buf, sizeof(out->buf), &r->router_ll, dst, ND_HOP_LIMIT, msg,
			     (size_t)len);
	if (len < 0)
		return 0;
	out->len = (size_t)len;
	/*
	 * Always a frame to the guest MAC, also for ff02::1: on a
	 * bridge-plugin pod the nic leads to the node's bridge, and other
	 * pods there must not take this guest's router and prefixes.
	 */
	memcpy(out->dst_mac, r->cfg.guest_mac, 6);
	r->cnt.ra_sent++;
	return 1;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int ra_output(struct ra_router *r, uint64_t now, struct ip6_out *out, uint64_t *next)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;

	if (r->phase != RA_READY)
		return probe(r, now, out, next);
	if (r->pending_rs && now >= r->rs_due) {
		r->pending_rs = false;
		if (memcmp(&r->rs_src, &any, 16)) {
			*next = min64(r->next_ra, now + RA_MAX_INTERVAL_MS);
			return send_ra(r, &r->rs_src, out);
		}
		/* Unspecified source: multicast, at most one per MIN_DELAY_BETWEEN_RAS (6.2.6). */
		if (r->last_mcast && now < r->last_mcast + RA_MIN_DELAY_MS)
			r->next_ra = min64(r->next_ra, r->last_mcast + RA_MIN_DELAY_MS);
		else
			r->next_ra = now;
	}
	if (now >= r->next_ra) {
		uint32_t span = RA_MAX_INTERVAL_MS - RA_MIN_INTERVAL_MS;
		uint64_t ival;

		/* 6.2.4: the first few at most 16 s apart, then random in [Min, Max]. */
		if (r->initial_left) {
			r->initial_left--;
			ival = RA_INITIAL_INTERVAL_MS;
		} else {
			ival = RA_MIN_INTERVAL_MS + rnd(r) % (span + 1);
		}
		r->next_ra = now + ival;
		r->last_mcast = now;
		*next = r->pending_rs ? min64(r->next_ra, r->rs_due) : r->next_ra;
		return send_ra(r, &all_nodes, out);
	}
	*next = r->pending_rs ? min64(r->next_ra, r->rs_due) : r->next_ra;
	return 0;
}
