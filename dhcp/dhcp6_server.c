// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <jansson.h>

#include "common/log.h"
#include "dhcp/dhcp6_server.h"
#include "dhcp/dnsname.h"

int dhcp6_server_configure(struct dhcp6_server *s, const struct dhcp6_config *cfg,
			   const uint8_t bridge_mac[6])
{
	const char *names[DHCP_MAX_SEARCH];

	if (&s->cfg != cfg)
		s->cfg = *cfg;
	cfg = &s->cfg;
	if (!cfg->naddr || cfg->naddr > DHCP6_MAX_ADDRS || cfg->ndns > DHCP_MAX_DNS ||
	    cfg->nsearch > DHCP_MAX_SEARCH)
		return -EINVAL;
	/* RFC 8415 11.4: DUID-LL, type 3, hardware type 1 (Ethernet), the MAC. */
	s->duid[0] = 0;
	s->duid[1] = 3;
	s->duid[2] = 0;
	s->duid[3] = 1;
	memcpy(s->duid + 4, bridge_mac, 6);
	for (size_t i = 0; i < cfg->ndns; i++)
		memcpy(s->v_dns + 16 * i, &cfg->dns[i], 16);
	for (size_t i = 0; i < cfg->nsearch; i++)
		names[i] = cfg->search[i];
	/* RFC 3646 4 / RFC 8415 10: uncompressed names; what does not fit is left out whole. */
	s->search_len =
		(uint16_t)dns_names_encode(names, cfg->nsearch, s->v_search, sizeof(s->v_search));
	/* No fragmentation: the reply fits the link (RFC 8200 5: at least 1280). */
	s->max_len = (cfg->mtu ? cfg->mtu : IP6_MIN_MTU) - IP6_HDR_LEN - 8;
	if (s->max_len > DHCP6_MAX_MSG)
		s->max_len = DHCP6_MAX_MSG;
	return 0;
}

const char *dhcp6_drop_name(int reason)
{
	static const char *const names[DHCP6_DROP__MAX] = {
		[DHCP6_DROP_FOREIGN_MAC] = "foreign_mac",
		[DHCP6_DROP_SERVER_MSG] = "server_message",
		[DHCP6_DROP_RELAYED] = "relayed",
		[DHCP6_DROP_BAD_TYPE] = "bad_msg_type",
		[DHCP6_DROP_NO_CLIENTID] = "no_client_id",
		[DHCP6_DROP_HAS_SERVERID] = "unexpected_server_id",
		[DHCP6_DROP_NO_SERVERID] = "no_server_id",
		[DHCP6_DROP_OTHER_SERVER] = "other_server",
		[DHCP6_DROP_IA_IN_INFOREQ] = "ia_in_information_request",
		[DHCP6_DROP_CONFIRM_EMPTY] = "confirm_without_addresses",
		[DHCP6_DROP_BUILD] = "reply_too_big",
	};
	if (reason > 0 && reason < DHCP6_PARSE__MAX)
		return dhcp6_parse_err_name(reason);
	if (reason < 0 || reason >= DHCP6_DROP__MAX || !names[reason])
		return "unknown";
	return names[reason];
}

static bool log_allowed(struct dhcp6_server *s)
{
	time_t now = time(NULL);

	if (now - s->log_window >= DHCP6_LOG_WINDOW) {
		if (s->log_suppressed)
			log_warn("dhcp6", "event log lines suppressed", "{s:i}", "count",
				 (int)s->log_suppressed);
		s->log_window = now;
		s->log_count = 0;
		s->log_suppressed = 0;
	}
	if (s->log_count >= DHCP6_LOG_BURST) {
		s->log_suppressed++;
		return false;
	}
	s->log_count++;
	return true;
}

static void log_event(struct dhcp6_server *s, enum log_level lvl, const char *msg,
		      const struct dhcp6_msg *m)
{
	char a[INET6_ADDRSTRLEN], xid[7];

	/* Checked first: a filtered line must not even be built. */
	if (log_get_level() > lvl || !log_allowed(s))
		return;
	inet_ntop(AF_INET6, &s->cfg.addr[0], a, sizeof(a));
	snprintf(xid, sizeof(xid), "%02x%02x%02x", m->xid[0], m->xid[1], m->xid[2]);
	log_emit(lvl, "dhcp6", msg, "{s:s, s:s}", "addr", a, "xid", xid);
}

