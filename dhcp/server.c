// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <jansson.h>

#include "common/log.h"
#include "dhcp/server.h"

static void put32(uint8_t *p, uint32_t host)
{
	p[0] = (uint8_t)(host >> 24);
	p[1] = (uint8_t)(host >> 16);
	p[2] = (uint8_t)(host >> 8);
	p[3] = (uint8_t)host;
}

int dhcp_server_configure(struct dhcp_server *s, const struct dhcp_config *cfg)
{
	const char *names[DHCP_MAX_SEARCH];
	uint32_t mask;
	int n;

	if (&s->cfg != cfg)
		s->cfg = *cfg;
	cfg = &s->cfg;
	mask = dhcp_prefix_to_mask(cfg->prefix);
	memcpy(s->v_sid, &cfg->server_id, 4);
	memcpy(s->v_mask, &mask, 4);
	memcpy(s->v_router, &cfg->router, 4);
	/*
	 * Option 28 follows the mask the guest gets (a --dhcp-option 1
	 * included), and RFC 3021 2: a /31 has no broadcast address, a /32
	 * none either.
	 */
	for (size_t i = 0; i < cfg->nextra; i++)
		if (cfg->extra[i].code == OPT_SUBNET_MASK && cfg->extra[i].len == 4)
			memcpy(&mask, cfg->extra[i].data, 4);
	uint32_t bcast = (cfg->addr & mask) | ~mask;
	memcpy(s->v_bcast, &bcast, 4);
	s->bcast_ok = ntohl(mask) < 0xfffffffeu;
	s->v_mtu[0] = (uint8_t)(cfg->mtu >> 8);
	s->v_mtu[1] = (uint8_t)cfg->mtu;
	put32(s->v_lease, cfg->lease_time);
	/* RFC 2131 4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease. */
	put32(s->v_t1, cfg->lease_time / 2);
	put32(s->v_t2, (uint32_t)((uint64_t)cfg->lease_time * 7 / 8));
	for (size_t i = 0; i < cfg->ndns; i++)
		memcpy(s->v_dns + 4 * i, &cfg->dns[i], 4);
	for (size_t i = 0; i < cfg->nntp; i++)
		memcpy(s->v_ntp + 4 * i, &cfg->ntp[i], 4);

	n = dhcp_encode_routes(cfg->routes, cfg->nroutes, s->v_routes, sizeof(s->v_routes));
	if (n < 0)
		return n;
	s->routes_len = (uint16_t)n;
	for (size_t i = 0; i < cfg->nsearch; i++)
		names[i] = cfg->search[i];
	n = dhcp_encode_search(names, cfg->nsearch, s->v_search, sizeof(s->v_search));
	if (n < 0)
		return n;
	s->search_len = (uint16_t)n;
	s->domain_len = cfg->nsearch ? (uint16_t)strlen(cfg->search[0]) : 0;
	return 0;
}

const char *dhcp_drop_name(int reason)
{
	static const char *const names[DHCP_DROP__MAX] = {
		[DHCP_DROP_BOOTREPLY] = "bootreply",	   [DHCP_DROP_RELAYED] = "relayed",
		[DHCP_DROP_FOREIGN_MAC] = "foreign_mac",   [DHCP_DROP_NO_TYPE] = "no_msg_type",
		[DHCP_DROP_BAD_TYPE] = "bad_msg_type",	   [DHCP_DROP_BAD_REQUEST] = "bad_request",
		[DHCP_DROP_OTHER_SERVER] = "other_server", [DHCP_DROP_WRONG_IFACE] = "wrong_iface",
		[DHCP_DROP_BUILD] = "reply_too_big",
	};
	if (reason > 0 && reason < DHCP_PARSE__MAX)
		return dhcp_parse_err_name(reason);
	if (reason < 0 || reason >= DHCP_DROP__MAX || !names[reason])
		return "unknown";
	return names[reason];
}

