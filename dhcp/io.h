/* SPDX-License-Identifier: MIT */
#ifndef DHCP_IO_H
#define DHCP_IO_H

/* Sockets of the server: UDP port 67 on the bridge, raw frames out. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "dhcp/server.h"

struct dhcp_io {
	int udp; /* 0.0.0.0:67, bound to the bridge */
	int raw; /* AF_PACKET for replies, -1 without CAP_NET_RAW */
	int ifindex;
	uint8_t mac[6]; /* the bridge's address: source of raw frames */
};

/* Open both sockets on the bridge; 0 or -errno with e naming the step that failed. */
int dhcp_io_open(struct dhcp_io *io, const char *bridge, struct err *e);
void dhcp_io_close(struct dhcp_io *io);

/*
 * Whether net.ipv4.conf.<bridge>.accept_local is on: netsetup sets it on
 * the bridge it creates, or the guest's renewals, whose source is the pod
 * IP still held by the placeholder interface, are dropped as martians.
 * Only read (/proc/sys is read-only in a pod).  1, 0, or -errno.
 */
int dhcp_io_accept_local(const char *bridge);

/*
 * Receive one message.  Returns its length, 0 when the message must be
 * ignored (*reason set to a drop reason: not from the bridge, or larger
 * than DHCP_MAX_MSG), or -errno.
 */
ssize_t dhcp_io_recv(struct dhcp_io *io, uint8_t *buf, size_t cap, int *reason);

/*
 * Send a reply from server_ip.  Unicast needs the raw socket; without it
 * the reply is broadcast (*fell_back set), which every client in INIT or
 * RENEWING still receives on its port-68 socket.  0 or -errno.
 */
int dhcp_io_send(struct dhcp_io *io, const struct dhcp_reply *r, uint32_t server_ip,
		 bool *fell_back);

#endif
