// SPDX-License-Identifier: MIT
/*
 * bench/dhcp's client and flood generator, on a raw AF_PACKET socket so it
 * needs no address and measures only the server:
 *   dhcp_client dora IFACE MAC COUNT
 *	COUNT full DISCOVER-OFFER-REQUEST-ACK exchanges; prints the median,
 *	p90, min and max in microseconds.
 *   dhcp_client flood IFACE MAC COUNT
 *	COUNT packets (DISCOVERs from random foreign MACs and malformed
 *	messages, alternating) as fast as the socket takes them, while the
 *	real client (MAC) runs a DORA every 50 ms; prints the worst of those.
 * A lost step is retransmitted after 250 ms; a DORA not done in 1 s is lost.
 * Requests carry the broadcast flag so every server answers the same way.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "common/mac.h"
#include "bench/latency.h"
#include "dhcp/frame.h"
#include "dhcp/proto.h"

static int ifindex;

/* A client frame: 0.0.0.0:68 -> 255.255.255.255:67. */
static size_t frame(uint8_t *out, const uint8_t mac[6], const uint8_t *msg, size_t len)
{
	uint8_t *ip = out + 14, *udp = ip + 20;
	uint32_t sum;
	uint16_t c;

	memset(out, 0xff, 6);
	memcpy(out + 6, mac, 6);
	out[12] = 8;
	out[13] = 0;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((28 + len) >> 8);
	ip[3] = (uint8_t)(28 + len);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);
	c = (uint16_t)~dhcp_csum_fold(dhcp_csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = 0;
	udp[1] = 68;
	udp[2] = 0;
	udp[3] = 67;
	udp[4] = (uint8_t)((8 + len) >> 8);
	udp[5] = (uint8_t)(8 + len);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, msg, len);
	sum = dhcp_csum_add(0, ip + 12, 8) + 17 + (uint32_t)(8 + len);
	c = (uint16_t)~dhcp_csum_fold(dhcp_csum_add(sum, udp, 8 + len));
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
	return 42 + len;
}

static size_t message(uint8_t *m, const uint8_t mac[6], uint32_t xid, uint8_t type, uint32_t server,
		      uint32_t want)
{
	uint32_t magic = htonl(DHCP_MAGIC);
	size_t i = DHCP_OPTIONS_OFF;

	memset(m, 0, 300);
	m[0] = BOOTREQUEST;
	m[1] = 1;
	m[2] = 6;
	memcpy(m + 4, &xid, 4);
	m[10] = 0x80;
	memcpy(m + 28, mac, 6);
	memcpy(m + DHCP_FIXED_LEN, &magic, 4);
	m[i++] = OPT_MSG_TYPE;
	m[i++] = 1;
	m[i++] = type;
	if (server) {
		m[i++] = OPT_SERVER_ID;
		m[i++] = 4;
		memcpy(m + i, &server, 4);
		i += 4;
		m[i++] = OPT_REQUESTED_IP;
		m[i++] = 4;
		memcpy(m + i, &want, 4);
		i += 4;
	}
	m[i++] = OPT_PARAM_REQ;
	m[i++] = 6;
	memcpy(m + i, (uint8_t[]){ 1, 3, 6, 15, 26, 121 }, 6);
	i += 6;
	m[i++] = OPT_END;
	return 300;
}

static int send_frame(int fd, const uint8_t *f, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = 6,
		.sll_protocol = htons(ETH_P_IP),
	};
	memset(sll.sll_addr, 0xff, 6);
	return sendto(fd, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0 ? -errno : 0;
}

/* Wait for a reply of type to xid; returns 0 or -ETIMEDOUT. */
static int wait_reply(int fd, uint32_t xid, uint8_t type, uint32_t *yiaddr, uint32_t *server,
		      int timeout_ms)
{
	uint8_t b[2048];
	uint64_t end = bench_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		int64_t left = (int64_t)(end - bench_now_us());
		struct pollfd p = { fd, POLLIN, 0 };

		if (left <= 0 || poll(&p, 1, (int)(left / 1000) + 1) <= 0)
			return -ETIMEDOUT;
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 42 + DHCP_OPTIONS_OFF || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		uint8_t *ip = b + 14, *udp, *m;
		if (b[12] != 8 || b[13] != 0 || ip[9] != 17)
			continue;
		udp = ip + (ip[0] & 15) * 4;
		if (udp[3] != 68 || udp[2] != 0)
			continue;
		m = udp + 8;
		if (m[0] != BOOTREPLY || memcmp(m + 4, &xid, 4))
			continue;
		size_t mlen = (size_t)(n - (m - b));
		for (size_t i = DHCP_OPTIONS_OFF; i + 2 < mlen && m[i] != OPT_END;) {
			if (m[i] == OPT_PAD) {
				i++;
				continue;
			}
			if (m[i] == OPT_MSG_TYPE && m[i + 2] != type)
				break;
			if (m[i] == OPT_MSG_TYPE) {
				memcpy(yiaddr, m + 16, 4);
				for (size_t j = DHCP_OPTIONS_OFF;
				     j + 6 <= mlen && m[j] != OPT_END;) {
					if (m[j] == OPT_PAD) {
						j++;
						continue;
					}
					if (m[j] == OPT_SERVER_ID)
						memcpy(server, m + j + 2, 4);
					j += 2 + (size_t)m[j + 1];
				}
				return 0;
			}
			i += 2 + (size_t)m[i + 1];
		}
	}
}

