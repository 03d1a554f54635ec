// SPDX-License-Identifier: MIT
/* State transitions, reply destinations and size limits of the server. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <cmocka.h>

#include "common/log.h"
#include "dhcp/server.h"
#include "tests/unit/dhcp/pkt.h"

static struct dhcp_server srv;
static struct dhcp_reply r;
static struct dhcp_msg parsed;
static struct dhcp_config cfg;

static void base_config(struct dhcp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->bridge, sizeof(c->bridge), "k6t-eth0");
	memcpy(c->guest_mac, GUEST_MAC, 6);
	c->mtu = 1500;
	c->server_id = ip("169.254.75.10");
	c->addr = ip("10.244.1.2");
	c->prefix = 24;
	c->router = ip("10.244.1.1");
	c->routes[0] = (struct dhcp_route){ ip("169.254.75.10"), 32, 0 };
	c->routes[1] = (struct dhcp_route){ ip("10.244.1.1"), 32, 0 };
	c->routes[2] = (struct dhcp_route){ 0, 0, ip("10.244.1.1") };
	c->nroutes = 3;
	c->dns[0] = ip("10.96.0.10");
	c->ndns = 1;
	snprintf(c->search[0], sizeof(c->search[0]), "default.svc.cluster.local");
	snprintf(c->search[1], sizeof(c->search[1]), "svc.cluster.local");
	c->nsearch = 2;
	snprintf(c->hostname, sizeof(c->hostname), "vm1");
	c->lease_time = DHCP_LEASE_INFINITE;
}

static int setup(void **state)
{
	log_set_fd(open("/dev/null", 1));
	memset(&srv, 0, sizeof(srv));
	base_config(&cfg);
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	return 0;
}

static int handle(struct pkt *p)
{
	return dhcp_server_handle(&srv, p->b, p->len, &r);
}

/* Parse our own reply back: it must be a valid message. */
static const struct dhcp_msg *reparse(void)
{
	static uint8_t copy[DHCP_MAX_MSG];

	memcpy(copy, r.buf, r.len);
	copy[0] = BOOTREQUEST; /* the parser wants a request; fields are the same */
	assert_int_equal(dhcp_msg_parse(&parsed, copy, r.len), DHCP_PARSE_OK);
	return &parsed;
}

static uint32_t reply_yiaddr(void)
{
	uint32_t a;

	memcpy(&a, r.buf + 16, 4);
	return a;
}

static void test_discover_offer(void **state)
{
	struct pkt p;
	size_t len;

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPOFFER);
	assert_int_equal(r.buf[0], BOOTREPLY);
	assert_int_equal(reply_yiaddr(), ip("10.244.1.2"));
	assert_memory_equal(r.buf + 4, p.b + 4, 4); /* xid */
	const struct dhcp_msg *m = reparse();
	assert_int_equal(dhcp_msg_type(m), DHCPOFFER);
	uint32_t a;
	assert_true(dhcp_msg_addr(m, OPT_SERVER_ID, &a));
	assert_int_equal(a, ip("169.254.75.10"));
	const uint8_t *v = dhcp_msg_opt(m, OPT_LEASE_TIME, &len);
	assert_non_null(v);
	assert_memory_equal(v, ((uint8_t[]){ 0xff, 0xff, 0xff, 0xff }), 4);
	/* Infinite lease: no T1/T2. */
	assert_false(dhcp_msg_has(m, OPT_T1));
	assert_true(dhcp_msg_has(m, OPT_SUBNET_MASK));
	assert_true(dhcp_msg_has(m, OPT_ROUTER));
	assert_true(dhcp_msg_has(m, OPT_DNS));
	assert_true(dhcp_msg_has(m, OPT_DOMAIN));
	assert_true(dhcp_msg_has(m, OPT_SEARCH));
	assert_true(dhcp_msg_has(m, OPT_MTU));
	assert_true(dhcp_msg_has(m, OPT_HOSTNAME));
	assert_true(dhcp_msg_has(m, OPT_BROADCAST));
	/* 121 is sent unasked; 249 only on request. */
	v = dhcp_msg_opt(m, OPT_CLASSLESS_ROUTE, &len);
	assert_non_null(v);
	/* default route last */
	assert_memory_equal(v + len - 5, ((uint8_t[]){ 0, 10, 244, 1, 1 }), 5);
	assert_false(dhcp_msg_has(m, OPT_MS_CLASSLESS_ROUTE));
	assert_true(r.len >= DHCP_MIN_REPLY_LEN);
	assert_int_equal(srv.cnt.offers, 1);
}

