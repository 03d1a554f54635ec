// SPDX-License-Identifier: MIT
/* DHCPv6 parsing (RFC 8415 21) and the single-client server's decisions (RFC 8415 16, 18.3). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <cmocka.h>

#include "common/log.h"
#include "dhcp/dhcp6_server.h"
#include "tests/unit/dhcp/pkt6.h"

static struct dhcp6_server srv;
static struct dhcp6_reply r;
static struct dhcp6_config cfg;
static struct dhcp6_msg m;
static struct pkt6 p;

static const uint8_t OUR_DUID[10] = { 0, 3, 0, 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static void base(struct dhcp6_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->bridge, sizeof(c->bridge), "k6t-eth0");
	memcpy(c->guest_mac, GUEST_MAC6, 6);
	c->mtu = 1500;
	c->addr[0] = a6("fd00:10:244:2::2");
	c->naddr = 1;
	c->pfx[0] = (struct dhcp6_prefix){ a6("fd00:10:244:2::"), 64, false, false };
	c->npfx = 1;
	c->has_default = true;
	c->gateway = a6("fd00:10:244:2::1");
	c->dns[0] = a6("fd00:10:96::a");
	c->ndns = 1;
	snprintf(c->search[0], sizeof(c->search[0]), "default.svc.cluster.local");
	snprintf(c->search[1], sizeof(c->search[1]), "svc.cluster.local");
	c->nsearch = 2;
	c->lease_time = DHCP6_INFINITY;
}

static int setup(void **state)
{
	log_set_fd(open("/dev/null", O_WRONLY));
	memset(&srv, 0, sizeof(srv));
	base(&cfg);
	assert_int_equal(dhcp6_server_configure(&srv, &cfg, BRIDGE_MAC6), 0);
	return 0;
}

static int handle_from(const uint8_t *mac, bool mcast)
{
	return dhcp6_server_handle(&srv, mac, mcast, p.b, p.len, &r);
}

static int handle(void)
{
	return handle_from(GUEST_MAC6, true);
}

static const uint8_t *opt(uint16_t code, uint16_t *len)
{
	return opt6_find(r.buf + 4, r.len - 4, code, len);
}

static uint16_t status_of(const uint8_t *o, uint16_t len)
{
	uint16_t sl;
	const uint8_t *s = opt6_find(o, len, D6O_STATUS_CODE, &sl);

	return s && sl >= 2 ? be16(s) : 0xffff;
}

/* ---- parser ---- */

static void test_parse_solicit(void **state)
{
	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	m6_opt(&p, D6O_RAPID_COMMIT, NULL, 0);
	m6_opt(&p, D6O_ORO, (uint8_t[]){ 0, 23, 0, 24 }, 4);
	m6_ia_na(&p, 7, "fd00::9");
	m6_opt(&p, 999, (uint8_t[]){ 1, 2, 3 }, 3); /* unknown: skipped */
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_OK);
	assert_int_equal(m.type, DHCP6_SOLICIT);
	assert_int_equal(m.clientid_len, sizeof(CLIENT_DUID));
	assert_true(m.rapid_commit);
	assert_true(dhcp6_msg_requested(&m, 24));
	assert_false(dhcp6_msg_requested(&m, 25));
	assert_int_equal(m.nia, 1);
	assert_int_equal(m.ia[0].iaid[3], 7);
	assert_int_equal(m.ia[0].naddr, 1);
}

