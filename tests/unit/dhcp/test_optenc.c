// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "dhcp/optenc.h"
#include "tests/unit/dhcp/pkt.h"

/* RFC 3442 section 3's table of destination encodings. */
static void test_routes_rfc3442_vectors(void **state)
{
	const struct dhcp_route r[] = {
		{ ip("0.0.0.0"), 0, ip("10.0.0.1") },
		{ ip("10.0.0.0"), 8, ip("10.0.0.1") },
		{ ip("10.17.0.0"), 16, ip("10.0.0.1") },
		{ ip("10.27.129.0"), 24, ip("10.0.0.1") },
		{ ip("10.229.0.128"), 25, ip("10.0.0.1") },
		{ ip("10.198.122.47"), 32, 0 },
	};
	const uint8_t want[] = {
		0,   10, 0, 0,	1,  8,	10,  10,  0,   0,  1, 16, 10, 17,  10,
		0,   0,	 1, 24, 10, 27, 129, 10,  0,   0,  1, 25, 10, 229, 0,
		128, 10, 0, 0,	1,  32, 10,  198, 122, 47, 0, 0,  0,  0,
	};
	uint8_t out[128];

	assert_int_equal(dhcp_encode_routes(r, 6, out, sizeof(out)), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* Host bits beyond the width are not sent. */
	struct dhcp_route h = { ip("10.244.1.77"), 24, 0 };
	assert_int_equal(dhcp_encode_routes(&h, 1, out, sizeof(out)), 8);
	assert_memory_equal(out, ((uint8_t[]){ 24, 10, 244, 1, 0, 0, 0, 0 }), 8);
	assert_int_equal(dhcp_encode_routes(r, 6, out, 20), -ENOSPC);
	struct dhcp_route badw = { 0, 33, 0 };
	assert_int_equal(dhcp_encode_routes(&badw, 1, out, sizeof(out)), -EINVAL);
}

/* RFC 3397 section 3's example: eng.apple.com and marketing.apple.com. */
static void test_search_rfc3397_vector(void **state)
{
	const char *names[] = { "eng.apple.com", "marketing.apple.com" };
	const uint8_t want[] = {
		3, 'e', 'n', 'g', 5,   'a', 'p', 'p', 'l', 'e', 3,   'c',  'o',	 'm',
		0, 9,	'm', 'a', 'r', 'k', 'e', 't', 'i', 'n', 'g', 0xc0, 0x04,
	};
	uint8_t out[256];

	assert_int_equal(dhcp_encode_search(names, 2, out, sizeof(out)), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

static void test_search_compression_kubernetes(void **state)
{
	const char *names[] = { "default.svc.cluster.local", "svc.cluster.local", "cluster.local",
				"Example.COM" };
	const uint8_t
		want
			[] = {
				7,    'd',  'e', 'f', 'a', 'u', 'l', 't', 3,   's', 'v', 'c', 7,
				'c',  'l',  'u', 's', 't', 'e', 'r', 5,	  'l', 'o', 'c', 'a', 'l',
				0,    0xc0, 8, /* svc.cluster.local */
				0xc0, 12,      /* cluster.local */
				7,    'e',  'x', 'a', 'm', 'p', 'l', 'e', 3,   'c', 'o', 'm', 0,
			};
	uint8_t out[256];

	assert_int_equal(dhcp_encode_search(names, 4, out, sizeof(out)), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(dhcp_encode_search(names, 4, out, 20), -ENOSPC);
}

static void test_domain_valid(void **state)
{
	assert_true(dhcp_domain_valid("cluster.local"));
	assert_true(dhcp_domain_valid("cluster.local."));
	assert_true(dhcp_domain_valid("1password.com"));
	assert_true(dhcp_domain_valid("a-b.c"));
	assert_false(dhcp_domain_valid(""));
	assert_false(dhcp_domain_valid("."));
	assert_false(dhcp_domain_valid("a..b"));
	assert_false(dhcp_domain_valid("-a.b"));
	assert_false(dhcp_domain_valid("a-.b"));
	assert_false(dhcp_domain_valid("a_b.c"));
	assert_false(dhcp_domain_valid("Bad_Domain!"));
	assert_false(dhcp_domain_valid("a b"));
	/* RFC 1123 2.1: never the dotted-decimal form, the top label is not numeric. */
	assert_false(dhcp_domain_valid("10.1.2.3"));
	assert_false(dhcp_domain_valid("10.1.2.3."));
	assert_false(dhcp_domain_valid("192.168.1"));
	assert_false(dhcp_domain_valid("42"));
	assert_false(dhcp_domain_valid("example.123"));
	assert_true(dhcp_domain_valid("123.example"));
	assert_true(dhcp_domain_valid("10.1.2.3.in-addr.arpa"));
	assert_true(dhcp_domain_valid("10.1.2.x"));
	assert_true(dhcp_domain_valid("a"));
	char l64[70];
	memset(l64, 'a', 64);
	l64[64] = 0;
	assert_false(dhcp_domain_valid(l64));
	l64[63] = 0;
	assert_true(dhcp_domain_valid(l64));
	char long_name[300];
	for (int i = 0; i < 127; i++) {
		long_name[2 * i] = 'a';
		long_name[2 * i + 1] = '.';
	}
	long_name[254] = 0; /* 127 labels, 254 octets with the final dot */
	assert_true(dhcp_domain_valid(long_name));
	long_name[253] = 'b';
	long_name[254] = 'c';
	long_name[255] = 0;
	assert_false(dhcp_domain_valid(long_name));
}

static void test_hostname_sanitize(void **state)
{
	char out[64];

	assert_int_equal(dhcp_hostname_sanitize("VM1_test", out, sizeof(out)), 8);
	assert_string_equal(out, "vm1-test");
	dhcp_hostname_sanitize("--my pod..name--", out, sizeof(out));
	assert_string_equal(out, "my-pod");
	assert_int_equal(dhcp_hostname_sanitize("___", out, sizeof(out)), 0);
	/* The kernel's placeholder is no name. */
	assert_int_equal(dhcp_hostname_sanitize("(none)", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* No label starts or ends with '-' after sanitising. */
	assert_int_equal(dhcp_hostname_sanitize("a._b", out, sizeof(out)), 1);
	assert_string_equal(out, "a");
	dhcp_hostname_sanitize("_vm_.x", out, sizeof(out));
	assert_string_equal(out, "vm");
	dhcp_hostname_sanitize(".-web-1-.ns", out, sizeof(out));
	assert_string_equal(out, "web-1");
	dhcp_hostname_sanitize("caf\xc3\xa9-1", out, sizeof(out));
	assert_string_equal(out, "caf---1");
	/* A 64-character FQDN (setHostnameAsFQDN): the first label, never cut mid-label. */
	const char *fqdn = "vm-0123456789.sub.my-namespace-name.svc.cluster-a.example.org";
	assert_int_equal(strlen(fqdn), 61);
	char f64[80];
	snprintf(f64, sizeof(f64), "%sabc", fqdn);
	assert_int_equal(strlen(f64), 64);
	assert_int_equal(dhcp_hostname_sanitize(f64, out, sizeof(out)), 13);
	assert_string_equal(out, "vm-0123456789");
	/* One label of 63 is a name; of 64 or more, none (RFC 1035 2.3.4). */
	char l[100];
	memset(l, 'x', 99);
	l[63] = 0;
	assert_int_equal(dhcp_hostname_sanitize(l, out, sizeof(out)), 63);
	l[63] = 'x';
	l[64] = 0;
	assert_int_equal(dhcp_hostname_sanitize(l, out, sizeof(out)), 0);
	l[99] = 0;
	assert_int_equal(dhcp_hostname_sanitize(l, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* and never past cap */
	assert_int_equal(dhcp_hostname_sanitize("abcdef", out, 4), 0);
	assert_int_equal(dhcp_hostname_sanitize("abc", out, 4), 3);
}

static void test_option_arg(void **state)
{
	uint8_t code, val[16];
	size_t len;

	assert_int_equal(dhcp_parse_option_arg("42:0a000001", &code, val, sizeof(val), &len), 0);
	assert_int_equal(code, 42);
	assert_int_equal(len, 4);
	assert_memory_equal(val, ((uint8_t[]){ 10, 0, 0, 1 }), 4);
	assert_int_equal(dhcp_parse_option_arg("252:de:AD:be:ef", &code, val, sizeof(val), &len),
			 0);
	assert_int_equal(len, 4);
	assert_int_equal(val[1], 0xad);
	assert_int_equal(dhcp_parse_option_arg("100:", &code, val, sizeof(val), &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(dhcp_parse_option_arg("0:00", &code, val, sizeof(val), &len), -EINVAL);
	assert_int_equal(dhcp_parse_option_arg("255:00", &code, val, sizeof(val), &len), -EINVAL);
	/* The server's own and the client's options are refused, with the code. */
	static const uint8_t refused[] = { 50, 52, 53, 54, 55, 57, 61 };
	for (size_t i = 0; i < sizeof(refused); i++) {
		char arg[16];

		snprintf(arg, sizeof(arg), "%u:0a000001", refused[i]);
		code = 0;
		assert_int_equal(dhcp_parse_option_arg(arg, &code, val, sizeof(val), &len), -EPERM);
		assert_int_equal(code, refused[i]);
		assert_non_null(dhcp_option_refused(code));
	}
	static const uint8_t allowed[] = { 1,  3,  6,  12, 15,	26,  28, 42,
					   51, 56, 58, 59, 119, 121, 249 };
	for (size_t i = 0; i < sizeof(allowed); i++)
		assert_null(dhcp_option_refused(allowed[i]));
	assert_int_equal(dhcp_parse_option_arg("42:0", &code, val, sizeof(val), &len), -EINVAL);
	assert_int_equal(dhcp_parse_option_arg("42:zz", &code, val, sizeof(val), &len), -EINVAL);
	assert_int_equal(dhcp_parse_option_arg("x:00", &code, val, sizeof(val), &len), -EINVAL);
	assert_int_equal(dhcp_parse_option_arg("42", &code, val, sizeof(val), &len), -EINVAL);
	assert_int_equal(dhcp_parse_option_arg("42:0102", &code, val, 1, &len), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes_rfc3442_vectors),
		cmocka_unit_test(test_search_rfc3397_vector),
		cmocka_unit_test(test_search_compression_kubernetes),
		cmocka_unit_test(test_domain_valid),
		cmocka_unit_test(test_hostname_sanitize),
		cmocka_unit_test(test_option_arg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