static void test_249_on_request_and_finite_lease(void **state)
{
	struct pkt p;
	size_t len;

	cfg.lease_time = 3600;
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_PARAM_REQ, (uint8_t[]){ 1, 3, 249 }, 3);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	const struct dhcp_msg *m = reparse();
	const uint8_t *a = dhcp_msg_opt(m, OPT_CLASSLESS_ROUTE, &len);
	size_t len2;
	const uint8_t *b = dhcp_msg_opt(m, OPT_MS_CLASSLESS_ROUTE, &len2);
	assert_non_null(b);
	assert_int_equal(len, len2);
	assert_memory_equal(a, b, len);
	/* RFC 2131 4.4.5: T1 = 0.5, T2 = 0.875 of the lease. */
	assert_memory_equal(dhcp_msg_opt(m, OPT_LEASE_TIME, &len),
			    ((uint8_t[]){ 0, 0, 0x0e, 0x10 }), 4);
	assert_memory_equal(dhcp_msg_opt(m, OPT_T1, &len), ((uint8_t[]){ 0, 0, 0x07, 0x08 }), 4);
	assert_memory_equal(dhcp_msg_opt(m, OPT_T2, &len), ((uint8_t[]){ 0, 0, 0x0c, 0x4e }), 4);
}

static void test_request_selecting(void **state)
{
	struct pkt p;

	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_SERVER_ID, "169.254.75.10");
	pkt_addr(&p, OPT_REQUESTED_IP, "10.244.1.2");
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPACK);
	assert_int_equal(reply_yiaddr(), ip("10.244.1.2"));

	/* Another server chosen: silence. */
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_SERVER_ID, "10.0.0.1");
	pkt_addr(&p, OPT_REQUESTED_IP, "10.244.1.2");
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_OTHER_SERVER], 1);

	/* Our server id, wrong address: NAK, broadcast, only 53/54. */
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_SERVER_ID, "169.254.75.10");
	pkt_addr(&p, OPT_REQUESTED_IP, "10.244.9.9");
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPNAK);
	assert_int_equal(reply_yiaddr(), 0);
	assert_int_equal(r.dest.kind, DHCP_DEST_BROADCAST);
	const struct dhcp_msg *m = reparse();
	assert_true(dhcp_msg_has(m, OPT_SERVER_ID));
	assert_false(dhcp_msg_has(m, OPT_LEASE_TIME));
	assert_false(dhcp_msg_has(m, OPT_SUBNET_MASK));
	assert_true(dhcp_msg_has(m, OPT_MESSAGE));

	/* Our server id and ciaddr without 50: a renewal (ISC, dnsmasq). */
	uint32_t ci = ip("10.244.1.2");
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_SERVER_ID, "169.254.75.10");
	memcpy(p.b + 12, &ci, 4);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPACK);
	assert_int_equal(r.dest.ip, ci);

	/* SELECTING without option 50 (and no ciaddr) is malformed. */
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_SERVER_ID, "169.254.75.10");
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_BAD_REQUEST], 1);
}

static void test_request_init_reboot(void **state)
{
	struct pkt p;

	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_REQUESTED_IP, "10.244.1.99");
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPNAK);
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_REQUESTED_IP, "10.244.1.2");
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPACK);
	assert_int_equal(srv.cnt.naks, 1);
	assert_int_equal(srv.cnt.acks, 1);
}

static void test_request_renewing(void **state)
{
	struct pkt p;
	uint32_t ci = ip("10.244.1.2");

	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	memcpy(p.b + 12, &ci, 4);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPACK);
	/* ACK echoes ciaddr and goes unicast to it (RFC 2131 4.1). */
	assert_memory_equal(r.buf + 12, &ci, 4);
	assert_int_equal(r.dest.kind, DHCP_DEST_UNICAST);
	assert_int_equal(r.dest.ip, ci);
	assert_memory_equal(r.dest.mac, GUEST_MAC, 6);

	ci = ip("10.1.1.1");
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	memcpy(p.b + 12, &ci, 4);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPNAK);

	/* No 50, no 54, no ciaddr. */
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
}

/*
 * RFC 2131 4.3.2 in full: every combination of server id (none, ours,
 * another), requested address (none, the pod IP, another) and ciaddr
 * (zero, the pod IP, another).
 */