static void test_parse_errors(void **state)
{
	uint8_t big[200] = { 0, 1 };

	assert_int_equal(dhcp6_msg_parse(&m, p.b, 3), DHCP6_PARSE_SHORT);
	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	p.len -= 1; /* option runs past the end */
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_TRUNCATED);
	m6_init(&p, DHCP6_SOLICIT);
	m6_opt(&p, D6O_CLIENTID, big, 131); /* RFC 8415 11.1: at most 130 */
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_DUID);
	m6_init(&p, DHCP6_SOLICIT);
	m6_opt(&p, D6O_CLIENTID, big, 1);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_DUID);
	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	m6_clientid(&p);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_DUID);
	m6_init(&p, DHCP6_SOLICIT);
	m6_opt(&p, D6O_IA_NA, big, 11);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_IA);
	m6_init(&p, DHCP6_SOLICIT);
	memcpy(big, (uint8_t[]){ 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 23 }, 16);
	m6_opt(&p, D6O_IA_NA, big, 12 + 4 + 23);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_IAADDR);
	m6_init(&p, DHCP6_SOLICIT);
	memcpy(big, (uint8_t[]){ 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 40 }, 16);
	m6_opt(&p, D6O_IA_NA, big, 12 + 4 + 24); /* inner length past the IA */
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_TRUNCATED);
	m6_init(&p, DHCP6_SOLICIT);
	m6_opt(&p, D6O_RAPID_COMMIT, big, 1);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_OPTLEN);
	m6_init(&p, DHCP6_SOLICIT);
	m6_opt(&p, D6O_ORO, big, 3);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_OPTLEN);
	/* An option the server never uses is not judged by its content. */
	m6_init(&p, DHCP6_SOLICIT);
	m6_opt(&p, D6O_ELAPSED_TIME, big, 7);
	m6_opt(&p, D6O_PREFERENCE, big, 0);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_OK);
}

static void test_parse_many_ias(void **state)
{
	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	for (uint32_t i = 0; i < DHCP6_MAX_IA + 3; i++)
		m6_ia_na(&p, i, NULL);
	assert_int_equal(dhcp6_msg_parse(&m, p.b, p.len), DHCP6_PARSE_OK);
	assert_int_equal(m.nia, DHCP6_MAX_IA);
	assert_int_equal(m.ia_ignored, 3);
}

/* ---- server ---- */

static void check_lease_ia(uint32_t iaid, uint32_t t1, uint32_t t2, uint32_t life)
{
	uint16_t len, al;
	const uint8_t *ia = opt(D6O_IA_NA, &len), *aa;
	struct in6_addr want = a6("fd00:10:244:2::2");

	assert_non_null(ia);
	assert_true(len >= 12 + 28);
	assert_int_equal(be32(ia), iaid);
	assert_int_equal(be32(ia + 4), t1);
	assert_int_equal(be32(ia + 8), t2);
	aa = opt6_find(ia + 12, len - 12, D6O_IAADDR, &al);
	assert_non_null(aa);
	assert_int_equal(al, 24);
	assert_memory_equal(aa, &want, 16);
	assert_int_equal(be32(aa + 16), life);
	assert_int_equal(be32(aa + 20), life);
}

static void check_ids(void)
{
	uint16_t len;
	const uint8_t *o = opt(D6O_SERVERID, &len);

	assert_non_null(o);
	assert_int_equal(len, 10);
	assert_memory_equal(o, OUR_DUID, 10);
	o = opt(D6O_CLIENTID, &len);
	assert_non_null(o);
	assert_int_equal(len, sizeof(CLIENT_DUID));
	assert_memory_equal(o, CLIENT_DUID, len);
	/* transaction-id echoed */
	assert_int_equal(r.buf[1], 0xab);
	assert_int_equal(r.buf[3], 0xef);
}

static void test_solicit_advertise(void **state)
{
	static const uint8_t names[] = "\7default\3svc\7cluster\5local\0\3svc\7cluster\5local";
	uint16_t len;
	const uint8_t *o;

	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	m6_ia_na(&p, 0x01020304, "fd00::99"); /* a hint: ignored (18.3.1) */
	assert_int_equal(handle(), 1);
	assert_int_equal(r.buf[0], DHCP6_ADVERTISE);
	check_ids();
	check_lease_ia(0x01020304, DHCP6_INFINITY, DHCP6_INFINITY, DHCP6_INFINITY);
	o = opt(D6O_PREFERENCE, &len);
	assert_non_null(o);
	assert_int_equal(len, 1);
	assert_int_equal(o[0], 255);
	assert_null(opt(D6O_RAPID_COMMIT, &len));
	o = opt(D6O_DNS_SERVERS, &len);
	assert_non_null(o);
	assert_int_equal(len, 16);
	o = opt(D6O_DOMAIN_LIST, &len);
	assert_non_null(o);
	/* RFC 3646 4: uncompressed wire names (the literal's NUL is the last root label) */
	assert_int_equal(len, sizeof(names));
	assert_memory_equal(o, names, len);
	assert_int_equal(srv.cnt.advertises, 1);
}

