// SPDX-License-Identifier: MIT
/*
 * One TCP stream for bench/nat (iperf3 is not on these machines):
 *
 *   tcp_stream recv PORT            accept one connection, read to EOF,
 *                                   write back the byte count (8 bytes, BE)
 *   tcp_stream send HOST PORT MIB   connect, write MIB MiB, shut down the
 *                                   write side, wait for the count; print
 *                                   "BYTES NANOSECONDS" on stdout
 *
 * The sender's clock runs from connect() to the receiver's count, so the
 * figure is what reached the far end, not what sat in the send buffer.
 * IPv4 or IPv6 (getaddrinfo).  Exit 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define CHUNK (128 * 1024)

static char buf[CHUNK];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int full_write(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int do_recv(const char *port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	int one = 1, zero = 0, ls, fd;
	uint64_t total = 0;
	uint8_t be[8];

	sa.sin6_port = htons((uint16_t)atoi(port));
	ls = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* Dual-stack: IPv4 peers arrive as ::ffff:a.b.c.d. */
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4)) {
		perror("tcp_stream recv: listen");
		return 1;
	}
	/* Ready: the bench waits for this line before it starts the sender. */
	printf("listening\n");
	fflush(stdout);
	fd = accept(ls, NULL, NULL);
	if (fd < 0) {
		perror("tcp_stream recv: accept");
		return 1;
	}
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("tcp_stream recv: read");
			return 1;
		}
		if (!r)
			break;
		total += (uint64_t)r;
	}
	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)(total >> (56 - 8 * i));
	if (full_write(fd, be, sizeof(be))) {
		perror("tcp_stream recv: write");
		return 1;
	}
	close(fd);
	close(ls);
	return 0;
}

static int do_send(const char *host, const char *port, const char *mib)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	uint64_t want = (uint64_t)strtoull(mib, NULL, 10) << 20, sent = 0, got = 0, t0, t1;
	uint8_t be[8];
	size_t have = 0;
	int fd, ret;

	if (!want) {
		fprintf(stderr, "tcp_stream send: MIB must be a positive number\n");
		return 1;
	}
	ret = getaddrinfo(host, port, &hints, &ai);
	if (ret) {
		fprintf(stderr, "tcp_stream send: %s: %s\n", host, gai_strerror(ret));
		return 1;
	}
	memset(buf, 0x5a, sizeof(buf));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	t0 = now_ns();
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		perror("tcp_stream send: connect");
		freeaddrinfo(ai);
		return 1;
	}
	freeaddrinfo(ai);
	while (sent < want) {
		size_t n = want - sent < sizeof(buf) ? (size_t)(want - sent) : sizeof(buf);

		if (full_write(fd, buf, n)) {
			perror("tcp_stream send: write");
			return 1;
		}
		sent += n;
	}
	shutdown(fd, SHUT_WR);
	while (have < sizeof(be)) {
		ssize_t r = read(fd, be + have, sizeof(be) - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "tcp_stream send: no byte count from the receiver\n");
			return 1;
		}
		have += (size_t)r;
	}
	t1 = now_ns();
	for (int i = 0; i < 8; i++)
		got = got << 8 | be[i];
	if (got != sent) {
		fprintf(stderr, "tcp_stream send: sent %llu bytes, the receiver read %llu\n",
			(unsigned long long)sent, (unsigned long long)got);
		return 1;
	}
	printf("%llu %llu\n", (unsigned long long)got, (unsigned long long)(t1 - t0));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "recv"))
		return do_recv(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: tcp_stream recv PORT | send HOST PORT MIB\n");
	return 2;
}
