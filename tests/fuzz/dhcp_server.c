// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the whole request -> reply path with the send path stubbed
 * (as systemd's fuzz-dhcp-server).  The input's chaddr is taken as the
 * guest MAC unless the first octet of the xid is odd, so both the served
 * and the foreign-client paths run.  Every reply must parse back, stay
 * within the size the request allows and keep the 300-octet minimum.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "common/log.h"
#include "dhcp/server.h"

static struct dhcp_server srv[2];
static struct dhcp_reply r;

static uint32_t a(const char *s)
{
	struct in_addr in;

	inet_pton(AF_INET, s, &in);
	return in.s_addr;
}

static void config(struct dhcp_config *c, bool big)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->bridge, sizeof(c->bridge), "k6t-eth0");
	c->mtu = 1500;
	c->server_id = a("169.254.75.10");
	c->addr = a("10.244.1.2");
	c->prefix = 24;
	c->router = a("10.244.1.1");
	c->routes[0] = (struct dhcp_route){ a("169.254.75.10"), 32, 0 };
	c->routes[1] = (struct dhcp_route){ a("10.244.1.1"), 32, 0 };
	c->routes[2] = (struct dhcp_route){ 0, 0, a("10.244.1.1") };
	c->nroutes = 3;
	c->dns[0] = a("10.96.0.10");
	c->ndns = 1;
	c->lease_time = big ? 3600 : DHCP_LEASE_INFINITE;
	size_t n = big ? 20 : 3;
	for (size_t i = 0; i < n; i++)
		snprintf(c->search[c->nsearch++], sizeof(c->search[0]),
			 "ns%zu.svc%zu.cluster.local", i, i % 3);
	snprintf(c->hostname, sizeof(c->hostname), "vm1");
	if (big) {
		c->extra[0].code = 224;
		c->extra[0].len = 300;
		memset(c->extra[0].data, 0x5a, 300);
		/* a user mask and T1 replacing the server's (one instance each) */
		c->extra[1].code = 1;
		c->extra[1].len = 4;
		memcpy(c->extra[1].data, (uint8_t[]){ 255, 255, 255, 254 }, 4);
		c->extra[2].code = 58;
		c->extra[2].len = 4;
		memcpy(c->extra[2].data, (uint8_t[]){ 0, 0, 1, 0 }, 4);
		c->nextra = 3;
		/* 121 of 30 routes (240 octets): split at route boundaries */
		c->nroutes = 0;
		for (unsigned int i = 0; i < 29; i++)
			c->routes[c->nroutes++] = (struct dhcp_route){ htonl(0x0a000000u | i << 8),
								       24, a("10.244.1.1") };
		c->routes[c->nroutes++] = (struct dhcp_route){ 0, 0, a("10.244.1.1") };
		c->prefix = 31;
	}
}

/*
 * Each instance of 121/249 holds whole routes (RFC 3442, a client may
 * decode instances alone), and the codes the server owns appear once.
 */
static void check_instances(const struct dhcp_server *s, const struct dhcp_msg *back)
{
	size_t area[3][2] = {
		{ DHCP_OPTIONS_OFF, r.len - DHCP_OPTIONS_OFF },
		{ DHCP_FILE_OFF, DHCP_FILE_LEN },
		{ DHCP_SNAME_OFF, DHCP_SNAME_LEN },
	};
	int seen[256] = { 0 };

	for (int f = 0; f < 3; f++) {
		if ((f == 1 && !(back->overload & DHCP_OVERLOAD_FILE)) ||
		    (f == 2 && !(back->overload & DHCP_OVERLOAD_SNAME)))
			continue;
		for (size_t i = area[f][0]; i < area[f][0] + area[f][1] && r.buf[i] != OPT_END;) {
			uint8_t code = r.buf[i];

			if (code == OPT_PAD) {
				i++;
				continue;
			}
			size_t l = r.buf[i + 1], k = 0;
			if (code == OPT_CLASSLESS_ROUTE || code == OPT_MS_CLASSLESS_ROUTE) {
				while (k < l)
					k += 1 + (r.buf[i + 2 + k] + 7u) / 8u + 4;
				if (k != l)
					abort();
			}
			seen[code]++;
			i += 2 + l;
		}
	}
	static const uint8_t once[] = { 1, 28, 51, 53, 54, 58, 59 };
	for (size_t i = 0; i < sizeof(once); i++)
		if (seen[once[i]] > 1)
			abort();
	/* RFC 3021: no broadcast address on a /31 */
	if (s->cfg.prefix >= 31 && seen[OPT_BROADCAST])
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct dhcp_config c;

	log_set_fd(open("/dev/null", O_WRONLY));
	for (int i = 0; i < 2; i++) {
		config(&c, i == 1);
		if (dhcp_server_configure(&srv[i], &c))
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg back;
	static uint8_t copy[DHCP_MAX_MSG];
	struct dhcp_server *s;

	if (size < 34)
		return 0;
	s = &srv[data[size - 1] & 1];
	if (!(data[4] & 1))
		memcpy(s->cfg.guest_mac, data + 28, 6);
	else
		memset(s->cfg.guest_mac, 0x42, 6);
	if (dhcp_server_handle(s, data, size, &r) != 1)
		return 0;
	if (r.len < DHCP_MIN_REPLY_LEN || r.len > dhcp_reply_max_len(&s->msg, s->cfg.mtu))
		abort();
	memcpy(copy, r.buf, r.len);
	copy[0] = BOOTREQUEST;
	if (dhcp_msg_parse(&back, copy, r.len) != DHCP_PARSE_OK)
		abort();
	if (dhcp_msg_type(&back) != r.type)
		abort();
	check_instances(s, &back);
	return 0;
}