static int drop(struct dhcp6_server *s, int reason)
{
	s->cnt.dropped[reason]++;
	return 0;
}

static bool ours(const struct dhcp6_server *s, const struct in6_addr *a)
{
	for (size_t i = 0; i < s->cfg.naddr; i++)
		if (!memcmp(&s->cfg.addr[i], a, 16))
			return true;
	return false;
}

static void put_ids(struct dhcp6_server *s, struct dhcp6_writer *w, const struct dhcp6_msg *m)
{
	/* RFC 8415 18.3: every reply carries our Server Identifier and the client's own. */
	dhcp6_w_opt(w, D6O_SERVERID, s->duid, sizeof(s->duid));
	if (m->clientid)
		dhcp6_w_opt(w, D6O_CLIENTID, m->clientid, m->clientid_len);
}

static void put_config(struct dhcp6_server *s, struct dhcp6_writer *w)
{
	/* RFC 3646 3/4; sent whether or not the ORO asked (RFC 8415 21.7 allows it). */
	if (s->cfg.ndns)
		dhcp6_w_opt(w, D6O_DNS_SERVERS, s->v_dns, 16 * s->cfg.ndns);
	if (s->search_len)
		dhcp6_w_opt(w, D6O_DOMAIN_LIST, s->v_search, s->search_len);
}

enum ia_mode {
	IA_ASSIGN, /* Solicit, Request: the pod addresses, NotOnLink for others */
	IA_EXTEND, /* Renew, Rebind: the pod addresses, others with lifetimes 0 */
};

static void put_iaaddr(struct dhcp6_writer *w, const struct in6_addr *a, uint32_t pref,
		       uint32_t valid)
{
	size_t mark = dhcp6_w_begin(w, D6O_IAADDR);

	dhcp6_w_raw(w, a, 16);
	dhcp6_w_u32(w, pref);
	dhcp6_w_u32(w, valid);
	dhcp6_w_end(w, mark);
}

/* Whether some IA_NA is answered with addresses. */
static bool put_ias(struct dhcp6_server *s, struct dhcp6_writer *w, const struct dhcp6_msg *m,
		    enum ia_mode mode)
{
	uint32_t life = s->cfg.lease_time;
	/*
	 * RFC 8415 21.4: T1/T2 of 0xffffffff mean never renew/rebind,
	 * which suits an infinite lease; else the recommended 0.5 and 0.8
	 * of the preferred lifetime.
	 */
	uint32_t t1 = life == DHCP6_INFINITY ? DHCP6_INFINITY : life / 2;
	uint32_t t2 = life == DHCP6_INFINITY ? DHCP6_INFINITY : (uint32_t)((uint64_t)life * 4 / 5);
	bool assigned = false;

	for (size_t i = 0; i < m->nia; i++) {
		const struct dhcp6_ia *ia = &m->ia[i];
		size_t mark = dhcp6_w_begin(w, ia->code);
		bool foreign = false;

		dhcp6_w_raw(w, ia->iaid, 4);
		if (ia->code == D6O_IA_TA) {
			/* RFC 8415 21.5: temporary addresses are not what a pod has. */
			dhcp6_w_status(w, D6_NO_ADDRS_AVAIL, "no temporary addresses on this link");
			dhcp6_w_end(w, mark);
			continue;
		}
		if (ia->code == D6O_IA_PD) {
			/* RFC 8415 18.3.2 / 21.21: nothing to delegate. */
			dhcp6_w_u32(w, 0);
			dhcp6_w_u32(w, 0);
			dhcp6_w_status(w, D6_NO_PREFIX_AVAIL, "no prefixes to delegate");
			dhcp6_w_end(w, mark);
			continue;
		}
		for (size_t k = 0; k < ia->naddr; k++)
			foreign |= !ours(s, &ia->addr[k]);
		if (assigned) {
			/*
			 * One guest, one set of pod addresses: a second IA_NA
			 * cannot get them too (RFC 8415 18.3.2 "NoAddrsAvail").
			 */
			dhcp6_w_u32(w, 0);
			dhcp6_w_u32(w, 0);
			dhcp6_w_status(w, D6_NO_ADDRS_AVAIL, "the pod addresses are in another IA");
			dhcp6_w_end(w, mark);
			continue;
		}
		if (mode == IA_ASSIGN && foreign && m->type == DHCP6_REQUEST) {
			/*
			 * RFC 8415 18.3.2: an address "not appropriate for the
			 * link" -> "return the IA to the client with a Status
			 * Code option with the value NotOnLink".  Only the pod
			 * addresses are on this single-guest link; the client
			 * then solicits again and gets them (a VM whose pod
			 * moved, as KubeVirt #13601 for DHCPv4).
			 */
			dhcp6_w_u32(w, 0);
			dhcp6_w_u32(w, 0);
			dhcp6_w_status(w, D6_NOT_ON_LINK,
				       "address not on this link: solicit again");
			dhcp6_w_end(w, mark);
			s->cnt.not_on_link++;
			log_event(s, LOG_LVL_INFO, "request for a foreign address: NotOnLink", m);
			continue;
		}
		dhcp6_w_u32(w, t1);
		dhcp6_w_u32(w, t2);
		for (size_t k = 0; k < s->cfg.naddr; k++)
			put_iaaddr(w, &s->cfg.addr[k], life, life);
		/*
		 * RFC 8415 18.3.4 / 18.3.5: addresses "not appropriate for
		 * the link" are returned "with lifetimes of 0".  (Solicit:
		 * the client's hints are just ignored, 18.3.1.)
		 */
		if (mode == IA_EXTEND)
			for (size_t k = 0; k < ia->naddr; k++)
				if (!ours(s, &ia->addr[k]))
					put_iaaddr(w, &ia->addr[k], 0, 0);
		dhcp6_w_end(w, mark);
		assigned = true;
	}
	return assigned;
}

