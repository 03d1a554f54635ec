/* SPDX-License-Identifier: MIT */
#ifndef DHCP_IO6_H
#define DHCP_IO6_H

/*
 * Sockets of the IPv6 side, on the bridge:
 * - an AF_PACKET SOCK_DGRAM socket (CAP_NET_RAW) with a classic BPF
 *   filter passing only UDP to port 547 and the ICMPv6 types the router
 *   side reads (RS, RA, NA, Echo Reply): each packet comes with the
 *   frame's source MAC, which is how the guest is told from anyone else
 *   on the link; every reply goes out on it as a frame to that MAC;
 * - a UDP socket bound to [::]:547 (CAP_NET_BIND_SERVICE) that reads
 *   nothing (a drop-all filter): it holds the port, so the kernel sends
 *   no ICMPv6 unreachables for unicast DHCPv6, and joins ff02::1:2
 *   (All_DHCP_Relay_Agents_and_Servers) and ff02::2 (all routers) on the
 *   bridge, so the bridge's multicast snooping delivers Solicits and RSs.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/types.h>

#include "common/err.h"
#include "dhcp/ra.h"

struct dhcp6_io {
	int pkt, udp;
	int ifindex;
	uint8_t mac[6];	       /* the bridge's */
	struct in6_addr ll;    /* the bridge's link-local: source of our packets */
	bool ll_on_bridge;     /* false: computed (EUI-64), the bridge has none */
	bool global_on_bridge; /* a global address on the bridge (should not be) */
};

/* Open both sockets on the bridge; 0 or -errno with e naming the step that failed. */
int dhcp6_io_open(struct dhcp6_io *io, const char *bridge, struct err *e);
void dhcp6_io_close(struct dhcp6_io *io);

/*
 * One packet: its length with src_mac set, 0 to ignore, or -errno
 * (-EAGAIN: none).  *csum_offloaded: the kernel says its checksum is not
 * filled in yet (a local sender with offload), see ip6_parse_ex().
 */
ssize_t dhcp6_io_recv(struct dhcp6_io *io, uint8_t *buf, size_t cap, uint8_t src_mac[6],
		      bool *csum_offloaded);
int dhcp6_io_send(struct dhcp6_io *io, const struct ip6_out *o);

#endif
