// SPDX-License-Identifier: MIT
/*
 * The hot path allocates nothing: malloc/calloc/realloc are interposed
 * (shared libraries included) and counted while the server handles every
 * kind of message, with event logging below the threshold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <jansson.h>

#include "common/log.h"
#include "dhcp/server.h"
#include "tests/unit/dhcp/alloc_count.h"
#include "tests/unit/dhcp/pkt.h"

static void test_hot_path_no_alloc(void **state)
{
#ifdef UNDER_ASAN
	skip();
#else
	static struct dhcp_server srv;
	static struct dhcp_reply r;
	static struct dhcp_config c;
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };
	struct pkt p[8];
	uint32_t ci = ip("10.244.1.2");

	log_set_level(LOG_LVL_ERROR);
	memcpy(c.guest_mac, GUEST_MAC, 6);
	c.server_id = ip("169.254.75.10");
	c.addr = ci;
	c.prefix = 24;
	c.router = ip("10.244.1.1");
	c.routes[0] = (struct dhcp_route){ 0, 0, c.router };
	c.nroutes = 1;
	c.mtu = 1500;
	c.lease_time = 3600;
	for (int i = 0; i < 12; i++)
		snprintf(c.search[c.nsearch++], sizeof(c.search[0]), "d%d.team%d.example%d.org", i,
			 i, i);
	assert_int_equal(dhcp_server_configure(&srv, &c), 0);

	pkt_init(&p[0], DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p[0], OPT_CLIENT_ID, (uint8_t[]){ 1, 2, 3, 4 }, 4);
	pkt_end(&p[0]);
	pkt_init(&p[1], DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p[1], OPT_SERVER_ID, "169.254.75.10");
	pkt_addr(&p[1], OPT_REQUESTED_IP, "10.244.1.2");
	pkt_end(&p[1]);
	pkt_init(&p[2], DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p[2], OPT_REQUESTED_IP, "10.244.1.99"); /* NAK */
	pkt_end(&p[2]);
	pkt_init(&p[3], DHCPREQUEST, GUEST_MAC);
	memcpy(p[3].b + 12, &ci, 4);
	pkt_end(&p[3]);
	pkt_init(&p[4], DHCPINFORM, GUEST_MAC);
	memcpy(p[4].b + 12, &ci, 4);
	pkt_end(&p[4]);
	pkt_init(&p[5], DHCPDISCOVER, other);
	pkt_end(&p[5]);
	pkt_init(&p[6], DHCPDISCOVER, GUEST_MAC);
	p[6].b[p[6].len++] = OPT_HOSTNAME;
	p[6].b[p[6].len++] = 200;
	pkt_init(&p[7], DHCPRELEASE, GUEST_MAC);
	pkt_end(&p[7]);

	/* The interposition works: a shared library's allocation is seen. */
	alloc_count_start();
	json_decref(json_object());
	assert_true(alloc_count_stop() > 0);

	alloc_count_start();
	for (int round = 0; round < 1000; round++)
		for (int i = 0; i < 8; i++)
			dhcp_server_handle(&srv, p[i].b, p[i].len, &r);
	assert_int_equal(alloc_count_stop(), 0);
	/* and the work was done: overloaded/split replies included */
	assert_int_equal(srv.cnt.offers, 1000);
	assert_int_equal(srv.cnt.acks, 3000);
	assert_int_equal(srv.cnt.naks, 1000);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_FOREIGN_MAC], 1000);
	assert_int_equal(srv.cnt.dropped[DHCP_PARSE_TRUNCATED], 1000);
	assert_true(srv.cnt.overloaded > 0 || srv.cnt.options_dropped > 0);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hot_path_no_alloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