static void test_solicit_rapid_commit(void **state)
{
	uint16_t len;

	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	m6_opt(&p, D6O_RAPID_COMMIT, NULL, 0);
	m6_ia_na(&p, 9, NULL);
	assert_int_equal(handle(), 1);
	assert_int_equal(r.buf[0], DHCP6_REPLY);
	assert_non_null(opt(D6O_RAPID_COMMIT, &len));
	assert_int_equal(len, 0);
	check_lease_ia(9, DHCP6_INFINITY, DHCP6_INFINITY, DHCP6_INFINITY);
	assert_int_equal(srv.cnt.rapid_commits, 1);
}

static void test_solicit_without_ia_na(void **state)
{
	uint16_t len;
	const uint8_t *o;
	uint8_t pd[12] = { 0, 0, 0, 5 };

	/* Rapid Commit but no IA_NA: an Advertise with NoAddrsAvail, IA_PD NoPrefixAvail. */
	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	m6_opt(&p, D6O_RAPID_COMMIT, NULL, 0);
	m6_opt(&p, D6O_IA_PD, pd, sizeof(pd));
	assert_int_equal(handle(), 1);
	assert_int_equal(r.buf[0], DHCP6_ADVERTISE);
	check_ids();
	o = opt(D6O_STATUS_CODE, &len);
	assert_non_null(o);
	assert_int_equal(be16(o), D6_NO_ADDRS_AVAIL);
	o = opt(D6O_IA_PD, &len);
	assert_non_null(o);
	assert_int_equal(be32(o), 5);
	assert_int_equal(status_of(o + 12, len - 12), D6_NO_PREFIX_AVAIL);
	assert_null(opt(D6O_RAPID_COMMIT, &len));
	assert_null(opt(D6O_IA_NA, &len));
}

static void test_solicit_ids_checked(void **state)
{
	/* 16.2: no Client Identifier, or a Server Identifier: discarded. */
	m6_init(&p, DHCP6_SOLICIT);
	m6_ia_na(&p, 1, NULL);
	assert_int_equal(handle(), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_NO_CLIENTID], 1);
	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p);
	m6_opt(&p, D6O_SERVERID, OUR_DUID, 10);
	assert_int_equal(handle(), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_HAS_SERVERID], 1);
}

static void test_foreign_mac(void **state)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };

	m6_init(&p, DHCP6_SOLICIT);
	m6_clientid(&p); /* the guest's DUID does not make another MAC the guest */
	m6_ia_na(&p, 1, NULL);
	assert_int_equal(handle_from(other, true), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_FOREIGN_MAC], 1);
}

static void request(uint8_t type, const char *addr, bool with_sid)
{
	m6_init(&p, type);
	m6_clientid(&p);
	if (with_sid)
		m6_opt(&p, D6O_SERVERID, OUR_DUID, 10);
	m6_ia_na(&p, 42, addr);
}

static void test_request_reply(void **state)
{
	request(DHCP6_REQUEST, "fd00:10:244:2::2", true);
	assert_int_equal(handle(), 1);
	assert_int_equal(r.buf[0], DHCP6_REPLY);
	check_ids();
	check_lease_ia(42, DHCP6_INFINITY, DHCP6_INFINITY, DHCP6_INFINITY);
}

static void test_request_server_id(void **state)
{
	static const uint8_t other[10] = { 0, 3, 0, 1, 9, 9, 9, 9, 9, 9 };

	request(DHCP6_REQUEST, NULL, false);
	assert_int_equal(handle(), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_NO_SERVERID], 1);
	m6_init(&p, DHCP6_REQUEST);
	m6_clientid(&p);
	m6_opt(&p, D6O_SERVERID, other, 10);
	m6_ia_na(&p, 1, NULL);
	assert_int_equal(handle(), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_OTHER_SERVER], 1);
}

