// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/util.h"
#include "dhcp/msg.h"
#include "tests/unit/dhcp/pkt.h"

static struct dhcp_msg m;

static void test_valid_discover(void **state)
{
	struct pkt p;
	size_t len;
	const uint8_t prl[] = { 1, 3, 6, 121 };

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_PARAM_REQ, prl, sizeof(prl));
	pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 0x05, 0xdc }, 2);
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OK);
	assert_int_equal(dhcp_msg_type(&m), DHCPDISCOVER);
	assert_memory_equal(m.chaddr, GUEST_MAC, 6);
	assert_true(dhcp_msg_requested(&m, 121));
	assert_false(dhcp_msg_requested(&m, 249));
	assert_non_null(dhcp_msg_opt(&m, OPT_MAX_MSG_SIZE, &len));
	assert_int_equal(len, 2);
	assert_null(dhcp_msg_opt(&m, OPT_CLIENT_ID, &len));
}

static void test_short_and_long(void **state)
{
	struct pkt p;
	static uint8_t big[DHCP_MAX_MSG + 1];

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	assert_int_equal(dhcp_msg_parse(&m, p.b, DHCP_OPTIONS_OFF - 1), DHCP_PARSE_SHORT);
	assert_int_equal(dhcp_msg_parse(&m, p.b, 0), DHCP_PARSE_SHORT);
	memcpy(big, p.b, p.len);
	assert_int_equal(dhcp_msg_parse(&m, big, sizeof(big)), DHCP_PARSE_LONG);
}

static void test_bad_magic_and_htype(void **state)
{
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	p.b[DHCP_FIXED_LEN] = 0;
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_MAGIC);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	p.b[2] = 16;
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_HTYPE);
}

/* An option whose value runs past the end of the packet is rejected. */
static void test_truncated_option(void **state)
{
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	p.b[p.len++] = OPT_HOSTNAME;
	p.b[p.len++] = 200;
	memset(p.b + p.len, 'a', 10);
	p.len += 10;
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_TRUNCATED);
	/* A lone code octet with no length octet. */
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	p.b[p.len++] = OPT_HOSTNAME;
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_TRUNCATED);
}

/* A missing END and trailing PADs are tolerated. */
static void test_no_end_and_pad(void **state)
{
	struct pkt p;

	pkt_init(&p, 0, GUEST_MAC);
	p.b[p.len++] = OPT_PAD;
	p.b[p.len++] = OPT_PAD;
	pkt_opt(&p, OPT_MSG_TYPE, (uint8_t[]){ DHCPREQUEST }, 1);
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OK);
	assert_int_equal(dhcp_msg_type(&m), DHCPREQUEST);
}

/* RFC 2132 fixed sizes of the options acted on: busybox CVE-2018-20679 / CVE-2019-5747. */
static void test_fixed_lengths(void **state)
{
	static const struct {
		uint8_t code, len;
	} bad[] = {
		{ OPT_MSG_TYPE, 2 },	 { OPT_MSG_TYPE, 0 },  { OPT_REQUESTED_IP, 3 },
		{ OPT_REQUESTED_IP, 5 }, { OPT_SERVER_ID, 5 }, { OPT_SERVER_ID, 0 },
		{ OPT_CLIENT_ID, 1 },	 { OPT_CLIENT_ID, 0 },
	};
	uint8_t v[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct pkt p;

		pkt_init(&p, bad[i].code == OPT_MSG_TYPE ? 0 : DHCPDISCOVER, GUEST_MAC);
		pkt_opt(&p, bad[i].code, v, bad[i].len);
		pkt_end(&p);
		assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OPTLEN);
	}
}

/*
 * Options the server never acts on are skipped by length whatever their
 * size (RFC 2131 4.1); a 57 of the wrong size is as good as absent.
 */
static void test_unused_lengths_ignored(void **state)
{
	static const struct {
		uint8_t code, len;
	} odd[] = {
		{ OPT_HOSTNAME, 0 },
		{ OPT_PARAM_REQ, 0 },
		{ OPT_LEASE_TIME, 2 },
		{ OPT_SUBNET_MASK, 3 },
		{ OPT_MTU, 0 },
		{ OPT_T1, 1 },
		{ OPT_T2, 8 },
		{ OPT_BROADCAST, 5 },
		{ OPT_CLASSLESS_ROUTE, 1 },
		{ 81, 0 },
		{ 224, 7 },
	};
	uint8_t v[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	size_t len;

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct pkt p;

		pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
		pkt_opt(&p, odd[i].code, v, odd[i].len);
		pkt_end(&p);
		assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OK);
		assert_int_equal(dhcp_msg_type(&m), DHCPDISCOVER);
		assert_non_null(dhcp_msg_opt(&m, odd[i].code, &len));
		assert_int_equal(len, odd[i].len);
	}
	/* An empty 55 requests nothing. */
	assert_false(dhcp_msg_requested(&m, OPT_MS_CLASSLESS_ROUTE));
	for (uint8_t l = 0; l < 8; l++) {
		struct pkt p;

		if (l == 2)
			continue;
		pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
		pkt_opt(&p, OPT_MAX_MSG_SIZE, (uint8_t[]){ 5, 0xdc, 5, 0xdc, 5, 0xdc, 5, 0xdc }, l);
		pkt_end(&p);
		assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OK);
		assert_false(dhcp_msg_has(&m, OPT_MAX_MSG_SIZE));
	}
	/* Framing errors still drop the message, used option or not. */
	struct pkt p;
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	p.b[p.len++] = OPT_HOSTNAME;
	p.b[p.len++] = 200;
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_TRUNCATED);
}