static void test_request_state_table(void **state)
{
	const char *sids[] = { NULL, "169.254.75.10", "10.0.0.1" };
	const char *wants[] = { NULL, "10.244.1.2", "10.244.1.99" };
	const char *cis[] = { NULL, "10.244.1.2", "10.1.1.1" };

	for (int a = 0; a < 3; a++) {
		for (int b = 0; b < 3; b++) {
			for (int c = 0; c < 3; c++) {
				struct pkt p;
				uint32_t ci = cis[c] ? ip(cis[c]) : 0;
				int want_type;

				pkt_init(&p, DHCPREQUEST, GUEST_MAC);
				if (sids[a])
					pkt_addr(&p, OPT_SERVER_ID, sids[a]);
				if (wants[b])
					pkt_addr(&p, OPT_REQUESTED_IP, wants[b]);
				memcpy(p.b + 12, &ci, 4);
				pkt_end(&p);
				if (a == 2)
					want_type = 0; /* another server's: silence */
				else if (!b && !c)
					want_type = 0; /* no address at all */
				else if (b == 2 || c == 2)
					want_type = DHCPNAK; /* names a foreign address */
				else
					want_type = DHCPACK;
				print_message("sid %s want %s ciaddr %s\n", sids[a] ? sids[a] : "-",
					      wants[b] ? wants[b] : "-", cis[c] ? cis[c] : "-");
				memset(&r, 0, sizeof(r));
				assert_int_equal(handle(&p), want_type ? 1 : 0);
				if (!want_type)
					continue;
				assert_int_equal(r.type, want_type);
				const struct dhcp_msg *m = reparse();
				assert_int_equal(dhcp_msg_type(m), want_type);
				if (want_type == DHCPNAK) {
					assert_int_equal(reply_yiaddr(), 0);
					assert_int_equal(r.dest.kind, DHCP_DEST_BROADCAST);
					continue;
				}
				assert_int_equal(reply_yiaddr(), ip("10.244.1.2"));
				/* RFC 2131 table 3: ciaddr echoed; 4.1: unicast to it when set. */
				assert_memory_equal(r.buf + 12, &ci, 4);
				if (ci) {
					assert_int_equal(r.dest.kind, DHCP_DEST_UNICAST);
					assert_int_equal(r.dest.ip, ci);
				}
				assert_true(dhcp_msg_has(m, OPT_LEASE_TIME));
			}
		}
	}
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_OTHER_SERVER], 9);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_BAD_REQUEST], 2);
	assert_int_equal(srv.cnt.acks, 6);
	assert_int_equal(srv.cnt.naks, 10);
}

static void test_inform(void **state)
{
	struct pkt p;
	uint32_t ci = ip("10.244.1.2");

	pkt_init(&p, DHCPINFORM, GUEST_MAC);
	memcpy(p.b + 12, &ci, 4);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPACK);
	assert_int_equal(reply_yiaddr(), 0);
	assert_int_equal(r.dest.kind, DHCP_DEST_UNICAST);
	assert_int_equal(r.dest.ip, ci);
	const struct dhcp_msg *m = reparse();
	assert_false(dhcp_msg_has(m, OPT_LEASE_TIME));
	assert_true(dhcp_msg_has(m, OPT_DNS));
}

static void test_decline_release_silent(void **state)
{
	struct pkt p;

	pkt_init(&p, DHCPDECLINE, GUEST_MAC);
	pkt_addr(&p, OPT_REQUESTED_IP, "10.244.1.2");
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	pkt_init(&p, DHCPRELEASE, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.declines, 1);
	assert_int_equal(srv.cnt.releases, 1);
}

static void test_drops(void **state)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 1 };
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, other);
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_FOREIGN_MAC], 1);

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	p.b[24] = 10; /* giaddr */
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_RELAYED], 1);

	pkt_init(&p, DHCPOFFER, GUEST_MAC);
	pkt_end(&p);
	p.b[0] = BOOTREPLY;
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_BOOTREPLY], 1);

	pkt_init(&p, 0, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_NO_TYPE], 1);

	pkt_init(&p, 42, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_DROP_BAD_TYPE], 1);

	/* The client identifier never identifies the client (chaddr does). */
	pkt_init(&p, DHCPDISCOVER, other);
	pkt_opt(&p, OPT_CLIENT_ID, (uint8_t[]){ 1, 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 }, 7);
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.offers, 0);
}

/* Odd lengths in options the server does not act on cost no lease. */
static void test_unused_option_lengths(void **state)
{
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_HOSTNAME, "", 0);
	pkt_opt(&p, OPT_PARAM_REQ, "", 0);
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0, 0, 0x05, 0xdc }, 4);
	pkt_opt(&p, OPT_LEASE_TIME, (uint8_t[]){ 1 }, 1);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPOFFER);
	/* the 4-octet 57 was ignored: the 576 floor applies */
	assert_int_equal(dhcp_reply_max_len(&srv.msg, srv.cfg.mtu), 576 - 28);
	assert_true(r.len <= 576 - 28);
	/* an option acted on with a bad length still drops the message */
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_opt(&p, OPT_REQUESTED_IP, (uint8_t[]){ 10, 244, 1 }, 3);
	pkt_end(&p);
	assert_int_equal(handle(&p), 0);
	assert_int_equal(srv.cnt.dropped[DHCP_PARSE_OPTLEN], 1);
}

