// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "dhcp/frame.h"
#include "dhcp/io.h"
#include "dhcp/proto.h"
#include "dhcp/sock.h"

int dhcp_io_open(struct dhcp_io *io, const char *bridge, struct err *e)
{
	const char *step;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_SERVER_PORT),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, ret;

	io->udp = io->raw = -1;
	io->ifindex = dhcp_sock_ifindex(bridge, e);
	if (io->ifindex < 0)
		return io->ifindex;
	io->udp = dhcp_sock_udp(AF_INET, bridge, e);
	if (io->udp < 0)
		return io->udp;
	step = "SO_BROADCAST/IP_PKTINFO";
	if (setsockopt(io->udp, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(io->udp, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		goto fail;
	dhcp_sock_deep_queue(io->udp);
	step = "bind 0.0.0.0:67";
	if (bind(io->udp, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto fail;
	if ((ret = dhcp_sock_bridge_mac(io->udp, bridge, io->mac, e)))
		goto fail_e;

	/*
	 * Protocol 0: this socket only sends, so nothing queues on it.  EPERM
	 * (no CAP_NET_RAW) is not fatal: replies are broadcast instead.
	 */
	io->raw = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (io->raw >= 0) {
		struct sockaddr_ll sll = {
			.sll_family = AF_PACKET,
			.sll_ifindex = io->ifindex,
		};
		step = "bind raw socket";
		if (bind(io->raw, (struct sockaddr *)&sll, sizeof(sll)) < 0)
			goto fail;
	} else if (errno != EPERM && errno != EACCES) {
		step = "raw socket";
		goto fail;
	}
	return 0;
fail:
	ret = err_sys(e, errno, "%s", step);
fail_e:
	dhcp_io_close(io);
	return ret;
}

void dhcp_io_close(struct dhcp_io *io)
{
	if (io->udp >= 0)
		close(io->udp);
	if (io->raw >= 0)
		close(io->raw);
	io->udp = io->raw = -1;
}

ssize_t dhcp_io_recv(struct dhcp_io *io, uint8_t *buf, size_t cap, int *reason)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	int ifindex = -1;
	ssize_t n = recvmsg(io->udp, &mh, MSG_TRUNC);

	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ifindex = pi.ipi_ifindex;
		}
	}
	/* Only what arrived on the bridge is the VM's. */
	if (ifindex != io->ifindex) {
		*reason = DHCP_DROP_WRONG_IFACE;
		return 0;
	}
	if ((size_t)n > cap || (mh.msg_flags & MSG_TRUNC)) {
		*reason = DHCP_PARSE_LONG;
		return 0;
	}
	return n;
}

int dhcp_io_send(struct dhcp_io *io, const struct dhcp_reply *r, uint32_t server_ip,
		 bool *fell_back)
{
	static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t frame[DHCP_FRAME_HDR_LEN + DHCP_MAX_MSG];
	bool bcast = r->dest.kind == DHCP_DEST_BROADCAST;

	*fell_back = false;
	if (io->raw >= 0) {
		struct sockaddr_ll sll = {
			.sll_family = AF_PACKET,
			.sll_ifindex = io->ifindex,
			.sll_halen = 6,
			.sll_protocol = htons(ETH_P_IP),
		};
		int len = dhcp_frame_build(frame, sizeof(frame), io->mac,
					   bcast ? bcast_mac : r->dest.mac, server_ip,
					   bcast ? htonl(INADDR_BROADCAST) : r->dest.ip, r->buf,
					   r->len);
		if (len < 0)
			return len;
		memcpy(sll.sll_addr, bcast ? bcast_mac : r->dest.mac, 6);
		if (sendto(io->raw, frame, (size_t)len, 0, (struct sockaddr *)&sll, sizeof(sll)) <
		    0)
			return -errno;
		return 0;
	}

	/* RFC 2131 4.1 allows broadcast when unicast to chaddr is not possible. */
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_CLIENT_PORT),
		.sin_addr.s_addr = htonl(INADDR_BROADCAST),
	};
	*fell_back = !bcast;
	if (sendto(io->udp, r->buf, r->len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -errno;
	return 0;
}

static int sysctl_flag(const char *dev)
{
	char path[128], buf[16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/accept_local", dev);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? (int)n : -EINVAL;
	return buf[0] != '0';
}

int dhcp_io_accept_local(const char *bridge)
{
	/*
	 * The placeholder keeps the pod IP (kubelet and CNI CHECK look for
	 * it), so for this namespace the guest's address is local, and
	 * fib_validate_source() drops its RENEWING/REBINDING requests (RFC
	 * 2131 4.4.5: source = ciaddr) as martians unless the bridge accepts
	 * local sources: IN_DEV_ACCEPT_LOCAL() is conf.all || conf.<bridge>,
	 * and netsetup sets the latter.
	 */
	int all = sysctl_flag("all"), dev = sysctl_flag(bridge);

	if (all == 1 || dev == 1)
		return 1;
	return dev < 0 ? dev : all < 0 ? all : 0;
}
