/* SPDX-License-Identifier: MIT */
#ifndef DHCP_MSG_H
#define DHCP_MSG_H

/*
 * Parsing of a received DHCP message into a fixed-size structure: no
 * allocation, every length checked, options concatenated per RFC 3396 and
 * the overload option (52) honoured within the sname/file fields.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/proto.h"

enum dhcp_parse_err {
	DHCP_PARSE_OK = 0,
	DHCP_PARSE_SHORT,     /* shorter than the fixed header + cookie */
	DHCP_PARSE_LONG,      /* longer than DHCP_MAX_MSG */
	DHCP_PARSE_MAGIC,     /* no RFC 2131 3 magic cookie */
	DHCP_PARSE_HTYPE,     /* not Ethernet / 6-octet hardware address */
	DHCP_PARSE_TRUNCATED, /* an option runs past its field */
	DHCP_PARSE_OPTLEN,    /* a fixed-size option has the wrong size */
	DHCP_PARSE_OVERLOAD,  /* option 52 malformed */
	DHCP_PARSE__MAX,
};

struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;				 /* as on the wire */
	uint16_t secs, flags;			 /* host order */
	uint32_t ciaddr, yiaddr, siaddr, giaddr; /* network order */
	uint8_t chaddr[16];
	uint8_t overload; /* option 52 value, 0 if absent */

	/* Concatenated option values, indexed by code. */
	uint16_t opt_off[256];
	uint16_t opt_len[256];
	uint8_t opt_present[256 / 8];
	uint8_t store[DHCP_MAX_MSG];
};

int dhcp_msg_parse(struct dhcp_msg *m, const uint8_t *buf, size_t len);
const char *dhcp_parse_err_name(int err);

/* The value of option code (all its instances concatenated), or NULL. */
const uint8_t *dhcp_msg_opt(const struct dhcp_msg *m, uint8_t code, size_t *len);
bool dhcp_msg_has(const struct dhcp_msg *m, uint8_t code);
/* Option 53, or 0 when absent. */
int dhcp_msg_type(const struct dhcp_msg *m);
/* A 4-octet address option (network order) in *addr; false when absent. */
bool dhcp_msg_addr(const struct dhcp_msg *m, uint8_t code, uint32_t *addr);
/* True when the client's option 55 lists code. */
bool dhcp_msg_requested(const struct dhcp_msg *m, uint8_t code);

#endif