static int finish(struct dhcp6_server *s, struct dhcp6_writer *w, struct dhcp6_reply *r)
{
	if (w->overflow)
		return drop(s, DHCP6_DROP_BUILD);
	r->len = w->len;
	r->type = w->buf[0];
	if (r->type == DHCP6_ADVERTISE)
		s->cnt.advertises++;
	else
		s->cnt.replies++;
	return 1;
}

/* RFC 8415 18.3.1 (Rapid Commit) / 18.3.2 / 18.3.4 / 18.3.5: IAs plus configuration. */
static int lease_reply(struct dhcp6_server *s, const struct dhcp6_msg *m, uint8_t type,
		       enum ia_mode mode, struct dhcp6_reply *r)
{
	struct dhcp6_writer w;
	bool has_na = false;

	for (size_t i = 0; i < m->nia; i++)
		has_na |= m->ia[i].code == D6O_IA_NA;
	dhcp6_w_init(&w, r->buf, s->max_len, type, m->xid);
	put_ids(s, &w, m);
	if (!has_na) {
		/*
		 * RFC 8415 18.3.9: a server that "will not assign any
		 * addresses to any IAs" answers with "a Status Code option
		 * with code NoAddrsAvail", its Server Identifier and the
		 * Client Identifier; the IA_TA/IA_PD asked for are answered
		 * each with its own status.  Never a committed Reply then.
		 */
		if (type == DHCP6_REPLY && m->type == DHCP6_SOLICIT)
			w.buf[0] = DHCP6_ADVERTISE;
		put_ias(s, &w, m, mode);
		dhcp6_w_status(&w, D6_NO_ADDRS_AVAIL, "only IA_NA addresses are assigned here");
		s->cnt.no_addrs++;
		return finish(s, &w, r);
	}
	if (type == DHCP6_REPLY && m->type == DHCP6_SOLICIT) {
		/* RFC 8415 21.14: the Reply to a Rapid Commit Solicit carries it too. */
		dhcp6_w_opt(&w, D6O_RAPID_COMMIT, NULL, 0);
		s->cnt.rapid_commits++;
	}
	if (type == DHCP6_ADVERTISE) {
		/*
		 * RFC 8415 18.2.1: a Preference of 255 makes the client
		 * request at once instead of collecting Advertises for a
		 * second; there is no other server on a pod's bridge.
		 */
		uint8_t pref = 255;

		dhcp6_w_opt(&w, D6O_PREFERENCE, &pref, 1);
	}
	put_ias(s, &w, m, mode);
	put_config(s, &w);
	return finish(s, &w, r);
}

/* A Reply with only the identifiers and a status (Confirm, Release, Decline, UseMulticast). */
static int status_reply(struct dhcp6_server *s, const struct dhcp6_msg *m, uint16_t status,
			const char *why, struct dhcp6_reply *r)
{
	struct dhcp6_writer w;

	dhcp6_w_init(&w, r->buf, s->max_len, DHCP6_REPLY, m->xid);
	put_ids(s, &w, m);
	dhcp6_w_status(&w, status, why);
	return finish(s, &w, r);
}