/* RFC 6842: option 61 echoed unaltered, even a DUID. */
static void test_client_id_echo(void **state)
{
	static const uint8_t duid[] = { 0xff, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct pkt p;
	size_t len;

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_CLIENT_ID, duid, sizeof(duid));
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	const struct dhcp_msg *m = reparse();
	const uint8_t *v = dhcp_msg_opt(m, OPT_CLIENT_ID, &len);
	assert_int_equal(len, sizeof(duid));
	assert_memory_equal(v, duid, sizeof(duid));
}

/* RFC 2131 4.1 destination rules. */
static void test_destinations(void **state)
{
	struct pkt p;

	/* broadcast flag */
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	p.b[10] = 0x80;
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.dest.kind, DHCP_DEST_BROADCAST);
	assert_int_equal(r.dest.ip, htonl(INADDR_BROADCAST));
	assert_int_equal(r.buf[10], 0x80); /* flags echoed */
	/* no flag, no ciaddr: unicast to chaddr/yiaddr */
	p.b[10] = 0;
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.dest.kind, DHCP_DEST_UNICAST);
	assert_int_equal(r.dest.ip, ip("10.244.1.2"));
	assert_memory_equal(r.dest.mac, GUEST_MAC, 6);
	/* ciaddr set beats the broadcast flag */
	uint32_t ci = ip("10.244.1.2");
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	memcpy(p.b + 12, &ci, 4);
	pkt_end(&p);
	p.b[10] = 0x80;
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.dest.kind, DHCP_DEST_UNICAST);
	/* NAK: always broadcast, even with ciaddr */
	ci = ip("10.9.9.9");
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	memcpy(p.b + 12, &ci, 4);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPNAK);
	assert_int_equal(r.dest.kind, DHCP_DEST_BROADCAST);
}

static void big_search(struct dhcp_config *c, size_t n)
{
	c->nsearch = 0;
	for (size_t i = 0; i < n; i++)
		snprintf(c->search[c->nsearch++], sizeof(c->search[0]),
			 "ns%02zu.a-rather-long-domain-label-number.example%zu.org", i, i);
}

/* Walk the options field, file and sname and check no option is cut. */
static void check_wire_options(size_t len)
{
	size_t i = DHCP_OPTIONS_OFF;

	while (i < len && r.buf[i] != OPT_END) {
		if (r.buf[i] == OPT_PAD) {
			i++;
			continue;
		}
		assert_true(i + 1 < len);
		assert_true(i + 2 + r.buf[i + 1] <= len);
		i += 2 + r.buf[i + 1];
	}
	assert_true(i < len); /* END present */
}

/* A search list over 255 octets is split (RFC 3396), not truncated. */
static void test_long_option_split(void **state)
{
	struct pkt p;
	size_t len;
	uint8_t want[4096];
	const char *names[DHCP_MAX_SEARCH];

	big_search(&cfg, 8);
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	for (size_t i = 0; i < cfg.nsearch; i++)
		names[i] = cfg.search[i];
	int wl = dhcp_encode_search(names, cfg.nsearch, want, sizeof(want));
	assert_true(wl > 255);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x05, 0xdc }, 2); /* 1500 */
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_true(r.len <= 1500 - 28);
	assert_false(r.info.overloaded);
	assert_int_equal(r.info.ndropped, 0);
	check_wire_options(r.len);
	const struct dhcp_msg *m = reparse();
	const uint8_t *v = dhcp_msg_opt(m, OPT_SEARCH, &len);
	assert_int_equal(len, (size_t)wl);
	assert_memory_equal(v, want, len);
}

