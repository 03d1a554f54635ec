// SPDX-License-Identifier: MIT
#include <string.h>
#include <jansson.h>

#include "common/log.h"
#include "dhcp/proto6.h"
#include "dhcp/serve6.h"

int serve6_configure(struct serve6 *s, const struct dhcp6_config *cfg, const uint8_t bridge_mac[6],
		     const struct in6_addr *bridge_ll, uint32_t seed, uint64_t now)
{
	int ret = dhcp6_server_configure(&s->dhcp, cfg, bridge_mac);

	if (ret)
		return ret;
	memcpy(s->bridge_mac, bridge_mac, 6);
	s->bridge_ll = *bridge_ll;
	ra_configure(&s->ra, cfg, bridge_mac, bridge_ll, seed, now);
	return 0;
}

int serve6_input(struct serve6 *s, uint64_t now, const uint8_t src_mac[6], const uint8_t *pkt,
		 size_t len, bool csum_offloaded, struct ip6_out *out)
{
	struct ip6_view *v = &s->v;
	int ret;

	s->rx++;
	ret = ip6_parse_ex(v, pkt, len, csum_offloaded);
	if (ret) {
		s->dropped_ip6[ret]++;
		return 0;
	}
	if (v->next_hdr == IP6_NH_ICMPV6) {
		ra_input(&s->ra, now, src_mac, v);
		return 0;
	}
	/* RFC 8415 7.2: clients send from port 546 to port 547; the socket filter may let more in. */
	if (v->dport != DHCP6_SERVER_PORT) {
		s->not_ours++;
		return 0;
	}
	/*
	 * The client talks from its link-local address (RFC 8415 18.2); a
	 * reply goes back to that address and port, in a frame to its MAC.
	 */
	if (!ip6_is_link_local(&v->src)) {
		s->not_ours++;
		return 0;
	}
	if (dhcp6_server_handle(&s->dhcp, src_mac, v->dst.s6_addr[0] == 0xff, v->l4, v->l4_len,
				&s->reply) != 1)
		return 0;
	ret = ip6_build_udp(out->buf, sizeof(out->buf), &s->bridge_ll, &v->src, DHCP6_SERVER_PORT,
			    v->sport, s->reply.buf, s->reply.len);
	if (ret < 0) {
		s->dhcp.cnt.dropped[DHCP6_DROP_BUILD]++;
		return 0;
	}
	out->len = (size_t)ret;
	memcpy(out->dst_mac, src_mac, 6);
	s->tx_dhcp6++;
	return 1;
}

int serve6_output(struct serve6 *s, uint64_t now, struct ip6_out *out, uint64_t *next)
{
	return ra_output(&s->ra, now, out, next);
}

uint64_t serve6_drops(const struct serve6 *s)
{
	uint64_t n = s->not_ours;

	for (int i = 1; i < IP6_PARSE__MAX; i++)
		n += s->dropped_ip6[i];
	for (int i = 1; i < DHCP6_DROP__MAX; i++)
		n += s->dhcp.cnt.dropped[i];
	for (int i = 1; i < RA_DROP__MAX; i++)
		n += s->ra.cnt.dropped[i];
	return n;
}

void serve6_log_counters(const struct serve6 *s, const char *msg)
{
	json_t *ip, *ra;

	if (log_get_level() > LOG_LVL_INFO)
		return;
	dhcp6_server_log_counters(&s->dhcp, msg);
	ip = json_object();
	for (int i = 1; i < IP6_PARSE__MAX; i++)
		if (s->dropped_ip6[i])
			json_object_set_new(ip, ip6_parse_err_name(i),
					    json_integer((json_int_t)s->dropped_ip6[i]));
	ra = json_object();
	for (int i = 1; i < RA_DROP__MAX; i++)
		if (s->ra.cnt.dropped[i])
			json_object_set_new(ra, ra_drop_name(i),
					    json_integer((json_int_t)s->ra.cnt.dropped[i]));
	log_info("ra", msg, "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:o}", "rx",
		 (json_int_t)s->rx, "not_ours", (json_int_t)s->not_ours, "tx_errors",
		 (json_int_t)s->tx_errors, "dhcp6_sent", (json_int_t)s->tx_dhcp6, "rs",
		 (json_int_t)s->ra.cnt.rs, "ra_sent", (json_int_t)s->ra.cnt.ra_sent, "probes",
		 (json_int_t)s->ra.cnt.probes, "router_found", s->ra.phase == RA_READY,
		 "dropped_ip6", ip, "dropped_nd", ra);
}