static bool log_allowed(struct dhcp_server *s)
{
	time_t now = time(NULL);

	if (now - s->log_window >= DHCP_LOG_WINDOW) {
		if (s->log_suppressed)
			log_warn("dhcp", "event log lines suppressed", "{s:i}", "count",
				 (int)s->log_suppressed);
		s->log_window = now;
		s->log_count = 0;
		s->log_suppressed = 0;
	}
	if (s->log_count >= DHCP_LOG_BURST) {
		s->log_suppressed++;
		return false;
	}
	s->log_count++;
	return true;
}

static void log_event_lvl(struct dhcp_server *s, enum log_level lvl, const char *msg,
			  const struct dhcp_msg *m, uint32_t addr)
{
	char a[INET_ADDRSTRLEN], xid[9];

	if (!log_allowed(s))
		return;
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	snprintf(xid, sizeof(xid), "%08x", ntohl(m->xid));
	log_emit(lvl, "dhcp", msg, "{s:s, s:s}", "addr", a, "xid", xid);
}

#define log_event(s, msg, m, addr) log_event_lvl(s, LOG_LVL_INFO, msg, m, addr)

static int drop(struct dhcp_server *s, int reason)
{
	s->cnt.dropped[reason]++;
	return 0;
}

/* How each code may be cut into instances (reply.h). */
static uint8_t split_of(uint8_t code)
{
	switch (code) {
	/* RFC 3397 2: a long list "MUST be ... split" per RFC 3396, any cut is fine. */
	case OPT_SEARCH:
		return DHCP_SPLIT_ANY;
	case OPT_CLASSLESS_ROUTE:
	case OPT_MS_CLASSLESS_ROUTE:
		return DHCP_SPLIT_ROUTES;
	case OPT_ROUTER:
	case OPT_DNS:
	case OPT_NTP:
		return DHCP_SPLIT_ADDRS;
	}
	return DHCP_SPLIT_NONE;
}

#define ADD(c, req, l, d) \
	(refs[n++] = (struct dhcp_optref){ (c), (req), split_of(c), (uint16_t)(l), (d) })

static const struct dhcp_extra *extra_get(const struct dhcp_config *cfg, uint8_t code)
{
	for (size_t i = 0; i < cfg->nextra; i++)
		if (cfg->extra[i].code == code)
			return &cfg->extra[i];
	return NULL;
}

/*
 * The codes the server sends itself.  A --dhcp-option value for one of
 * them takes the server's place (same position in the order, same
 * required flag): one instance per code, never a second one a client
 * would concatenate with ours (RFC 3396).
 */
static const bool server_code[256] = {
	[OPT_SUBNET_MASK] = true,
	[OPT_ROUTER] = true,
	[OPT_DNS] = true,
	[OPT_HOSTNAME] = true,
	[OPT_DOMAIN] = true,
	[OPT_MTU] = true,
	[OPT_BROADCAST] = true,
	[OPT_NTP] = true,
	[OPT_LEASE_TIME] = true,
	[OPT_T1] = true,
	[OPT_T2] = true,
	[OPT_SEARCH] = true,
	[OPT_CLASSLESS_ROUTE] = true,
	[OPT_MS_CLASSLESS_ROUTE] = true,
};

/* The user's value for code if any, else ours when cond holds. */
#define SLOT(c, req, cond, l, d)                                   \
	do {                                                       \
		const struct dhcp_extra *x_ = extra_get(cfg, (c)); \
		if (x_)                                            \
			ADD((c), (req), x_->len, x_->data);        \
		else if (cond)                                     \
			ADD((c), (req), (l), (d));                 \
	} while (0)

/*
 * Options of an OFFER or ACK in order of importance; the reply builder
 * leaves out what does not fit even with overload.  They are sent
 * whatever option 55 asked for (udhcpc asks for neither 26 nor 121 by
 * default), except 249, which only Windows asks for.
 */
