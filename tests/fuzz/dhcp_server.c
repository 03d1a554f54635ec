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
		c->nextra = 1;
	}
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
	return 0;
}