/* Without option 57 the limit is 576: overload first, then drop. */
static void test_size_overload_then_drop(void **state)
{
	struct pkt p;
	size_t len;

	/* ~420 octets of options: too much for 576 - 28 - 240, fits with overload. */
	big_search(&cfg, 5);
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_true(r.len <= 576 - 28);
	assert_true(r.info.overloaded);
	assert_int_equal(r.info.ndropped, 0);
	check_wire_options(r.len);
	const struct dhcp_msg *m = reparse();
	assert_true(m->overload != 0);
	assert_true(dhcp_msg_has(m, OPT_SEARCH));
	assert_true(dhcp_msg_has(m, OPT_CLASSLESS_ROUTE));
	assert_int_equal(dhcp_msg_type(m), DHCPOFFER);

	/* Far too much: the least important go, the required stay. */
	big_search(&cfg, 20);
	cfg.extra[0].code = 224;
	cfg.extra[0].len = 100;
	memset(cfg.extra[0].data, 0xab, 100);
	cfg.nextra = 1;
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	assert_int_equal(handle(&p), 1);
	assert_true(r.len <= 576 - 28);
	assert_true(r.info.ndropped >= 1);
	assert_int_equal(r.info.dropped[0], OPT_SEARCH);
	check_wire_options(r.len);
	m = reparse();
	assert_false(dhcp_msg_has(m, OPT_SEARCH));
	assert_true(dhcp_msg_has(m, OPT_SERVER_ID));
	assert_true(dhcp_msg_has(m, OPT_LEASE_TIME));
	assert_true(dhcp_msg_has(m, OPT_SUBNET_MASK));
	assert_true(dhcp_msg_has(m, OPT_CLASSLESS_ROUTE));
	/* The 100-octet extra still fits once the search list is out. */
	const uint8_t *v = dhcp_msg_opt(m, 224, &len);
	assert_non_null(v);
	assert_int_equal(len, 100);
	assert_int_equal(srv.cnt.options_dropped, 1);
}

/* Option 57 below 576 counts as 576; the MTU caps a larger one. */
static void test_max_len(void **state)
{
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x01, 0x00 }, 2);
	pkt_end(&p);
	dhcp_msg_parse(&parsed, p.b, p.len);
	assert_int_equal(dhcp_reply_max_len(&parsed, 1500), 576 - 28);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x23, 0x28 }, 2); /* 9000 */
	pkt_end(&p);
	dhcp_msg_parse(&parsed, p.b, p.len);
	assert_int_equal(dhcp_reply_max_len(&parsed, 1400), 1400 - 28);
	assert_int_equal(dhcp_reply_max_len(&parsed, 9000), DHCP_MAX_MSG);
	/* MTU unknown: the datagram stays within Ethernet's 1500. */
	assert_int_equal(dhcp_reply_max_len(&parsed, 0), 1500 - 28);
	/* and a 1500 announcement on an unknown MTU: all of it */
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x05, 0xdc }, 2);
	pkt_end(&p);
	dhcp_msg_parse(&parsed, p.b, p.len);
	assert_int_equal(dhcp_reply_max_len(&parsed, 0), 1500 - 28);
	assert_int_equal(dhcp_reply_max_len(&parsed, 1400), 1400 - 28);
}

/* The server built with no MTU keeps its datagrams within 1500. */
static void test_unknown_mtu_datagram(void **state)
{
	struct pkt p;

	cfg.mtu = 0;
	/* ~1490 octets of message: one datagram of 1518 if the cap were 1500 - 0. */
	big_search(&cfg, 20);
	cfg.extra[0].code = 224;
	cfg.extra[0].len = 100;
	memset(cfg.extra[0].data, 0xab, 100);
	cfg.nextra = 1;
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x23, 0x28 }, 2); /* 9000 */
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_true(r.len + 28 <= 1500);
	assert_int_equal(r.info.ndropped, 0);
	check_wire_options(r.len);
	const struct dhcp_msg *m = reparse();
	assert_true(dhcp_msg_has(m, 224));
	assert_true(dhcp_msg_has(m, OPT_SEARCH));
}

/* RFC 3021: no broadcast address on a /31 (it would name the peer) or a /32. */
static void test_no_broadcast_on_31_32(void **state)
{
	struct pkt p;
	size_t len;

	for (uint8_t prefix = 29; prefix <= 32; prefix++) {
		cfg.prefix = prefix;
		cfg.addr = ip("10.244.1.2");
		assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
		pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
		pkt_end(&p);
		assert_int_equal(handle(&p), 1);
		const struct dhcp_msg *m = reparse();
		const uint8_t *v = dhcp_msg_opt(m, OPT_BROADCAST, &len);
		if (prefix == 29) {
			assert_non_null(v);
			assert_memory_equal(v, ((uint8_t[]){ 10, 244, 1, 7 }), 4);
		} else if (prefix == 30) {
			assert_non_null(v);
			assert_memory_equal(v, ((uint8_t[]){ 10, 244, 1, 3 }), 4);
		} else {
			assert_null(v);
		}
		assert_true(dhcp_msg_has(m, OPT_SUBNET_MASK));
	}
}