static size_t lease_options(struct dhcp_server *s, const struct dhcp_msg *m, uint8_t type,
			    bool inform, struct dhcp_optref *refs)
{
	const struct dhcp_config *cfg = &s->cfg;
	static const uint8_t msgtype[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	size_t n = 0, cidlen;
	const uint8_t *cid = dhcp_msg_opt(m, OPT_CLIENT_ID, &cidlen);
	bool finite = cfg->lease_time != DHCP_LEASE_INFINITE;

	/* RFC 2131 table 3: 53 and 54 MUST be in every reply. */
	ADD(OPT_MSG_TYPE, true, 1, &msgtype[type]);
	ADD(OPT_SERVER_ID, true, 4, s->v_sid);
	/* RFC 6842 3: "the server MUST return the 'client identifier' option, unaltered". */
	if (cid)
		ADD(OPT_CLIENT_ID, true, cidlen, cid);
	if (type == DHCPNAK) {
		/* RFC 2131 table 3: 56 SHOULD explain a NAK; user options MUST NOT be there. */
		static const char why[] = "requested address is not this client's";

		ADD(OPT_MESSAGE, false, sizeof(why) - 1, (const uint8_t *)why);
		return n;
	}
	/*
	 * RFC 2131 table 3: 51 MUST for an OFFER and the ACK to a REQUEST,
	 * MUST NOT after INFORM (4.3.5: "MUST NOT send a lease expiration
	 * time"), and so neither T1 nor T2, whoever set them.  --dhcp-option
	 * 51 is --lease-time (dhcp_extra_check()), so 51 is always ours.
	 */
	if (!inform) {
		ADD(OPT_LEASE_TIME, true, 4, s->v_lease);
		SLOT(OPT_T1, false, finite, 4, s->v_t1);
		SLOT(OPT_T2, false, finite, 4, s->v_t2);
	}
	SLOT(OPT_SUBNET_MASK, true, true, 4, s->v_mask);
	/* RFC 3442: a client using 121 ignores 3, so the default route is in 121 too. */
	SLOT(OPT_CLASSLESS_ROUTE, false, s->routes_len, s->routes_len, s->v_routes);
	SLOT(OPT_ROUTER, false, cfg->router, 4, s->v_router);
	/*
	 * RFC 3021 2: a /31 has no broadcast address (both are hosts, the
	 * "broadcast" would be the peer), a /32 none at all: no 28 there.
	 */
	SLOT(OPT_BROADCAST, false, s->bcast_ok, 4, s->v_bcast);
	SLOT(OPT_MTU, false, cfg->mtu, 2, s->v_mtu);
	SLOT(OPT_DNS, false, cfg->ndns, 4 * cfg->ndns, s->v_dns);
	SLOT(OPT_DOMAIN, false, s->domain_len, s->domain_len, (const uint8_t *)cfg->search[0]);
	SLOT(OPT_SEARCH, false, s->search_len, s->search_len, s->v_search);
	SLOT(OPT_HOSTNAME, false, cfg->hostname[0], strlen(cfg->hostname),
	     (const uint8_t *)cfg->hostname);
	/* 249: the pre-RFC 3442 Microsoft code, same format, only on request. */
	SLOT(OPT_MS_CLASSLESS_ROUTE, false,
	     s->routes_len && dhcp_msg_requested(m, OPT_MS_CLASSLESS_ROUTE), s->routes_len,
	     s->v_routes);
	SLOT(OPT_NTP, false, cfg->nntp, 4 * cfg->nntp, s->v_ntp);
	/* The rest of --dhcp-option: codes the server has no value for. */
	for (size_t i = 0; i < cfg->nextra && n < DHCP_MAX_OPTREFS; i++)
		if (!server_code[cfg->extra[i].code])
			ADD(cfg->extra[i].code, false, cfg->extra[i].len, cfg->extra[i].data);
	return n;
}

static int reply(struct dhcp_server *s, const struct dhcp_msg *m, uint8_t type, uint32_t yiaddr,
		 bool inform, struct dhcp_reply *r)
{
	struct dhcp_optref refs[DHCP_MAX_OPTREFS];
	size_t n = lease_options(s, m, type, inform, refs);
	int len;

	len = dhcp_reply_build(r->buf, dhcp_reply_max_len(m, s->cfg.mtu), m, type, yiaddr, refs, n,
			       &r->info);
	if (len < 0)
		return drop(s, DHCP_DROP_BUILD);
	if (r->info.ndropped) {
		s->cnt.options_dropped++;
		if (log_get_level() <= LOG_LVL_WARN && log_allowed(s)) {
			json_t *codes = json_array();

			for (size_t i = 0; i < r->info.ndropped; i++)
				json_array_append_new(codes, json_integer(r->info.dropped[i]));
			log_warn("dhcp", "options left out: reply limited by the client's size",
				 "{s:o, s:i}", "codes", codes, "max_len",
				 (int)dhcp_reply_max_len(m, s->cfg.mtu));
		}
	}
	if (r->info.overloaded)
		s->cnt.overloaded++;
	r->len = (size_t)len;
	r->type = type;
	r->yiaddr = yiaddr;
	dhcp_reply_dest(m, type, yiaddr, &r->dest);
	switch (type) {
	case DHCPOFFER:
		s->cnt.offers++;
		break;
	case DHCPACK:
		s->cnt.acks++;
		break;
	case DHCPNAK:
		s->cnt.naks++;
		break;
	}
	return 1;
}

/*
 * RFC 2131 4.3.2 tells the client states apart by what a DHCPREQUEST
 * carries:
 *
 *                 INIT-REBOOT  SELECTING  RENEWING  REBINDING
 *   server-ip     MUST NOT     MUST       MUST NOT  MUST NOT
 *   requested-ip  MUST         MUST       MUST NOT  MUST NOT
 *   ciaddr        zero         zero       IP addr   IP addr
 *
 * The combinations outside the table are answered as ISC dhcpd and
 * dnsmasq answer them, since real clients send them: our server id with
 * ciaddr and no 50 is a renewal (some clients keep 54 when renewing),
 * 50 with ciaddr set names the address twice.  In every case each
 * address the client names must be the pod IP, or it gets a NAK: with one
 * client and one address there is nothing else it could hold, and a NAK
 * moves it to INIT where it learns the new address (KubeVirt #13601).
 */
static int handle_request(struct dhcp_server *s, const struct dhcp_msg *m, struct dhcp_reply *r)
{
	uint32_t sid, want = 0, addr = s->cfg.addr;
	bool has_sid = dhcp_msg_addr(m, OPT_SERVER_ID, &sid);
	bool has_want = dhcp_msg_addr(m, OPT_REQUESTED_IP, &want);
	/* Indexed [has server id][has requested address]. */
	static const char *const acked[2][2] = {
		{ "lease renewed", "lease acknowledged (INIT-REBOOT)" },
		{ "lease renewed (with server id)", "lease acknowledged (SELECTING)" },
	};
	static const char *const naked[2][2] = {
		{ "renewal of a foreign address: NAK", "INIT-REBOOT for a foreign address: NAK" },
		{ "renewal of a foreign address: NAK",
		  "request for a foreign address in SELECTING: NAK" },
	};

	s->cnt.requests++;
	/*
	 * SELECTING: "DHCPREQUEST MUST include the server identifier" and
	 * servers not named take it as the client declining their offer:
	 * stay silent.
	 */
	if (has_sid && sid != s->cfg.server_id)
		return drop(s, DHCP_DROP_OTHER_SERVER);
	/* Neither 50 nor ciaddr: no address to acknowledge in any state. */
	if (!has_want && !m->ciaddr)
		return drop(s, DHCP_DROP_BAD_REQUEST);
	/*
	 * SELECTING/INIT-REBOOT: "Server SHOULD send a DHCPNAK message to
	 * the client if the 'requested IP address' is incorrect, or is on the
	 * wrong network."  REBINDING: "the DHCP server SHOULD send a DHCPNAK
	 * message to the client if the IP address is incorrect"; RENEWING
	 * likewise (ISC, dnsmasq): a client renewing another address must
	 * learn it lost it.
	 */
	if ((has_want && want != addr) || (m->ciaddr && m->ciaddr != addr)) {
		log_event(s, naked[has_sid][has_want], m,
			  has_want && want != addr ? want : m->ciaddr);
		return reply(s, m, DHCPNAK, 0, false, r);
	}
	log_event(s, acked[has_sid][has_want], m, addr);
	return reply(s, m, DHCPACK, addr, false, r);
}

int dhcp_server_handle(struct dhcp_server *s, const uint8_t *pkt, size_t len, struct dhcp_reply *r)
{
	struct dhcp_msg *m = &s->msg;
	int ret, type;

	s->cnt.rx++;
	ret = dhcp_msg_parse(m, pkt, len);
	if (ret)
		return drop(s, ret);
	/* RFC 2131 4.1: servers only answer BOOTREQUEST messages. */
	if (m->op != BOOTREQUEST)
		return drop(s, DHCP_DROP_BOOTREPLY);
	/* Only the VM on this bridge is served; there is no relay in a pod. */
	if (m->giaddr)
		return drop(s, DHCP_DROP_RELAYED);
	/* The client is its hardware address, never option 61 (DUIDs differ per client). */
	if (memcmp(m->chaddr, s->cfg.guest_mac, 6))
		return drop(s, DHCP_DROP_FOREIGN_MAC);

	type = dhcp_msg_type(m);
	switch (type) {
	case 0:
		return drop(s, DHCP_DROP_NO_TYPE);
	case DHCPDISCOVER:
		/* RFC 2131 4.3.1: offer the one address this client can have. */
		s->cnt.discovers++;
		log_event(s, "offer", m, s->cfg.addr);
		return reply(s, m, DHCPOFFER, s->cfg.addr, false, r);
	case DHCPREQUEST:
		return handle_request(s, m, r);
	case DHCPINFORM:
		/*
		 * RFC 2131 4.3.5: ACK with the local configuration, "MUST
		 * NOT send a lease expiration time ... and SHOULD NOT fill in
		 * 'yiaddr'", unicast to 'ciaddr'.
		 */
		s->cnt.informs++;
		return reply(s, m, DHCPACK, 0, true, r);
	case DHCPDECLINE:
		/* RFC 2131 4.3.3: the address is in use elsewhere: nothing to offer instead. */
		s->cnt.declines++;
		log_event_lvl(s, LOG_LVL_WARN,
			      "client declined the pod address (in use on the link?)", m,
			      s->cfg.addr);
		return 0;
	case DHCPRELEASE:
		s->cnt.releases++;
		log_event(s, "client released its lease", m, m->ciaddr);
		return 0;
	default:
		return drop(s, DHCP_DROP_BAD_TYPE);
	}
}

void dhcp_server_log_counters(const struct dhcp_server *s, const char *msg)
{
	const struct dhcp_counters *c = &s->cnt;
	json_t *dropped = json_object();

	for (int i = 1; i < DHCP_DROP__MAX; i++)
		if (c->dropped[i])
			json_object_set_new(dropped, dhcp_drop_name(i),
					    json_integer((json_int_t)c->dropped[i]));
	log_info("dhcp", msg,
		 "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "rx",
		 (json_int_t)c->rx, "discovers", (json_int_t)c->discovers, "requests",
		 (json_int_t)c->requests, "informs", (json_int_t)c->informs, "declines",
		 (json_int_t)c->declines, "releases", (json_int_t)c->releases, "offers",
		 (json_int_t)c->offers, "acks", (json_int_t)c->acks, "naks", (json_int_t)c->naks,
		 "tx_errors", (json_int_t)c->tx_errors, "broadcast_fallback",
		 (json_int_t)c->tx_broadcast_fallback, "options_dropped",
		 (json_int_t)c->options_dropped, "overloaded", (json_int_t)c->overloaded, "dropped",
		 dropped);
}
