/* SPDX-License-Identifier: MIT */
#ifndef DHCP_PROTO6_H
#define DHCP_PROTO6_H

/* DHCPv6 (RFC 8415) and neighbour discovery (RFC 4861, RFC 8106) wire constants. */

#include <stdint.h>

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

enum dhcp6_msg_type {
	DHCP6_SOLICIT = 1,
	DHCP6_ADVERTISE,
	DHCP6_REQUEST,
	DHCP6_CONFIRM,
	DHCP6_RENEW,
	DHCP6_REBIND,
	DHCP6_REPLY,
	DHCP6_RELEASE,
	DHCP6_DECLINE,
	DHCP6_RECONFIGURE,
	DHCP6_INFORMATION_REQUEST,
	DHCP6_RELAY_FORW,
	DHCP6_RELAY_REPL,
};

enum dhcp6_opt_code {
	D6O_CLIENTID = 1,
	D6O_SERVERID = 2,
	D6O_IA_NA = 3,
	D6O_IA_TA = 4,
	D6O_IAADDR = 5,
	D6O_ORO = 6,
	D6O_PREFERENCE = 7,
	D6O_ELAPSED_TIME = 8,
	D6O_STATUS_CODE = 13,
	D6O_RAPID_COMMIT = 14,
	D6O_DNS_SERVERS = 23,
	D6O_DOMAIN_LIST = 24,
	D6O_IA_PD = 25,
	D6O_INFO_REFRESH_TIME = 32,
};

/* RFC 8415 21.13 status codes. */
enum dhcp6_status {
	D6_SUCCESS = 0,
	D6_UNSPEC_FAIL = 1,
	D6_NO_ADDRS_AVAIL = 2,
	D6_NO_BINDING = 3,
	D6_NOT_ON_LINK = 4,
	D6_USE_MULTICAST = 5,
	D6_NO_PREFIX_AVAIL = 6,
};

/* RFC 8415 8: msg-type and a 3-octet transaction-id, then options. */
#define DHCP6_HDR_LEN 4
/* RFC 8415 11.1: a DUID is at most 128 octets after its 2-octet type. */
#define DHCP6_DUID_MAX 130
/* RFC 8415 21.4 / 21.6: IA_NA fixed part and IAADDR fixed part. */
#define DHCP6_IA_NA_LEN	 12
#define DHCP6_IA_TA_LEN	 4
#define DHCP6_IAADDR_LEN 24
#define DHCP6_INFINITY	 0xffffffffu
/* Largest message built or accepted: one Ethernet frame of UDP payload. */
#define DHCP6_MAX_MSG 1452

/* IPv6 (RFC 8200) */
#define IP6_HDR_LEN   40
#define IP6_NH_UDP    17
#define IP6_NH_ICMPV6 58
/* RFC 8200 5: every link carries at least 1280 octets. */
#define IP6_MIN_MTU 1280

/* ICMPv6 (RFC 4443) and ND (RFC 4861 4) message types. */
#define ICMP6_ECHO_REQUEST  128
#define ICMP6_ECHO_REPLY    129
#define ND_ROUTER_SOLICIT   133
#define ND_ROUTER_ADVERT    134
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT  136

/* RFC 4861 4.6, RFC 8106 5 option types. */
#define ND_OPT_SOURCE_LLADDR 1
#define ND_OPT_TARGET_LLADDR 2
#define ND_OPT_PREFIX_INFO   3
#define ND_OPT_MTU	     5
#define ND_OPT_ROUTE_INFO    24 /* RFC 4191 2.3 */
#define ND_OPT_RDNSS	     25
#define ND_OPT_DNSSL	     31

/* RFC 4861 4.2 / 4.6.2 flags. */
#define ND_RA_FLAG_MANAGED 0x80
#define ND_RA_FLAG_OTHER   0x40
#define ND_PI_FLAG_ONLINK  0x80
#define ND_PI_FLAG_AUTO	   0x40
/* RFC 4191 2.1 Prf values (the kernel's RTA_PREF / ICMPV6_ROUTER_PREF_* too). */
#define ND_PREF_MEDIUM	     0
#define ND_PREF_HIGH	     1
#define ND_PREF_RESERVED     2
#define ND_PREF_LOW	     3
#define ND_NA_FLAG_ROUTER    0x80
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE  0x20

/* RFC 4861 6.1: ND messages are sent and accepted with hop limit 255. */
#define ND_HOP_LIMIT 255

#endif
