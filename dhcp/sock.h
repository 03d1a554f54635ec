/* SPDX-License-Identifier: MIT */
/*
 * What the DHCPv4 (io.c) and the IPv6 (io6.c) sockets are opened with
 * alike: the bridge's index and MAC, a UDP socket bound to the bridge,
 * and a deep receive queue.
 */
#ifndef DHCP_SOCK_H
#define DHCP_SOCK_H

#include <stdint.h>

#include "common/err.h"

/* The bridge's ifindex (> 0), or -errno with e saying so. */
int dhcp_sock_ifindex(const char *bridge, struct err *e);

/*
 * A non-blocking, close-on-exec UDP socket of family (AF_INET, AF_INET6)
 * that only the bridge's traffic reaches (SO_BINDTODEVICE), SO_REUSEADDR
 * set; not bound yet.  The fd, or -errno with e naming the step.
 */
int dhcp_sock_udp(int family, const char *bridge, struct err *e);

/* The bridge's MAC through any socket fd; 0 or -errno with e saying so. */
int dhcp_sock_bridge_mac(int fd, const char *bridge, uint8_t mac[6], struct err *e);

/*
 * A deep queue rides out a burst of junk (flood) without dropping the
 * guest's next request: SO_RCVBUFFORCE while privileged, else up to
 * net.core.rmem_max.
 */
void dhcp_sock_deep_queue(int fd);

#endif