static void test_request_not_on_link(void **state)
{
	uint16_t len, al;
	const uint8_t *ia;

	request(DHCP6_REQUEST, "fd00:10:244:1::7", true);
	assert_int_equal(handle(), 1);
	assert_int_equal(r.buf[0], DHCP6_REPLY);
	ia = opt(D6O_IA_NA, &len);
	assert_non_null(ia);
	assert_int_equal(be32(ia), 42);
	assert_int_equal(status_of(ia + 12, len - 12), D6_NOT_ON_LINK);
	assert_null(opt6_find(ia + 12, len - 12, D6O_IAADDR, &al));
	assert_int_equal(srv.cnt.not_on_link, 1);
}

static void test_request_unicast(void **state)
{
	uint16_t len;
	const uint8_t *o;

	/* 18.3.2: unicast without a Server Unicast option -> UseMulticast, nothing else. */
	request(DHCP6_REQUEST, NULL, true);
	assert_int_equal(handle_from(GUEST_MAC6, false), 1);
	assert_int_equal(r.buf[0], DHCP6_REPLY);
	check_ids();
	o = opt(D6O_STATUS_CODE, &len);
	assert_non_null(o);
	assert_int_equal(be16(o), D6_USE_MULTICAST);
	assert_null(opt(D6O_IA_NA, &len));
}

static void test_second_ia_na(void **state)
{
	uint16_t len;
	const uint8_t *o;

	request(DHCP6_REQUEST, NULL, true);
	m6_ia_na(&p, 43, NULL);
	assert_int_equal(handle(), 1);
	check_lease_ia(42, DHCP6_INFINITY, DHCP6_INFINITY, DHCP6_INFINITY);
	/* the second IA_NA follows the first */
	o = opt(D6O_IA_NA, &len);
	o = opt6_find(o + len, r.len - (size_t)(o + len - r.buf), D6O_IA_NA, &len);
	assert_non_null(o);
	assert_int_equal(be32(o), 43);
	assert_int_equal(status_of(o + 12, len - 12), D6_NO_ADDRS_AVAIL);
}

static void test_renew_rebind(void **state)
{
	uint16_t len = 0, al = 0;
	const uint8_t *ia, *aa;
	struct in6_addr old = a6("fd00:10:244:1::7");

	/* A finite lease: T1 = 0.5, T2 = 0.8 (RFC 8415 21.4). */
	cfg.lease_time = 3600;
	assert_int_equal(dhcp6_server_configure(&srv, &cfg, BRIDGE_MAC6), 0);
	request(DHCP6_RENEW, "fd00:10:244:2::2", true);
	assert_int_equal(handle(), 1);
	check_lease_ia(42, 1800, 2880, 3600);
	request(DHCP6_RENEW, NULL, false);
	assert_int_equal(handle(), 0);
	/* 16.7: a Rebind names no server; a foreign address comes back with lifetimes 0. */
	request(DHCP6_REBIND, "fd00:10:244:1::7", false);
	assert_int_equal(handle(), 1);
	check_lease_ia(42, 1800, 2880, 3600);
	ia = opt(D6O_IA_NA, &len);
	aa = opt6_find(ia + 12, len - 12, D6O_IAADDR, &al);
	aa = opt6_find(aa + al, len - 12 - 4 - al, D6O_IAADDR, &al);
	assert_non_null(aa);
	assert_memory_equal(aa, &old, 16);
	assert_int_equal(be32(aa + 16), 0);
	assert_int_equal(be32(aa + 20), 0);
	request(DHCP6_REBIND, NULL, true);
	assert_int_equal(handle(), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_HAS_SERVERID], 1);
}

static void test_confirm(void **state)
{
	uint16_t len;
	const uint8_t *o;

	request(DHCP6_CONFIRM, "fd00:10:244:2::2", false);
	assert_int_equal(handle(), 1);
	o = opt(D6O_STATUS_CODE, &len);
	assert_non_null(o);
	assert_int_equal(be16(o), D6_SUCCESS);
	assert_null(opt(D6O_IA_NA, &len));
	request(DHCP6_CONFIRM, "fd00:10:244:9::2", false);
	assert_int_equal(handle(), 1);
	o = opt(D6O_STATUS_CODE, &len);
	assert_int_equal(be16(o), D6_NOT_ON_LINK);
	/* 18.3.3: no addresses at all -> no reply. */
	request(DHCP6_CONFIRM, NULL, false);
	assert_int_equal(handle(), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_CONFIRM_EMPTY], 1);
}

