/* SPDX-License-Identifier: MIT */
#ifndef DHCP_IP6PKT_H
#define DHCP_IP6PKT_H

/*
 * IPv6 packets as an AF_PACKET SOCK_DGRAM socket carries them (the kernel
 * adds and strips the Ethernet header): parse one with UDP or ICMPv6
 * directly after the fixed header, checksums verified; build one with the
 * RFC 8200 8.1 pseudo-header checksum filled in.  Pure, no allocation.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

enum ip6_parse_err {
	IP6_OK = 0,
	IP6_SHORT,    /* shorter than the header, or than its payload length */
	IP6_VERSION,  /* not version 6 */
	IP6_NEXT_HDR, /* not UDP/ICMPv6 right after the header (extension headers) */
	IP6_L4_LEN,   /* UDP length field disagrees with the payload */
	IP6_CSUM,     /* UDP or ICMPv6 checksum wrong (or UDP checksum 0) */
	IP6_PARSE__MAX,
};

struct ip6_view {
	struct in6_addr src, dst;
	uint8_t hop_limit;
	uint8_t next_hdr;      /* IP6_NH_UDP or IP6_NH_ICMPV6 */
	uint16_t sport, dport; /* UDP only, host order */
	const uint8_t *l4;     /* UDP payload, or the whole ICMPv6 message */
	size_t l4_len;
};

int ip6_parse(struct ip6_view *v, const uint8_t *pkt, size_t len);
/*
 * The same, with the UDP/ICMPv6 checksum check skipped when
 * csum_offloaded: a packet from a local device (veth, tap with offload)
 * still carries only the pseudo-header sum, which the kernel flags
 * (TP_STATUS_CSUMNOTREADY); it never crossed a wire.
 */
int ip6_parse_ex(struct ip6_view *v, const uint8_t *pkt, size_t len, bool csum_offloaded);
const char *ip6_parse_err_name(int err);

/* An IPv6 packet carrying a UDP datagram (hop limit 255 is harmless; 64 used). */
int ip6_build_udp(uint8_t *out, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
		  uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len);
/* An IPv6 packet carrying the ICMPv6 message icmp (its checksum field is filled in). */
int ip6_build_icmp(uint8_t *out, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t hop_limit, const uint8_t *icmp, size_t len);

/* RFC 4291 2.5.6 link-local fe80::/64 with the modified EUI-64 of mac (appendix A). */
void ip6_ll_from_mac(struct in6_addr *out, const uint8_t mac[6]);
/* RFC 4291 2.7.1 solicited-node multicast group of addr, and its RFC 2464 7 MAC. */
void ip6_solicited_node(struct in6_addr *out, const struct in6_addr *addr);
void ip6_mcast_mac(uint8_t mac[6], const struct in6_addr *group);
/* RFC 4291 2.5.6 fe80::/10. */
bool ip6_is_link_local(const struct in6_addr *a);

#endif
