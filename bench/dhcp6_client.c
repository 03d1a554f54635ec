// SPDX-License-Identifier: MIT
/*
 * bench/dhcp's DHCPv6 client: COUNT Solicit-Advertise-Request-Reply
 * exchanges (RFC 8415 18.2.1/18.2.2) for one IA_NA from IFACE's link-local
 * address on a plain UDP socket, as dhclient -6 does; prints the median,
 * p90, min and max Solicit-to-Reply latency in microseconds, the count, the
 * lost ones and the retransmissions:
 *   dhcp6_client IFACE COUNT
 * A lost step is retransmitted after 250 ms; an exchange not done in 1 s is
 * lost.  The same DUID and IAID every time, so both servers hand out the
 * same single address.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bench/latency.h"
#include "dhcp/dhcp6_msg.h"
#include "dhcp/proto6.h"

static int fd;
static struct sockaddr_in6 servers;
static long retransmits;
static const uint8_t duid[] = { 0, 3, 0, 1, 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };

static size_t build(uint8_t *b, size_t cap, uint8_t type, const uint8_t xid[3],
		    const struct dhcp6_msg *adv)
{
	struct dhcp6_writer w;
	static const uint8_t oro[] = { 0, D6O_DNS_SERVERS, 0, D6O_DOMAIN_LIST };
	static const uint8_t elapsed[2];
	size_t ia;

	dhcp6_w_init(&w, b, cap, type, xid);
	dhcp6_w_opt(&w, D6O_CLIENTID, duid, sizeof(duid));
	if (adv)
		dhcp6_w_opt(&w, D6O_SERVERID, adv->serverid, adv->serverid_len);
	dhcp6_w_opt(&w, D6O_ORO, oro, sizeof(oro));
	dhcp6_w_opt(&w, D6O_ELAPSED_TIME, elapsed, sizeof(elapsed));
	ia = dhcp6_w_begin(&w, D6O_IA_NA);
	dhcp6_w_u32(&w, 1);
	dhcp6_w_u32(&w, 0);
	dhcp6_w_u32(&w, 0);
	if (adv && adv->nia && adv->ia[0].naddr) {
		size_t a = dhcp6_w_begin(&w, D6O_IAADDR);

		dhcp6_w_raw(&w, &adv->ia[0].addr[0], 16);
		dhcp6_w_u32(&w, 0);
		dhcp6_w_u32(&w, 0);
		dhcp6_w_end(&w, a);
	}
	dhcp6_w_end(&w, ia);
	return w.len;
}

/* 0 with *m parsed when a message of type with xid comes within ms. */
static int wait_reply(const uint8_t xid[3], uint8_t type, struct dhcp6_msg *m, uint8_t *buf, int ms)
{
	uint64_t end = bench_now_us() + (uint64_t)ms * 1000;

	for (;;) {
		int64_t left = (int64_t)(end - bench_now_us()) / 1000;
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		n = recv(fd, buf, 1500, 0);
		if (n < DHCP6_HDR_LEN || buf[0] != type || memcmp(buf + 1, xid, 3))
			continue;
		if (dhcp6_msg_parse(m, buf, (size_t)n) == DHCP6_PARSE_OK && m->serverid && m->nia &&
		    m->ia[0].naddr)
			return 0;
	}
}

static int64_t exchange(void)
{
	static uint8_t out[512], in[1500], adv_buf[1500];
	static struct dhcp6_msg adv, rep;
	uint8_t xid[3];
	uint64_t t0 = bench_now_us();
	long r = random();
	size_t n;

	memcpy(xid, &r, 3);
	for (;;) {
		n = build(out, sizeof(out), DHCP6_SOLICIT, xid, NULL);
		sendto(fd, out, n, 0, (struct sockaddr *)&servers, sizeof(servers));
		if (!wait_reply(xid, DHCP6_ADVERTISE, &adv, adv_buf, 250))
			break;
		retransmits++;
		if (bench_now_us() - t0 > 1000000)
			return -1;
	}
	r = random();
	memcpy(xid, &r, 3);
	for (;;) {
		n = build(out, sizeof(out), DHCP6_REQUEST, xid, &adv);
		sendto(fd, out, n, 0, (struct sockaddr *)&servers, sizeof(servers));
		if (!wait_reply(xid, DHCP6_REPLY, &rep, in, 250))
			break;
		retransmits++;
		if (bench_now_us() - t0 > 1000000)
			return -1;
	}
	return (int64_t)(bench_now_us() - t0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 me = { .sin6_family = AF_INET6, .sin6_port = htons(DHCP6_CLIENT_PORT) };
	unsigned int ifindex;
	long count;

	if (argc != 3 || (count = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: dhcp6_client IFACE COUNT\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (!ifindex || fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, argv[1], (socklen_t)strlen(argv[1])) < 0 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("dhcp6_client: socket");
		return 1;
	}
	servers = (struct sockaddr_in6){ .sin6_family = AF_INET6,
					 .sin6_port = htons(DHCP6_SERVER_PORT),
					 .sin6_scope_id = ifindex };
	inet_pton(AF_INET6, "ff02::1:2", &servers.sin6_addr);
	srandom((unsigned int)bench_now_us());
	/* warm-up: the link-local address out of DAD, neighbour caches */
	for (int i = 0; i < 50 && exchange() < 0; i++)
		;
	retransmits = 0; /* those of the warm-up are not the server's */
	return bench_latency("dhcp6", count, exchange, &retransmits);
}