/* RFC 3396: instances of one code are concatenated in order. */
static void test_concatenation(void **state)
{
	struct pkt p;
	size_t len;
	const uint8_t *v;

	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_PARAM_REQ, (uint8_t[]){ 1, 3 }, 2);
	pkt_opt(&p, OPT_HOSTNAME, "ab", 2);
	pkt_opt(&p, OPT_PARAM_REQ, (uint8_t[]){ 6, 121 }, 2);
	/* A 4-octet option split in two parts is 4 octets once joined. */
	pkt_opt(&p, OPT_REQUESTED_IP, (uint8_t[]){ 10, 244 }, 2);
	pkt_opt(&p, OPT_REQUESTED_IP, (uint8_t[]){ 1, 2 }, 2);
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OK);
	v = dhcp_msg_opt(&m, OPT_PARAM_REQ, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(v, ((uint8_t[]){ 1, 3, 6, 121 }), 4);
	uint32_t a;
	assert_true(dhcp_msg_addr(&m, OPT_REQUESTED_IP, &a));
	assert_int_equal(a, ip("10.244.1.2"));
}

/* RFC 2132 9.3 overload: options in file then sname; order per RFC 3396 5. */
static void test_overload(void **state)
{
	struct pkt p;
	size_t len;
	const uint8_t *v;

	pkt_init(&p, 0, GUEST_MAC);
	pkt_opt(&p, OPT_OVERLOAD, (uint8_t[]){ 3 }, 1);
	pkt_opt(&p, OPT_HOSTNAME, "a", 1);
	pkt_end(&p);
	/* file: type + hostname part 2; sname: hostname part 3 */
	uint8_t *f = p.b + DHCP_FILE_OFF, *s = p.b + DHCP_SNAME_OFF;
	f[0] = OPT_MSG_TYPE;
	f[1] = 1;
	f[2] = DHCPDISCOVER;
	f[3] = OPT_HOSTNAME;
	f[4] = 1;
	f[5] = 'b';
	f[6] = OPT_END;
	s[0] = OPT_HOSTNAME;
	s[1] = 1;
	s[2] = 'c';
	s[3] = OPT_END;
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OK);
	assert_int_equal(dhcp_msg_type(&m), DHCPDISCOVER);
	v = dhcp_msg_opt(&m, OPT_HOSTNAME, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "abc", 3);

	/* Without option 52, file/sname contents are not options. */
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_end(&p);
	memcpy(p.b + DHCP_FILE_OFF, (uint8_t[]){ OPT_HOSTNAME, 1, 'x', OPT_END }, 4);
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OK);
	assert_false(dhcp_msg_has(&m, OPT_HOSTNAME));

	/* An option in the file field that runs past the field: rejected. */
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_OVERLOAD, (uint8_t[]){ 1 }, 1);
	pkt_end(&p);
	p.b[DHCP_FILE_OFF + 120] = OPT_HOSTNAME;
	p.b[DHCP_FILE_OFF + 121] = 20;
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_TRUNCATED);

	/* Bad overload values. */
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_OVERLOAD, (uint8_t[]){ 4 }, 1);
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OVERLOAD);
	pkt_init(&p, DHCPDISCOVER, GUEST_MAC);
	pkt_opt(&p, OPT_OVERLOAD, (uint8_t[]){ 1, 1 }, 2);
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(&m, p.b, p.len), DHCP_PARSE_OVERLOAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_discover),
		cmocka_unit_test(test_short_and_long),
		cmocka_unit_test(test_bad_magic_and_htype),
		cmocka_unit_test(test_truncated_option),
		cmocka_unit_test(test_no_end_and_pad),
		cmocka_unit_test(test_fixed_lengths),
		cmocka_unit_test(test_unused_lengths_ignored),
		cmocka_unit_test(test_concatenation),
		cmocka_unit_test(test_overload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
