/* SPDX-License-Identifier: MIT */
#ifndef DHCP_DHCP6_MSG_H
#define DHCP_DHCP6_MSG_H

/*
 * DHCPv6 messages (RFC 8415): a received client message parsed into a
 * fixed structure (pointers into the caller's buffer, no allocation), and a
 * bounded writer for replies.  Only the options the server uses are
 * checked strictly; others are skipped whatever their content, their
 * lengths still framed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "dhcp/proto6.h"

enum dhcp6_parse_err {
	DHCP6_PARSE_OK = 0,
	DHCP6_PARSE_SHORT,     /* no room for msg-type and transaction-id */
	DHCP6_PARSE_TRUNCATED, /* an option runs past the message or its container */
	DHCP6_PARSE_DUID,      /* Client/Server Identifier empty, too long or repeated */
	DHCP6_PARSE_IA,	       /* IA_NA/IA_TA/IA_PD shorter than its fixed part */
	DHCP6_PARSE_IAADDR,    /* IAADDR shorter than its fixed part */
	DHCP6_PARSE_OPTLEN,    /* Rapid Commit not empty, ORO odd */
	DHCP6_PARSE__MAX,
};

#define DHCP6_MAX_IA	 8 /* IAs answered; more are ignored (counted) */
#define DHCP6_MAX_IAADDR 8 /* addresses read per IA_NA/IA_TA */

struct dhcp6_ia {
	uint16_t code;	 /* D6O_IA_NA, D6O_IA_TA or D6O_IA_PD */
	uint8_t iaid[4]; /* as on the wire */
	uint32_t t1, t2; /* IA_NA only */
	struct in6_addr addr[DHCP6_MAX_IAADDR];
	size_t naddr; /* IAADDRs seen (capped at DHCP6_MAX_IAADDR) */
};

struct dhcp6_msg {
	uint8_t type;
	uint8_t xid[3];
	const uint8_t *clientid, *serverid;
	uint16_t clientid_len, serverid_len;
	const uint8_t *oro;
	uint16_t oro_len;
	bool rapid_commit;
	struct dhcp6_ia ia[DHCP6_MAX_IA];
	size_t nia;
	size_t ia_ignored; /* IAs beyond DHCP6_MAX_IA */
};

int dhcp6_msg_parse(struct dhcp6_msg *m, const uint8_t *buf, size_t len);
const char *dhcp6_parse_err_name(int err);
/* True when the client's Option Request Option lists code. */
bool dhcp6_msg_requested(const struct dhcp6_msg *m, uint16_t code);

/* A reply under construction: writes past cap set overflow and are not done. */
struct dhcp6_writer {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

void dhcp6_w_init(struct dhcp6_writer *w, uint8_t *buf, size_t cap, uint8_t type,
		  const uint8_t xid[3]);
void dhcp6_w_opt(struct dhcp6_writer *w, uint16_t code, const void *data, size_t len);
/* Open a container option (IA_NA, IAADDR...): returns the mark for dhcp6_w_end(). */
size_t dhcp6_w_begin(struct dhcp6_writer *w, uint16_t code);
void dhcp6_w_raw(struct dhcp6_writer *w, const void *data, size_t len);
void dhcp6_w_u32(struct dhcp6_writer *w, uint32_t v);
void dhcp6_w_end(struct dhcp6_writer *w, size_t mark);
/* RFC 8415 21.13 Status Code option with a UTF-8 message. */
void dhcp6_w_status(struct dhcp6_writer *w, uint16_t status, const char *msg);

#endif
