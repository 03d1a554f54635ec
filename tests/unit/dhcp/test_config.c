// SPDX-License-Identifier: MIT
/* State cache -> configuration, and raw frame checksums. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "dhcp/config.h"
#include "dhcp/frame.h"
#include "tests/unit/dhcp/pkt.h"

static const char *STATE =
	"{\"version\": 1, \"phase\": \"done\", \"iface\": \"eth0\","
	" \"pod\": {\"mac\": \"62:b1:b5:02:ff:79\", \"mtu\": 1500,"
	"  \"ipv4\": [{\"address\": \"10.244.1.2\", \"prefix\": 24}],"
	"  \"routes\": ["
	"   {\"family\": 4, \"dst\": \"0.0.0.0\", \"prefix\": 0, \"gateway\": \"10.244.1.1\", \"table\": 254},"
	"   {\"family\": 4, \"dst\": \"10.244.1.0\", \"prefix\": 24, \"gateway\": null, \"table\": 254},"
	"   {\"family\": 4, \"dst\": \"10.96.0.0\", \"prefix\": 12, \"gateway\": \"10.244.1.1\", \"table\": 254},"
	"   {\"family\": 4, \"dst\": \"10.244.1.1\", \"prefix\": 32, \"gateway\": null, \"table\": 254},"
	"   {\"family\": 4, \"dst\": \"192.168.0.0\", \"prefix\": 16, \"gateway\": \"10.244.1.1\", \"table\": 100},"
	"   {\"family\": 4, \"dst\": \"10.97.0.0\", \"prefix\": 16, \"gateway\": \"fe80::1\", \"gateway_family\": 6, \"table\": 254},"
	"   {\"family\": 6, \"dst\": \"::\", \"prefix\": 0, \"gateway\": \"fe80::1\", \"table\": 254}],"
	"  \"dns\": {\"nameservers\": [\"10.96.0.10\", \"fd00::10\"],"
	"           \"search\": [\"default.svc.cluster.local\", \"UPPER.Case.\", \"bad_one\", \"10.1.2.3\", \"-x.y\"]},"
	"  \"hostname\": \"My_VM\"},"
	" \"binding\": {\"bridge\": \"k6t-eth0\", \"bridge_addr\": \"169.254.75.10\","
	"  \"guest_mac\": \"62:b1:b5:02:ff:79\", \"mtu\": 1450, \"l2_only\": false}}";

static int setup(void **state)
{
	log_set_fd(open("/dev/null", O_WRONLY));
	return 0;
}

static void test_from_json(void **state)
{
	static struct dhcp_config c;
	struct err why;

	assert_int_equal(dhcp_config_from_json(&c, STATE, strlen(STATE), &why), 0);
	assert_string_equal(c.bridge, "k6t-eth0");
	assert_string_equal(c.iface, "eth0");
	assert_memory_equal(c.guest_mac, GUEST_MAC, 6);
	assert_int_equal(c.addr, ip("10.244.1.2"));
	assert_int_equal(c.prefix, 24);
	assert_int_equal(c.server_id, ip("169.254.75.10"));
	assert_int_equal(c.router, ip("10.244.1.1"));
	assert_int_equal(c.mtu, 1450); /* the binding's MTU wins */
	/*
	 * server /32 on-link first; the connected /24 without gateway dropped
	 * (option 1 says it); the table-100, IPv6 and via-IPv6 (RFC 5549)
	 * routes ignored; the
	 * default route last.
	 */
	assert_int_equal(c.nroutes, 4);
	assert_int_equal(c.routes[0].dst, ip("169.254.75.10"));
	assert_int_equal(c.routes[0].prefix, 32);
	assert_int_equal(c.routes[0].gateway, 0);
	assert_int_equal(c.routes[1].dst, ip("10.96.0.0"));
	assert_int_equal(c.routes[1].prefix, 12);
	assert_int_equal(c.routes[2].dst, ip("10.244.1.1"));
	assert_int_equal(c.routes[2].gateway, 0);
	assert_int_equal(c.routes[3].prefix, 0);
	assert_int_equal(c.routes[3].gateway, ip("10.244.1.1"));
	assert_int_equal(c.ndns, 1);
	assert_int_equal(c.dns[0], ip("10.96.0.10"));
	/* Invalid names skipped, the trailing dot dropped. */
	assert_int_equal(c.nsearch, 2);
	assert_string_equal(c.search[0], "default.svc.cluster.local");
	assert_string_equal(c.search[1], "UPPER.Case");
	assert_string_equal(c.hostname, "my-vm");
	assert_false(c.l2_only);
}