static int rxfd, txfd;
static uint8_t mac[6];

static long retransmits;

/*
 * One DORA; its latency in microseconds or -1 when no lease came within a
 * second.  Like a real client it retransmits a lost step (every 250 ms
 * here, shorter than RFC 2131 4.1's 4 s so the one-second bound is tested).
 */
static int64_t dora(void)
{
	uint8_t m[300], f[400];
	uint32_t xid, yi = 0, sid = 0;
	uint64_t t0 = bench_now_us();

	xid = (uint32_t)random();
	for (;;) {
		send_frame(txfd, f, frame(f, mac, m, message(m, mac, xid, DHCPDISCOVER, 0, 0)));
		if (!wait_reply(rxfd, xid, DHCPOFFER, &yi, &sid, 250))
			break;
		retransmits++;
		if (bench_now_us() - t0 > 1000000)
			return -1;
	}
	for (;;) {
		send_frame(txfd, f, frame(f, mac, m, message(m, mac, xid, DHCPREQUEST, sid, yi)));
		if (!wait_reply(rxfd, xid, DHCPACK, &yi, &sid, 250))
			break;
		retransmits++;
		if (bench_now_us() - t0 > 1000000)
			return -1;
	}
	return (int64_t)(bench_now_us() - t0);
}

static long flood_count;
static volatile int flood_done;

static void *flood(void *arg)
{
	uint8_t m[DHCP_MAX_MSG], f[DHCP_MAX_MSG + 64], fm[6] = { 0x02 };
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	for (long i = 0; i < flood_count; i++) {
		size_t len;

		memcpy(fm + 2, &i, 4);
		fm[1] = (uint8_t)(i >> 32);
		len = message(m, fm, (uint32_t)i, DHCPDISCOVER, 0, 0);
		switch (i % 4) {
		case 1: /* option length past the end */
			m[DHCP_OPTIONS_OFF + 3] = OPT_HOSTNAME;
			m[DHCP_OPTIONS_OFF + 4] = 250;
			memcpy(m + 28, mac, 6);
			break;
		case 2: /* a 1-octet option (53) with 2 octets */
			m[DHCP_OPTIONS_OFF + 1] = 2;
			memcpy(m + 28, mac, 6);
			break;
		case 3: /* bad magic, or short */
			m[DHCP_FIXED_LEN] = (uint8_t)i;
			if (i & 4)
				len = 100;
			break;
		}
		while (send_frame(fd, f, frame(f, fm, m, len)) == -ENOBUFS)
			usleep(100);
	}
	flood_done = 1;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	long count;

	if (argc != 5 || mac_parse(argv[3], mac) || (count = atol(argv[4])) <= 0) {
		fprintf(stderr, "usage: dhcp_client dora|flood IFACE MAC COUNT\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[2]);
	rxfd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	txfd = socket(AF_PACKET, SOCK_RAW, 0);
	if (!ifindex || rxfd < 0 || txfd < 0) {
		perror("dhcp_client: socket");
		return 1;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = ifindex,
				   .sll_protocol = htons(ETH_P_IP) };
	bind(rxfd, (struct sockaddr *)&sll, sizeof(sll));
	srandom((unsigned int)bench_now_us());

	if (!strcmp(argv[1], "dora")) {
		dora(); /* warm-up: ARP, caches */
		return bench_latency("dora", count, dora, &retransmits);
	}
	if (!strcmp(argv[1], "flood")) {
		pthread_t t;
		int64_t worst = 0;
		long n = 0, lost = 0;
		uint64_t t0 = bench_now_us();

		flood_count = count;
		pthread_create(&t, NULL, flood, NULL);
		while (!flood_done) {
			int64_t l = dora();
			if (l < 0)
				lost++;
			else if (l > worst)
				worst = l;
			n++;
			usleep(50000);
		}
		pthread_join(t, NULL);
		printf("%.3f %ld %ld %ld %ld\n", (double)(bench_now_us() - t0) / 1e6, n, lost,
		       (long)worst, retransmits);
		return 0;
	}
	fprintf(stderr, "dhcp_client: unknown mode %s\n", argv[1]);
	return 2;
}