static bool our_serverid(const struct dhcp6_server *s, const struct dhcp6_msg *m)
{
	return m->serverid_len == sizeof(s->duid) && !memcmp(m->serverid, s->duid, sizeof(s->duid));
}

/*
 * RFC 8415 16: per type, which identifiers a valid message has.  Returns
 * 0 when valid, else the drop reason.
 */
static int validate(const struct dhcp6_server *s, const struct dhcp6_msg *m)
{
	bool need_sid = false, no_sid = false, need_cid = true;

	switch (m->type) {
	case DHCP6_SOLICIT: /* 16.2 */
	case DHCP6_CONFIRM: /* 16.5 */
	case DHCP6_REBIND:  /* 16.7 */
		no_sid = true;
		break;
	case DHCP6_REQUEST: /* 16.4 */
	case DHCP6_RENEW:   /* 16.6 */
	case DHCP6_DECLINE: /* 16.8 */
	case DHCP6_RELEASE: /* 16.9 */
		need_sid = true;
		break;
	case DHCP6_INFORMATION_REQUEST: /* 16.12: Client Identifier optional */
		need_cid = false;
		if (m->nia)
			return DHCP6_DROP_IA_IN_INFOREQ;
		if (m->serverid && !our_serverid(s, m))
			return DHCP6_DROP_OTHER_SERVER;
		break;
	}
	if (need_cid && !m->clientid)
		return DHCP6_DROP_NO_CLIENTID;
	if (no_sid && m->serverid)
		return DHCP6_DROP_HAS_SERVERID;
	if (need_sid && !m->serverid)
		return DHCP6_DROP_NO_SERVERID;
	if (need_sid && !our_serverid(s, m))
		return DHCP6_DROP_OTHER_SERVER;
	return 0;
}

static int confirm(struct dhcp6_server *s, const struct dhcp6_msg *m, struct dhcp6_reply *r)
{
	size_t n = 0;
	bool foreign = false;

	for (size_t i = 0; i < m->nia; i++) {
		if (m->ia[i].code == D6O_IA_PD)
			continue;
		for (size_t k = 0; k < m->ia[i].naddr; k++, n++)
			foreign |= !ours(s, &m->ia[i].addr[k]);
	}
	/* RFC 8415 18.3.3: "If ... no addresses in any of the IAs ... MUST NOT send a reply". */
	if (!n)
		return drop(s, DHCP6_DROP_CONFIRM_EMPTY);
	if (foreign) {
		s->cnt.not_on_link++;
		log_event(s, LOG_LVL_INFO, "confirm of a foreign address: NotOnLink", m);
		return status_reply(s, m, D6_NOT_ON_LINK, "address not on this link", r);
	}
	log_event(s, LOG_LVL_INFO, "addresses confirmed", m);
	return status_reply(s, m, D6_SUCCESS, "addresses on this link", r);
}