static void test_l2_only_and_errors(void **state)
{
	static struct dhcp_config c;
	struct err why;
	const char *l2 = "{\"pod\": {\"ipv4\": []}, \"binding\": {\"bridge\": \"k6t-eth0\","
			 " \"guest_mac\": \"62:b1:b5:02:ff:79\", \"l2_only\": true}}";

	assert_int_equal(dhcp_config_from_json(&c, l2, strlen(l2), &why), 0);
	assert_true(c.l2_only);
	assert_int_equal(dhcp_config_from_json(&c, "{", 1, &why), -EINVAL);
	const char *nomac = "{\"pod\": {}, \"binding\": {\"bridge\": \"b\"}}";
	assert_int_equal(dhcp_config_from_json(&c, nomac, strlen(nomac), &why), -EINVAL);
	assert_string_equal(why.msg, "bad binding.guest_mac");
	const char *noip =
		"{\"pod\": {}, \"binding\": {\"bridge\": \"b\", \"bridge_addr\": \"169.254.75.10\","
		" \"guest_mac\": \"62:b1:b5:02:ff:79\"}}";
	assert_int_equal(dhcp_config_from_json(&c, noip, strlen(noip), &why), -EINVAL);
	assert_string_equal(why.msg, "no pod.ipv4 address");
	assert_int_equal(dhcp_config_load(&c, "/nonexistent/eth0.json", &why), -ENOENT);
}

/*
 * resolv.conf: a search line far over 1023 characters (Kubernetes allows
 * 2048 and more) keeps every domain whole; one over 253 octets is skipped,
 * never cut; more than DHCP_MAX_SEARCH are left out whole.
 */
static void test_resolv_long_search_line(void **state)
{
	static struct dhcp_config c;
	static char text[16384], want[40][80];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "# kubelet\nnameserver 10.96.0.10\n"
			      "nameserver fd00::10\nsearch");
	for (int i = 0; i < 30; i++) {
		snprintf(want[i], sizeof(want[i]),
			 "ns%02d.a-long-namespace-label-for-testing.svc.cluster-%02d.example", i,
			 i);
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %s", want[i]);
		if (i == 14) {
			/* a 300-octet name in the middle, straddling offset 1023 */
			n += (size_t)snprintf(text + n, sizeof(text) - n, " ");
			for (int k = 0; k < 5; k++)
				n += (size_t)snprintf(
					text + n, sizeof(text) - n, "%s%.59s", k ? "." : "",
					"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
		}
	}
	snprintf(want[30], sizeof(want[30]), "UPPER.Example.");
	n += (size_t)snprintf(text + n, sizeof(text) - n, " %s\t10.1.2.3\r\noptions ndots:5\n",
			      want[30]);
	assert_true(n > 2048);

	memset(&c, 0, sizeof(c));
	assert_int_equal(dhcp_config_apply_resolv(&c, text, n), 0);
	assert_int_equal(c.ndns, 1);
	assert_int_equal(c.dns[0], ip("10.96.0.10"));
	/* 30 names and UPPER.Example; the 300-octet name and the address skipped */
	assert_int_equal(c.nsearch, 31);
	for (int i = 0; i < 30; i++)
		assert_string_equal(c.search[i], want[i]);
	assert_string_equal(c.search[30], "upper.example");

	/* More than DHCP_MAX_SEARCH: the first 32, each whole. */
	n = (size_t)snprintf(text, sizeof(text), "search");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " d%02d.example.org", i);
	memset(&c, 0, sizeof(c));
	assert_int_equal(dhcp_config_apply_resolv(&c, text, n), 0);
	assert_int_equal(c.nsearch, DHCP_MAX_SEARCH);
	assert_string_equal(c.search[31], "d31.example.org");

	/* From a file; no newline at the end; NUL octets separate words. */
	char path[] = "/tmp/dhcp-resolv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char body[] = "nameserver 10.0.0.2\nsearch a.example\0b.example";
	assert_int_equal(write(fd, body, sizeof(body) - 1), (ssize_t)sizeof(body) - 1);
	close(fd);
	memset(&c, 0, sizeof(c));
	assert_int_equal(dhcp_config_load_resolv(&c, path), 0);
	assert_int_equal(c.ndns, 1);
	assert_int_equal(c.nsearch, 2);
	assert_string_equal(c.search[1], "b.example");
	/* A file over the cap is refused, not cut. */
	assert_int_equal(truncate(path, DHCP_RESOLV_MAX + 1), 0);
	assert_int_equal(dhcp_config_load_resolv(&c, path), -EFBIG);
	unlink(path);
	assert_int_equal(dhcp_config_load_resolv(&c, "/nonexistent/resolv.conf"), -ENOENT);
}