/* A user option replaces the server's own value for that code. */
static void test_extra_overrides(void **state)
{
	struct pkt p;
	size_t len;

	cfg.extra[0].code = OPT_DNS;
	cfg.extra[0].len = 4;
	memcpy(cfg.extra[0].data, (uint8_t[]){ 1, 1, 1, 1 }, 4);
	cfg.extra[1].code = OPT_NTP;
	cfg.extra[1].len = 4;
	memcpy(cfg.extra[1].data, (uint8_t[]){ 10, 0, 0, 5 }, 4);
	cfg.nextra = 2;
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	const struct dhcp_msg *m = reparse();
	const uint8_t *v = dhcp_msg_opt(m, OPT_DNS, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(v, ((uint8_t[]){ 1, 1, 1, 1 }), 4);
	assert_non_null(dhcp_msg_opt(m, OPT_NTP, &len));
}

/* How many instances of code the reply carries, in all three fields. */
static int instances(uint8_t code)
{
	const struct dhcp_msg *m = reparse();
	struct {
		size_t off, len;
	} area[3] = {
		{ DHCP_OPTIONS_OFF, r.len - DHCP_OPTIONS_OFF },
		{ DHCP_FILE_OFF, DHCP_FILE_LEN },
		{ DHCP_SNAME_OFF, DHCP_SNAME_LEN },
	};
	int count = 0;

	for (int a = 0; a < 3; a++) {
		if (a == 1 && !(m->overload & DHCP_OVERLOAD_FILE))
			continue;
		if (a == 2 && !(m->overload & DHCP_OVERLOAD_SNAME))
			continue;
		for (size_t i = area[a].off;
		     i < area[a].off + area[a].len && r.buf[i] != OPT_END;) {
			if (r.buf[i] == OPT_PAD) {
				i++;
				continue;
			}
			count += r.buf[i] == code;
			i += 2 + r.buf[i + 1];
		}
	}
	return count;
}

/*
 * A --dhcp-option for a code the server sends replaces the server's value
 * in place: one instance, the user's value, never a second one that an
 * RFC 3396 client would concatenate (an 8-octet mask); and none of the
 * lease times in the ACK to an INFORM (RFC 2131 table 3).
 */
static void test_extra_replaces_server_values(void **state)
{
	static const char *const args[] = {
		"1:fffffe00",	  "58:00000100", "59:00000200", "6:01010101",
		"121:00c0a80001", "224:abcd",	 "51:00000e10", NULL,
	};
	struct pkt p;
	size_t len, n = 0;
	struct err why = { 0 };

	cfg.lease_time = DHCP_LEASE_INFINITE;
	for (n = 0; args[n]; n++) {
		size_t l;

		assert_int_equal(dhcp_parse_option_arg(args[n], &cfg.extra[n].code,
						       cfg.extra[n].data, sizeof(cfg.extra[n].data),
						       &l),
				 0);
		cfg.extra[n].len = (uint16_t)l;
	}
	cfg.nextra = n;
	assert_int_equal(dhcp_extra_check(cfg.extra, &cfg.nextra, &cfg.lease_time, false, &why), 0);
	assert_int_equal(cfg.lease_time, 3600);
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	static const uint8_t codes[] = {
		OPT_SUBNET_MASK,     OPT_LEASE_TIME, OPT_T1, OPT_T2,	   OPT_DNS,
		OPT_CLASSLESS_ROUTE, OPT_BROADCAST,  224,    OPT_SERVER_ID
	};
	for (size_t i = 0; i < sizeof(codes); i++) {
		print_message("code %u\n", codes[i]);
		assert_int_equal(instances(codes[i]), 1);
	}
	const struct dhcp_msg *m = reparse();
	assert_memory_equal(dhcp_msg_opt(m, OPT_SUBNET_MASK, &len),
			    ((uint8_t[]){ 255, 255, 254, 0 }), 4);
	assert_int_equal(len, 4);
	assert_memory_equal(dhcp_msg_opt(m, OPT_LEASE_TIME, &len),
			    ((uint8_t[]){ 0, 0, 0x0e, 0x10 }), 4);
	assert_int_equal(len, 4);
	assert_memory_equal(dhcp_msg_opt(m, OPT_T1, &len), ((uint8_t[]){ 0, 0, 1, 0 }), 4);
	assert_memory_equal(dhcp_msg_opt(m, OPT_T2, &len), ((uint8_t[]){ 0, 0, 2, 0 }), 4);
	assert_memory_equal(dhcp_msg_opt(m, OPT_DNS, &len), ((uint8_t[]){ 1, 1, 1, 1 }), 4);
	assert_int_equal(len, 4);
	assert_memory_equal(dhcp_msg_opt(m, OPT_CLASSLESS_ROUTE, &len),
			    ((uint8_t[]){ 0, 192, 168, 0, 1 }), 5);
	assert_int_equal(len, 5);
	/* 28 follows the mask sent: 10.244.1.2/23 */
	assert_memory_equal(dhcp_msg_opt(m, OPT_BROADCAST, &len), ((uint8_t[]){ 10, 244, 1, 255 }),
			    4);

	/* INFORM: no 51, 58 or 59 at all, the user's 1 and 6 still there. */
	uint32_t ci = ip("10.244.1.2");
	pkt_init(&p, DHCPINFORM, GUEST_MAC);
	memcpy(p.b + 12, &ci, 4);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(instances(OPT_LEASE_TIME), 0);
	assert_int_equal(instances(OPT_T1), 0);
	assert_int_equal(instances(OPT_T2), 0);
	assert_int_equal(instances(OPT_SUBNET_MASK), 1);
	assert_int_equal(instances(OPT_DNS), 1);

	/* NAK: 53, 54, 56 only (RFC 2131 table 3: "All others MUST NOT"). */
	pkt_init(&p, DHCPREQUEST, GUEST_MAC);
	pkt_addr(&p, OPT_REQUESTED_IP, "10.9.9.9");
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_int_equal(r.type, DHCPNAK);
	assert_int_equal(instances(OPT_SUBNET_MASK), 0);
	assert_int_equal(instances(224), 0);
}

/*
 * Every instance of code on the wire, in RFC 3396 5 order (options, file,
 * sname), must decode alone as whole RFC 3442 routes; returns how many.
 */
static int route_instances_whole(uint8_t code, size_t *total)
{
	const struct dhcp_msg *m = reparse();
	struct {
		size_t off, len;
		bool on;
	} area[3] = {
		{ DHCP_OPTIONS_OFF, r.len - DHCP_OPTIONS_OFF, true },
		{ DHCP_FILE_OFF, DHCP_FILE_LEN, m->overload & DHCP_OVERLOAD_FILE },
		{ DHCP_SNAME_OFF, DHCP_SNAME_LEN, m->overload & DHCP_OVERLOAD_SNAME },
	};
	int count = 0;

	*total = 0;
	for (int a = 0; a < 3; a++) {
		for (size_t i = area[a].off;
		     area[a].on && i < area[a].off + area[a].len && r.buf[i] != OPT_END;) {
			if (r.buf[i] == OPT_PAD) {
				i++;
				continue;
			}
			if (r.buf[i] == code) {
				const uint8_t *v = r.buf + i + 2;
				size_t l = r.buf[i + 1], k = 0;

				while (k < l) {
					assert_true(v[k] <= 32);
					k += 1 + (v[k] + 7u) / 8u + 4;
				}
				assert_int_equal(k, l); /* no route cut in two */
				*total += l;
				count++;
			}
			i += 2 + r.buf[i + 1];
		}
	}
	return count;
}

/*
 * A 121 of 126..255 octets that the options field cannot hold whole is
 * split into the file field at a route boundary rather than left out.
 */
static void test_121_split_at_route_boundaries(void **state)
{
	static uint8_t want[512], cid[100];
	struct pkt p;
	size_t len, total;

	/* 25 /24 routes via the gateway: 200 octets, the default route last. */
	cfg.nroutes = 0;
	for (int i = 0; i < 24; i++)
		cfg.routes[cfg.nroutes++] =
			(struct dhcp_route){ htonl(0x0a000000u | (unsigned)i << 8), 24,
					     ip("10.244.1.1") };
	cfg.routes[cfg.nroutes++] = (struct dhcp_route){ 0, 0, ip("10.244.1.1") };
	int wl = dhcp_encode_routes(cfg.routes, cfg.nroutes, want, sizeof(want));
	assert_true(wl > 125 && wl <= 255);
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	/* A 100-octet client identifier (echoed first) leaves less than 202 octets. */
	memset(cid, 0x11, sizeof(cid));
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_CLIENT_ID, cid, sizeof(cid));
	pkt_opt(&p, OPT_PARAM_REQ, (uint8_t[]){ 1, 3, 121, 249 }, 4);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	assert_true(r.len <= 576 - 28);
	check_wire_options(r.len);
	const struct dhcp_msg *m = reparse();
	const uint8_t *v = dhcp_msg_opt(m, OPT_CLASSLESS_ROUTE, &len);
	assert_non_null(v);
	assert_int_equal(len, (size_t)wl);
	assert_memory_equal(v, want, len);
	assert_true(route_instances_whole(OPT_CLASSLESS_ROUTE, &total) >= 2);
	assert_int_equal(total, (size_t)wl);
	assert_true(r.info.overloaded);
	for (size_t i = 0; i < r.info.ndropped; i++)
		assert_int_not_equal(r.info.dropped[i], OPT_CLASSLESS_ROUTE);
	/* 249 too, same routes, when asked for and there is room */
	v = dhcp_msg_opt(m, OPT_MS_CLASSLESS_ROUTE, &len);
	if (v) {
		assert_int_equal(len, (size_t)wl);
		route_instances_whole(OPT_MS_CLASSLESS_ROUTE, &total);
		assert_int_equal(total, (size_t)wl);
	}

	/* Over 255 octets (40 routes, 320): instances of whole routes. */
	cfg.nroutes = 0;
	for (int i = 0; i < 39; i++)
		cfg.routes[cfg.nroutes++] =
			(struct dhcp_route){ htonl(0x0a000000u | (unsigned)i << 8), 24,
					     ip("10.244.1.1") };
	cfg.routes[cfg.nroutes++] = (struct dhcp_route){ 0, 0, ip("10.244.1.1") };
	wl = dhcp_encode_routes(cfg.routes, cfg.nroutes, want, sizeof(want));
	assert_true(wl > 255);
	assert_int_equal(dhcp_server_configure(&srv, &cfg), 0);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x05, 0xdc }, 2);
	pkt_end(&p);
	assert_int_equal(handle(&p), 1);
	m = reparse();
	v = dhcp_msg_opt(m, OPT_CLASSLESS_ROUTE, &len);
	assert_int_equal(len, (size_t)wl);
	assert_memory_equal(v, want, len);
	assert_int_equal(route_instances_whole(OPT_CLASSLESS_ROUTE, &total), 2);
}