int dhcp6_server_handle(struct dhcp6_server *s, const uint8_t src_mac[6], bool multicast,
			const uint8_t *pkt, size_t len, struct dhcp6_reply *r)
{
	struct dhcp6_msg *m = &s->msg;
	int ret;

	s->cnt.rx++;
	/* The client is the guest MAC, never its DUID (which differs per client program). */
	if (memcmp(src_mac, s->cfg.guest_mac, 6))
		return drop(s, DHCP6_DROP_FOREIGN_MAC);
	ret = dhcp6_msg_parse(m, pkt, len);
	if (ret)
		return drop(s, ret);
	switch (m->type) {
	case DHCP6_ADVERTISE:
	case DHCP6_REPLY:
	case DHCP6_RECONFIGURE:
		return drop(s, DHCP6_DROP_SERVER_MSG);
	case DHCP6_RELAY_FORW:
	case DHCP6_RELAY_REPL:
		return drop(s, DHCP6_DROP_RELAYED);
	case DHCP6_SOLICIT:
	case DHCP6_REQUEST:
	case DHCP6_CONFIRM:
	case DHCP6_RENEW:
	case DHCP6_REBIND:
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
	case DHCP6_INFORMATION_REQUEST:
		break;
	default:
		return drop(s, DHCP6_DROP_BAD_TYPE);
	}
	ret = validate(s, m);
	if (ret)
		return drop(s, ret);
	s->cnt.ia_ignored += m->ia_ignored;
	/*
	 * RFC 8415 18.3.2/18.3.4/18.3.7/18.3.8: a Request, Renew, Release or
	 * Decline unicast by a client never sent a Server Unicast option is
	 * discarded and answered "UseMulticast".
	 */
	if (!multicast && (m->type == DHCP6_REQUEST || m->type == DHCP6_RENEW ||
			   m->type == DHCP6_RELEASE || m->type == DHCP6_DECLINE)) {
		s->cnt.use_multicast++;
		return status_reply(s, m, D6_USE_MULTICAST, "send to All_DHCP_Servers", r);
	}
	switch (m->type) {
	case DHCP6_SOLICIT:
		s->cnt.solicits++;
		/* RFC 8415 18.3.1: Rapid Commit -> a committed Reply, else an Advertise. */
		log_event(s, LOG_LVL_INFO,
			  m->rapid_commit ? "solicit: rapid commit reply" : "solicit: advertise",
			  m);
		return lease_reply(s, m, m->rapid_commit ? DHCP6_REPLY : DHCP6_ADVERTISE, IA_ASSIGN,
				   r);
	case DHCP6_REQUEST:
		s->cnt.requests++;
		log_event(s, LOG_LVL_INFO, "request: reply", m);
		return lease_reply(s, m, DHCP6_REPLY, IA_ASSIGN, r);
	case DHCP6_RENEW:
	case DHCP6_REBIND:
		if (m->type == DHCP6_RENEW)
			s->cnt.renews++;
		else
			s->cnt.rebinds++;
		log_event(s, LOG_LVL_INFO,
			  m->type == DHCP6_RENEW ? "renew: reply" : "rebind: reply", m);
		return lease_reply(s, m, DHCP6_REPLY, IA_EXTEND, r);
	case DHCP6_CONFIRM:
		s->cnt.confirms++;
		return confirm(s, m, r);
	case DHCP6_RELEASE:
		/* RFC 8415 18.3.7: Reply with Success; the pod addresses stay the guest's. */
		s->cnt.releases++;
		log_event(s, LOG_LVL_INFO, "client released its addresses", m);
		return status_reply(s, m, D6_SUCCESS, "released", r);
	case DHCP6_DECLINE:
		/* RFC 8415 18.3.8: Reply with Success; there is no other address to give. */
		s->cnt.declines++;
		log_event(s, LOG_LVL_WARN,
			  "client declined the pod address (duplicate on the link?)", m);
		return status_reply(s, m, D6_SUCCESS, "declined", r);
	default: {
		/* RFC 8415 18.3.6: configuration only. */
		struct dhcp6_writer w;

		s->cnt.inforeqs++;
		dhcp6_w_init(&w, r->buf, s->max_len, DHCP6_REPLY, m->xid);
		put_ids(s, &w, m);
		put_config(s, &w);
		return finish(s, &w, r);
	}
	}
}

void dhcp6_server_log_counters(const struct dhcp6_server *s, const char *msg)
{
	const struct dhcp6_counters *c = &s->cnt;
	json_t *dropped;

	if (log_get_level() > LOG_LVL_INFO)
		return;
	dropped = json_object();
	for (int i = 1; i < DHCP6_DROP__MAX; i++)
		if (c->dropped[i])
			json_object_set_new(dropped, dhcp6_drop_name(i),
					    json_integer((json_int_t)c->dropped[i]));
	log_info("dhcp6", msg,
		 "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		 "rx", (json_int_t)c->rx, "solicits", (json_int_t)c->solicits, "requests",
		 (json_int_t)c->requests, "confirms", (json_int_t)c->confirms, "renews",
		 (json_int_t)c->renews, "rebinds", (json_int_t)c->rebinds, "releases",
		 (json_int_t)c->releases, "declines", (json_int_t)c->declines,
		 "information_requests", (json_int_t)c->inforeqs, "advertises",
		 (json_int_t)c->advertises, "replies", (json_int_t)c->replies, "rapid_commits",
		 (json_int_t)c->rapid_commits, "not_on_link", (json_int_t)c->not_on_link,
		 "use_multicast", (json_int_t)c->use_multicast, "no_addrs", (json_int_t)c->no_addrs,
		 "dropped", dropped);
}
