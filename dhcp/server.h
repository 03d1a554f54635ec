/* SPDX-License-Identifier: MIT */
#ifndef DHCP_SERVER_H
#define DHCP_SERVER_H

/*
 * The single-client DHCPv4 server logic: a received message in, at most one
 * reply (with its destination) out.  No I/O and no allocation, so the unit
 * tests and the fuzzer drive it directly.
 */

#include <stdint.h>
#include <time.h>

#include "dhcp/config.h"
#include "dhcp/msg.h"
#include "dhcp/reply.h"

enum dhcp_drop {
	/* 1 .. DHCP_PARSE__MAX-1 are the enum dhcp_parse_err reasons. */
	DHCP_DROP_BOOTREPLY = DHCP_PARSE__MAX,
	DHCP_DROP_RELAYED,
	DHCP_DROP_FOREIGN_MAC,
	DHCP_DROP_NO_TYPE,
	DHCP_DROP_BAD_TYPE,
	DHCP_DROP_BAD_REQUEST,
	DHCP_DROP_OTHER_SERVER,
	DHCP_DROP_WRONG_IFACE,
	DHCP_DROP_BUILD,
	DHCP_DROP__MAX,
};

struct dhcp_counters {
	uint64_t rx, discovers, requests, informs, declines, releases;
	uint64_t offers, acks, naks, tx_errors, tx_broadcast_fallback;
	uint64_t options_dropped, overloaded;
	uint64_t dropped[DHCP_DROP__MAX];
};

struct dhcp_reply {
	uint8_t buf[DHCP_MAX_MSG];
	size_t len;
	uint8_t type;
	uint32_t yiaddr;
	struct dhcp_dest dest;
	struct dhcp_build_info info;
};

struct dhcp_server {
	struct dhcp_config cfg;
	struct dhcp_counters cnt;
	struct dhcp_msg msg;

	/* Option values encoded once per configuration. */
	uint8_t v_sid[4], v_mask[4], v_router[4], v_bcast[4], v_mtu[2];
	uint8_t v_lease[4], v_t1[4], v_t2[4];
	uint8_t v_dns[4 * DHCP_MAX_DNS], v_ntp[4 * DHCP_MAX_NTP];
	uint8_t v_routes[9 * DHCP_MAX_ROUTES];
	uint16_t routes_len;
	uint8_t v_search[DHCP_MAX_SEARCH * 256];
	uint16_t search_len;
	uint16_t domain_len; /* option 15: the first search domain */
	bool bcast_ok;	     /* a broadcast address exists (not /31, /32) */

	/* Event log rate limit: at most DHCP_LOG_BURST lines per window. */
	time_t log_window;
	unsigned int log_count, log_suppressed;
};

#define DHCP_LOG_BURST	20
#define DHCP_LOG_WINDOW 10

/* (Re)load a configuration; 0 or -EINVAL when its options cannot be encoded. */
int dhcp_server_configure(struct dhcp_server *s, const struct dhcp_config *cfg);

/*
 * Handle one message received on the bridge.  Returns 1 with *r filled
 * when a reply must be sent, 0 when the message is consumed or dropped
 * (counted).
 */
int dhcp_server_handle(struct dhcp_server *s, const uint8_t *pkt, size_t len, struct dhcp_reply *r);

const char *dhcp_drop_name(int reason);
/* One log line with every counter. */
void dhcp_server_log_counters(const struct dhcp_server *s, const char *msg);

#endif
