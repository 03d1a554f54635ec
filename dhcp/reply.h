/* SPDX-License-Identifier: MIT */
#ifndef DHCP_REPLY_H
#define DHCP_REPLY_H

/*
 * Building a reply: header fields per RFC 2131 table 3, options placed
 * within the size the client accepts, overload (RFC 2132 9.3) before any
 * option is dropped, long options split per RFC 3396, and the choice of
 * destination per RFC 2131 4.1.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/msg.h"

/*
 * Where an option may be cut into instances (RFC 3396) when no field has
 * room for it whole.  A client that does not concatenate decodes each
 * instance on its own, so each must hold whole items.
 */
enum dhcp_split {
	DHCP_SPLIT_NONE,   /* whole; over 255 octets cut anywhere (RFC 3396 4 MUST split) */
	DHCP_SPLIT_ANY,	   /* any octet, fields filled in order (119: RFC 3397 2) */
	DHCP_SPLIT_ROUTES, /* between RFC 3442 routes (121, 249) */
	DHCP_SPLIT_ADDRS,  /* between 4-octet addresses (3, 6, 42) */
};

/* An option to place: value may exceed 255 octets (split on output). */
struct dhcp_optref {
	uint8_t code;
	bool required; /* never dropped: building fails instead */
	uint8_t split; /* enum dhcp_split */
	uint16_t len;
	const uint8_t *data;
};

#define DHCP_MAX_OPTREFS 64

struct dhcp_build_info {
	bool overloaded;		   /* sname/file carry options */
	uint8_t dropped[DHCP_MAX_OPTREFS]; /* codes that did not fit */
	size_t ndropped;
};

/*
 * The largest DHCP message (without IP/UDP headers) the client accepts:
 * RFC 2132 9.10 option 57 counts the IP datagram, floor 576; capped by the
 * link MTU, or 1500 when it is unknown (no fragmentation), and DHCP_MAX_MSG.
 */
size_t dhcp_reply_max_len(const struct dhcp_msg *req, uint16_t mtu);

/*
 * Write the reply to req into out (at least DHCP_MAX_MSG octets), opts in
 * order of importance.  Returns the length or -ENOSPC when a required
 * option cannot fit even with overload.
 */
int dhcp_reply_build(uint8_t *out, size_t max_len, const struct dhcp_msg *req, uint8_t type,
		     uint32_t yiaddr, const struct dhcp_optref *opts, size_t nopts,
		     struct dhcp_build_info *info);

enum dhcp_dest_kind {
	DHCP_DEST_BROADCAST, /* 255.255.255.255 / ff:ff:ff:ff:ff:ff */
	DHCP_DEST_UNICAST,   /* ip to mac: needs a raw frame */
};

struct dhcp_dest {
	enum dhcp_dest_kind kind;
	uint32_t ip; /* network order */
	uint8_t mac[6];
	const char *why;
};

/* RFC 2131 4.1 for a message without giaddr (relayed ones are dropped). */
void dhcp_reply_dest(const struct dhcp_msg *req, uint8_t reply_type, uint32_t yiaddr,
		     struct dhcp_dest *d);

#endif
