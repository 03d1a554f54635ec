/* SPDX-License-Identifier: MIT */
#ifndef DHCP_PROTO_H
#define DHCP_PROTO_H

/* DHCPv4 wire constants (RFC 2131, RFC 2132). */

#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define BOOTREQUEST	    1
#define BOOTREPLY	    2
#define DHCP_HTYPE_ETHER    1
#define DHCP_HLEN_ETHER	    6
#define DHCP_MAGIC	    0x63825363u
#define DHCP_FLAG_BROADCAST 0x8000u

/* RFC 2131 2: op..file is 236 octets, then the 4-octet magic cookie. */
#define DHCP_FIXED_LEN	 236
#define DHCP_OPTIONS_OFF 240
#define DHCP_SNAME_OFF	 44
#define DHCP_SNAME_LEN	 64
#define DHCP_FILE_OFF	 108
#define DHCP_FILE_LEN	 128
/* IPv4 header without options + UDP header. */
#define DHCP_IP_UDP_LEN 28
/* RFC 2132 9.10: the smallest maximum message size a client may announce. */
#define DHCP_MIN_MAX_MSG 576
/* RFC 1542 2.1: a BOOTP message is at least 300 octets. */
#define DHCP_MIN_REPLY_LEN 300
/* Largest message accepted or built: an Ethernet frame's worth is plenty. */
#define DHCP_MAX_MSG 1500

enum dhcp_msg_type {
	DHCPDISCOVER = 1,
	DHCPOFFER,
	DHCPREQUEST,
	DHCPDECLINE,
	DHCPACK,
	DHCPNAK,
	DHCPRELEASE,
	DHCPINFORM,
};

enum dhcp_opt_code {
	OPT_PAD = 0,
	OPT_SUBNET_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15,
	OPT_MTU = 26,
	OPT_BROADCAST = 28,
	OPT_NTP = 42,
	OPT_REQUESTED_IP = 50,
	OPT_LEASE_TIME = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PARAM_REQ = 55,
	OPT_MESSAGE = 56,
	OPT_MAX_MSG_SIZE = 57,
	OPT_T1 = 58,
	OPT_T2 = 59,
	OPT_CLIENT_ID = 61,
	OPT_SEARCH = 119,
	OPT_CLASSLESS_ROUTE = 121,
	OPT_MS_CLASSLESS_ROUTE = 249,
	OPT_END = 255,
};

/* RFC 2132 9.3 option overload values. */
#define DHCP_OVERLOAD_FILE  1
#define DHCP_OVERLOAD_SNAME 2

#define DHCP_LEASE_INFINITE 0xffffffffu

#endif