/*
 * Option 52's three octets are kept only when overload is used: an option
 * that fits the options field exactly stays when the second pass ends up
 * putting nothing in file or sname.
 */
static void test_overload_reserve_only_when_used(void **state)
{
	static uint8_t z[40], x[254], y[250];
	static const uint8_t type = DHCPOFFER, sid[4] = { 169, 254, 75, 10 };
	static struct dhcp_build_info info;
	static uint8_t out[DHCP_MAX_MSG];
	struct pkt p;
	size_t len;

	/* options field: 548 - 240 - 1 (END) = 307 = 3 + 6 + 42 + 256 */
	const struct dhcp_optref refs[] = {
		{ OPT_MSG_TYPE, true, DHCP_SPLIT_NONE, 1, &type },
		{ OPT_SERVER_ID, true, DHCP_SPLIT_NONE, 4, sid },
		{ 224, false, DHCP_SPLIT_NONE, sizeof(z), z },
		{ 225, false, DHCP_SPLIT_NONE, sizeof(x), x },
		{ 226, false, DHCP_SPLIT_NONE, sizeof(y), y }, /* fits nowhere */
	};
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(&parsed, p.b, p.len), DHCP_PARSE_OK);
	int n = dhcp_reply_build(out, 548, &parsed, DHCPOFFER, ip("10.244.1.2"), refs, 5, &info);
	assert_true(n > 0 && n <= 548);
	assert_false(info.overloaded);
	assert_int_equal(info.ndropped, 1);
	assert_int_equal(info.dropped[0], 226);
	memcpy(r.buf, out, (size_t)n);
	r.len = (size_t)n;
	const struct dhcp_msg *m = reparse();
	assert_int_equal(m->overload, 0);
	assert_non_null(dhcp_msg_opt(m, 225, &len));
	assert_int_equal(len, sizeof(x));
	assert_non_null(dhcp_msg_opt(m, 224, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_discover_offer, setup),
		cmocka_unit_test_setup(test_249_on_request_and_finite_lease, setup),
		cmocka_unit_test_setup(test_request_selecting, setup),
		cmocka_unit_test_setup(test_request_init_reboot, setup),
		cmocka_unit_test_setup(test_request_renewing, setup),
		cmocka_unit_test_setup(test_request_state_table, setup),
		cmocka_unit_test_setup(test_inform, setup),
		cmocka_unit_test_setup(test_decline_release_silent, setup),
		cmocka_unit_test_setup(test_drops, setup),
		cmocka_unit_test_setup(test_unused_option_lengths, setup),
		cmocka_unit_test_setup(test_client_id_echo, setup),
		cmocka_unit_test_setup(test_destinations, setup),
		cmocka_unit_test_setup(test_long_option_split, setup),
		cmocka_unit_test_setup(test_size_overload_then_drop, setup),
		cmocka_unit_test_setup(test_max_len, setup),
		cmocka_unit_test_setup(test_unknown_mtu_datagram, setup),
		cmocka_unit_test_setup(test_no_broadcast_on_31_32, setup),
		cmocka_unit_test_setup(test_extra_overrides, setup),
		cmocka_unit_test_setup(test_extra_replaces_server_values, setup),
		cmocka_unit_test_setup(test_121_split_at_route_boundaries, setup),
		cmocka_unit_test_setup(test_overload_reserve_only_when_used, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
