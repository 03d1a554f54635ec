// SPDX-License-Identifier: MIT
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "common/util.h"
#include "dhcp/io6.h"
#include "dhcp/ip6pkt.h"
#include "dhcp/proto6.h"
#include "dhcp/sock.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/*
 * On a SOCK_DGRAM packet socket the filter sees the IPv6 header at offset
 * 0: next header at 6, the UDP destination port at 42, the ICMPv6 type at
 * 40 (no extension headers; ip6_parse refuses them anyway).
 */
static struct sock_filter v6_filter[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IP6_NH_UDP, 0, 2),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 42),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP6_SERVER_PORT, 6, 7),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IP6_NH_ICMPV6, 0, 6),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ND_ROUTER_SOLICIT, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ND_ROUTER_ADVERT, 2, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ND_NEIGHBOR_ADVERT, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP6_ECHO_REPLY, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static struct sock_filter drop_all[] = { BPF_STMT(BPF_RET | BPF_K, 0) };

static void bridge_addrs(struct dhcp6_io *io, const char *bridge)
{
	struct ifaddrs *ifa, *i;

	io->ll_on_bridge = io->global_on_bridge = false;
	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i; i = i->ifa_next) {
			const struct sockaddr_in6 *s = (const void *)i->ifa_addr;

			if (!s || s->sin6_family != AF_INET6 || strcmp(i->ifa_name, bridge))
				continue;
			if (ip6_is_link_local(&s->sin6_addr)) {
				if (!io->ll_on_bridge)
					io->ll = s->sin6_addr;
				io->ll_on_bridge = true;
			} else {
				io->global_on_bridge = true;
			}
		}
		freeifaddrs(ifa);
	}
	/* IPv6 off on the bridge (or not yet there): the kernel's own choice, EUI-64. */
	if (!io->ll_on_bridge)
		ip6_ll_from_mac(&io->ll, io->mac);
}

static int join(int fd, const char *group, int ifindex)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned int)ifindex };

	inet_pton(AF_INET6, group, &mr.ipv6mr_multiaddr);
	return setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr));
}

int dhcp6_io_open(struct dhcp6_io *io, const char *bridge, struct err *e)
{
	const char *step;
	struct sock_fprog prog = { ARRAY_SIZE(v6_filter), v6_filter };
	struct sock_fprog none = { 1, drop_all };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(DHCP6_SERVER_PORT) };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6) };
	int one = 1, ret;
	uint8_t junk[64];

	io->pkt = io->udp = -1;
	io->ifindex = dhcp_sock_ifindex(bridge, e);
	if (io->ifindex < 0)
		return io->ifindex;
	io->udp = dhcp_sock_udp(AF_INET6, bridge, e);
	if (io->udp < 0)
		return io->udp;
	step = "udp6 IPV6_V6ONLY/filter";
	if (setsockopt(io->udp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
	    setsockopt(io->udp, SOL_SOCKET, SO_ATTACH_FILTER, &none, sizeof(none)) < 0)
		goto fail;
	step = "bind [::]:547";
	if (bind(io->udp, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
		goto fail;
	/* RFC 8415 7.1: All_DHCP_Relay_Agents_and_Servers; RFC 4291 2.7.1: all routers. */
	step = "join ff02::1:2 / ff02::2";
	if (join(io->udp, "ff02::1:2", io->ifindex) < 0 ||
	    join(io->udp, "ff02::2", io->ifindex) < 0)
		goto fail;

	if ((ret = dhcp_sock_bridge_mac(io->udp, bridge, io->mac, e)))
		goto fail_e;
	bridge_addrs(io, bridge);

	step = "packet socket (needs CAP_NET_RAW)";
	io->pkt = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (io->pkt < 0)
		goto fail;
	step = "packet socket filter";
	if (setsockopt(io->pkt, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		goto fail;
	/* Our own RAs and replies must not come back in (kernel 4.20+; older: parsed and dropped). */
	setsockopt(io->pkt, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	/* tp_status per packet: whether its checksum is still to be filled in (offload). */
	step = "PACKET_AUXDATA";
	if (setsockopt(io->pkt, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		goto fail;
	dhcp_sock_deep_queue(io->pkt);
	step = "bind packet socket";
	sll.sll_ifindex = io->ifindex;
	if (bind(io->pkt, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	/* Protocol 0 at socket(), set by bind: nothing unfiltered queued before the filter. */
	while (recv(io->pkt, junk, sizeof(junk), MSG_DONTWAIT) >= 0)
		;
	return 0;
fail:
	ret = err_sys(e, errno, "%s", step);
fail_e:
	dhcp6_io_close(io);
	return ret;
}

void dhcp6_io_close(struct dhcp6_io *io)
{
	if (io->pkt >= 0)
		close(io->pkt);
	if (io->udp >= 0)
		close(io->udp);
	io->pkt = io->udp = -1;
}

ssize_t dhcp6_io_recv(struct dhcp6_io *io, uint8_t *buf, size_t cap, uint8_t src_mac[6],
		      bool *csum_offloaded)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_ll sll = { 0 };
	struct iovec iov = { buf, cap };
	struct msghdr mh = {
		.msg_name = &sll,
		.msg_namelen = sizeof(sll),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n = recvmsg(io->pkt, &mh, MSG_TRUNC);

	if (n < 0)
		return -errno;
	*csum_offloaded = false;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
			struct tpacket_auxdata aux;

			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			*csum_offloaded = aux.tp_status & TP_STATUS_CSUMNOTREADY;
		}
	}
	/* Ours going out (kernels without PACKET_IGNORE_OUTGOING), or not Ethernet. */
	if (sll.sll_pkttype == PACKET_OUTGOING || sll.sll_halen != 6 || (size_t)n > cap)
		return 0;
	memcpy(src_mac, sll.sll_addr, 6);
	return n;
}

int dhcp6_io_send(struct dhcp6_io *io, const struct ip6_out *o)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = io->ifindex,
		.sll_halen = 6,
		.sll_protocol = htons(ETH_P_IPV6),
	};

	memcpy(sll.sll_addr, o->dst_mac, 6);
	if (sendto(io->pkt, o->buf, o->len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}