static size_t extras(struct dhcp_extra *e, const char *const *args)
{
	size_t n = 0;

	for (; *args; args++, n++) {
		size_t len;

		assert_int_equal(dhcp_parse_option_arg(*args, &e[n].code, e[n].data,
						       sizeof(e[n].data), &len),
				 0);
		e[n].len = (uint16_t)len;
	}
	return n;
}

/* --dhcp-option as a whole: one value per code, RFC 2132 sizes, T1 < T2 < lease. */
static void test_extra_check(void **state)
{
	static struct dhcp_extra e[DHCP_MAX_EXTRA];
	static const struct {
		const char *args[4];
		uint32_t lease;
		bool lease_given;
		bool ok;
	} cases[] = {
		{ { "1:ffffff00", "6:0a00000a0a00000b", "224:", NULL }, 3600, false, true },
		{ { "1:ffff00ff", NULL }, 3600, false, false }, /* not contiguous */
		{ { "1:ffffff", NULL }, 3600, false, false },
		{ { "1:00000000", NULL }, 3600, false, true }, /* /0 is contiguous */
		{ { "28:0a0000ff00", NULL }, 3600, false, false },
		{ { "26:0043", NULL }, 3600, false, false }, /* 67 < 68 */
		{ { "26:05dc", NULL }, 3600, false, true },
		{ { "3:0a000001ff", NULL }, 3600, false, false },
		{ { "6:", NULL }, 3600, false, false },
		{ { "12:", NULL }, 3600, false, false },
		{ { "121:180a0001", NULL }, 3600, false, false },   /* router cut short */
		{ { "121:210a000001", NULL }, 3600, false, false }, /* width 33 */
		{ { "121:180a00010a000001000a000001", NULL }, 3600, false, true },
		{ { "42:0a000005", "42:0a000006", NULL }, 3600, false, false }, /* twice */
		{ { "58:00000708", "59:00000c4e", NULL }, 3600, false, true },
		{ { "58:00000c4e", "59:00000708", NULL }, 3600, false, false }, /* T1 > T2 */
		{ { "58:00000e10", NULL }, 3600, false, false },		/* T1 = lease */
		{ { "58:00000d00", NULL }, 3600, false, false }, /* T1 > default T2 */
		{ { "59:00000100", NULL }, 3600, false, false }, /* T2 < default T1 */
		{ { "59:00000e00", NULL }, 3600, false, true },
		{ { "58:00000100", NULL }, DHCP_LEASE_INFINITE, false, true },
		{ { "58:0000ffff", "59:00000100", NULL }, DHCP_LEASE_INFINITE, false, false },
		{ { "51:00000e10", NULL }, DHCP_LEASE_INFINITE, false, true },
		{ { "51:00000e10", NULL }, 600, true, false }, /* and --lease-time */
		{ { "51:00000005", NULL }, DHCP_LEASE_INFINITE, false, false },
		{ { "51:0e10", NULL }, DHCP_LEASE_INFINITE, false, false },
		{ { "51:00000e10", "58:00000708", NULL }, DHCP_LEASE_INFINITE, false, true },
		{ { "51:00000e10", "58:00000e11", NULL }, DHCP_LEASE_INFINITE, false, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = extras(e, cases[i].args);
		uint32_t lease = cases[i].lease;
		struct err why = { 0 };

		print_message("case %zu: %s\n", i, cases[i].args[0]);
		assert_int_equal(dhcp_extra_check(e, &n, &lease, cases[i].lease_given, &why),
				 cases[i].ok ? 0 : -EINVAL);
		if (!cases[i].ok)
			assert_true(why.code == EINVAL && why.msg[0]);
	}
	/* 51 becomes the lease time and leaves the list. */
	const char *const a[] = { "42:0a000005", "51:00000e10", "58:00000708", NULL };
	size_t n = extras(e, a);
	uint32_t lease = DHCP_LEASE_INFINITE;
	struct err why = { 0 };
	assert_int_equal(dhcp_extra_check(e, &n, &lease, false, &why), 0);
	assert_int_equal(lease, 3600);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].code, 42);
	assert_int_equal(e[1].code, OPT_T1);
	/* A refused code built by hand is refused here too. */
	e[0].code = OPT_SERVER_ID;
	e[0].len = 4;
	n = 1;
	assert_int_equal(dhcp_extra_check(e, &n, &lease, false, &why), -EINVAL);
}

