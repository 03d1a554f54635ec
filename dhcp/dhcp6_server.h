/* SPDX-License-Identifier: MIT */
#ifndef DHCP_DHCP6_SERVER_H
#define DHCP_DHCP6_SERVER_H

/*
 * The single-client DHCPv6 server (RFC 8415): one client message in, at
 * most one Advertise/Reply out.  The client is the guest MAC (the frame's
 * link-layer source, given by the caller); its DUID and IAIDs are echoed
 * and honoured but never pick the client.  No I/O, no allocation.
 */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "dhcp/config6.h"
#include "dhcp/dhcp6_msg.h"

enum dhcp6_drop {
	/* 1 .. DHCP6_PARSE__MAX-1 are the enum dhcp6_parse_err reasons. */
	DHCP6_DROP_FOREIGN_MAC = DHCP6_PARSE__MAX,
	DHCP6_DROP_SERVER_MSG, /* Advertise, Reply, Reconfigure */
	DHCP6_DROP_RELAYED,    /* Relay-forward/-reply: no relay in a pod */
	DHCP6_DROP_BAD_TYPE,
	DHCP6_DROP_NO_CLIENTID,
	DHCP6_DROP_HAS_SERVERID, /* Solicit/Confirm/Rebind naming a server */
	DHCP6_DROP_NO_SERVERID,
	DHCP6_DROP_OTHER_SERVER,
	DHCP6_DROP_IA_IN_INFOREQ,
	DHCP6_DROP_CONFIRM_EMPTY,
	DHCP6_DROP_BUILD,
	DHCP6_DROP__MAX,
};

struct dhcp6_counters {
	uint64_t rx, solicits, requests, confirms, renews, rebinds, releases, declines;
	uint64_t inforeqs, advertises, replies, rapid_commits, not_on_link, use_multicast;
	uint64_t no_addrs, ia_ignored;
	uint64_t dropped[DHCP6_DROP__MAX];
};

struct dhcp6_reply {
	uint8_t buf[DHCP6_MAX_MSG];
	size_t len;
	uint8_t type;
};

struct dhcp6_server {
	struct dhcp6_config cfg;
	struct dhcp6_counters cnt;
	struct dhcp6_msg msg;
	uint8_t duid[10]; /* DUID-LL (RFC 8415 11.4) of the bridge MAC */
	uint8_t v_dns[16 * DHCP_MAX_DNS];
	uint8_t v_search[1024];
	uint16_t search_len;
	size_t max_len; /* reply size limit: link MTU minus IPv6+UDP */
	time_t log_window;
	unsigned int log_count, log_suppressed;
};

#define DHCP6_LOG_BURST	 20
#define DHCP6_LOG_WINDOW 10

/* (Re)load; the server DUID comes from bridge_mac.  0 or -EINVAL. */
int dhcp6_server_configure(struct dhcp6_server *s, const struct dhcp6_config *cfg,
			   const uint8_t bridge_mac[6]);

/*
 * Handle one DHCPv6 message (UDP payload) from link-layer source src_mac,
 * sent to a multicast (true) or unicast IPv6 destination.  Returns 1 with
 * *r filled when a reply goes back to the client, 0 when consumed/dropped.
 */
int dhcp6_server_handle(struct dhcp6_server *s, const uint8_t src_mac[6], bool multicast,
			const uint8_t *pkt, size_t len, struct dhcp6_reply *r);

const char *dhcp6_drop_name(int reason);
void dhcp6_server_log_counters(const struct dhcp6_server *s, const char *msg);

#endif