static void test_release_decline(void **state)
{
	uint16_t len;
	const uint8_t *o;

	request(DHCP6_RELEASE, "fd00:10:244:2::2", true);
	assert_int_equal(handle(), 1);
	o = opt(D6O_STATUS_CODE, &len);
	assert_int_equal(be16(o), D6_SUCCESS);
	request(DHCP6_DECLINE, "fd00:10:244:2::2", true);
	assert_int_equal(handle(), 1);
	o = opt(D6O_STATUS_CODE, &len);
	assert_int_equal(be16(o), D6_SUCCESS);
	assert_int_equal(srv.cnt.releases, 1);
	assert_int_equal(srv.cnt.declines, 1);
}

static void test_information_request(void **state)
{
	uint16_t len;

	m6_init(&p, DHCP6_INFORMATION_REQUEST);
	assert_int_equal(handle(), 1); /* Client Identifier optional (16.12) */
	assert_int_equal(r.buf[0], DHCP6_REPLY);
	assert_non_null(opt(D6O_DNS_SERVERS, &len));
	assert_non_null(opt(D6O_DOMAIN_LIST, &len));
	assert_non_null(opt(D6O_SERVERID, &len));
	assert_null(opt(D6O_IA_NA, &len));
	m6_init(&p, DHCP6_INFORMATION_REQUEST);
	m6_ia_na(&p, 1, NULL);
	assert_int_equal(handle(), 0);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_IA_IN_INFOREQ], 1);
}

static void test_server_messages_dropped(void **state)
{
	static const uint8_t types[] = { DHCP6_ADVERTISE, DHCP6_REPLY, DHCP6_RECONFIGURE,
					 DHCP6_RELAY_FORW, 200 };

	for (size_t i = 0; i < sizeof(types); i++) {
		m6_init(&p, types[i]);
		m6_clientid(&p);
		assert_int_equal(handle(), 0);
	}
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_SERVER_MSG], 3);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_RELAYED], 1);
	assert_int_equal(srv.cnt.dropped[DHCP6_DROP_BAD_TYPE], 1);
}

static void test_reply_fits_small_mtu(void **state)
{
	/* Many long search domains: the reply stays within 1280 - 48 octets. */
	cfg.mtu = 0;
	cfg.nsearch = 0;
	for (int i = 0; i < DHCP_MAX_SEARCH; i++)
		snprintf(cfg.search[cfg.nsearch++], sizeof(cfg.search[0]),
			 "a-rather-long-label-number-%02d.another-long-label.example.org", i);
	assert_int_equal(dhcp6_server_configure(&srv, &cfg, BRIDGE_MAC6), 0);
	request(DHCP6_REQUEST, NULL, true);
	assert_int_equal(handle(), 1);
	assert_true(r.len <= IP6_MIN_MTU - 48);
	check_lease_ia(42, DHCP6_INFINITY, DHCP6_INFINITY, DHCP6_INFINITY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_solicit, setup),
		cmocka_unit_test_setup(test_parse_errors, setup),
		cmocka_unit_test_setup(test_parse_many_ias, setup),
		cmocka_unit_test_setup(test_solicit_advertise, setup),
		cmocka_unit_test_setup(test_solicit_rapid_commit, setup),
		cmocka_unit_test_setup(test_solicit_without_ia_na, setup),
		cmocka_unit_test_setup(test_solicit_ids_checked, setup),
		cmocka_unit_test_setup(test_foreign_mac, setup),
		cmocka_unit_test_setup(test_request_reply, setup),
		cmocka_unit_test_setup(test_request_server_id, setup),
		cmocka_unit_test_setup(test_request_not_on_link, setup),
		cmocka_unit_test_setup(test_request_unicast, setup),
		cmocka_unit_test_setup(test_second_ia_na, setup),
		cmocka_unit_test_setup(test_renew_rebind, setup),
		cmocka_unit_test_setup(test_confirm, setup),
		cmocka_unit_test_setup(test_release_decline, setup),
		cmocka_unit_test_setup(test_information_request, setup),
		cmocka_unit_test_setup(test_server_messages_dropped, setup),
		cmocka_unit_test_setup(test_reply_fits_small_mtu, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