/* Calico-style /32 pod with a link-local gateway (KubeVirt #1434, #6820). */
static void test_calico_routes(void **state)
{
	static struct dhcp_config c;
	struct err why;
	const char *js =
		"{\"pod\": {\"ipv4\": [{\"address\": \"10.1.2.3\", \"prefix\": 32}],"
		" \"routes\": ["
		"  {\"family\": 4, \"dst\": \"0.0.0.0\", \"prefix\": 0, \"gateway\": \"169.254.1.1\"},"
		"  {\"family\": 4, \"dst\": \"169.254.1.1\", \"prefix\": 32, \"gateway\": null}]},"
		" \"binding\": {\"bridge\": \"k6t-eth0\", \"bridge_addr\": \"169.254.75.10\","
		"  \"guest_mac\": \"62:b1:b5:02:ff:79\"}}";
	uint8_t out[64];

	assert_int_equal(dhcp_config_from_json(&c, js, strlen(js), &why), 0);
	assert_int_equal(c.prefix, 32);
	assert_int_equal(c.router, ip("169.254.1.1"));
	assert_int_equal(c.nroutes, 3);
	assert_int_equal(dhcp_encode_routes(c.routes, c.nroutes, out, sizeof(out)), 9 + 9 + 5);
	assert_memory_equal(out, ((uint8_t[]){ 32, 169, 254, 75, 10, 0, 0, 0,	0,   32, 169, 254,
					       1,  1,	0,   0,	 0,  0, 0, 169, 254, 1,	 1 }),
			    23);
	/* Static IPAM with no routes at all (KubeVirt #5762): no router, only the server route. */
	const char *noroutes =
		"{\"pod\": {\"ipv4\": [{\"address\": \"10.1.2.3\", \"prefix\": 24}], \"routes\": []},"
		" \"binding\": {\"bridge\": \"k6t-eth0\", \"bridge_addr\": \"169.254.75.10\","
		"  \"guest_mac\": \"62:b1:b5:02:ff:79\"}}";
	assert_int_equal(dhcp_config_from_json(&c, noroutes, strlen(noroutes), &why), 0);
	assert_int_equal(c.router, 0);
	assert_int_equal(c.nroutes, 1);
}

/* A frame's IP header and UDP checksums verify (sum to 0xffff). */
static void test_frame_checksums(void **state)
{
	uint8_t payload[301], frame[400];
	const uint8_t src[6] = { 2, 0, 0, 0, 0, 1 };

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	int len = dhcp_frame_build(frame, sizeof(frame), src, GUEST_MAC, ip("169.254.75.10"),
				   ip("10.244.1.2"), payload, sizeof(payload));
	assert_int_equal(len, 14 + 20 + 8 + 301);
	assert_memory_equal(frame, GUEST_MAC, 6);
	assert_int_equal(frame[12], 0x08);
	assert_int_equal(dhcp_csum_fold(dhcp_csum_add(0, frame + 14, 20)), 0xffff);
	uint32_t sum = dhcp_csum_add(0, frame + 14 + 12, 8);
	sum += 17 + 8 + 301;
	sum = dhcp_csum_add(sum, frame + 34, 8 + 301);
	assert_int_equal(dhcp_csum_fold(sum), 0xffff);
	assert_int_equal(frame[34 + 1], 67);
	assert_int_equal(frame[34 + 3], 68);
	assert_memory_equal(frame + 42, payload, sizeof(payload));
	assert_int_equal(dhcp_frame_build(frame, 100, src, GUEST_MAC, 0, 0, payload, 301), -ENOSPC);
}

/* RFC 1071 section 3 example: 0001 f203 f4f5 f6f7 -> sum ddf2. */
static void test_csum_rfc1071(void **state)
{
	const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	assert_int_equal(dhcp_csum_fold(dhcp_csum_add(0, d, sizeof(d))), 0xddf2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_json),
		cmocka_unit_test(test_l2_only_and_errors),
		cmocka_unit_test(test_resolv_long_search_line),
		cmocka_unit_test(test_extra_check),
		cmocka_unit_test(test_calico_routes),
		cmocka_unit_test(test_frame_checksums),
		cmocka_unit_test(test_csum_rfc1071),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
