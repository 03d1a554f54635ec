// SPDX-License-Identifier: MIT
/* The DHCP server behind the masquerade binding: the guest's private lease from the cache. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "dhcp/config.h"

#define POD                                                                                                      \
	" \"pod\": {\"mac\": \"62:b1:b5:02:ff:79\", \"mtu\": 1500,"                                              \
	"  \"ipv4\": [{\"address\": \"10.244.7.5\", \"prefix\": 32}],"                                           \
	"  \"routes\": ["                                                                                        \
	"   {\"family\": 4, \"dst\": \"0.0.0.0\", \"prefix\": 0, \"gateway\": \"169.254.1.1\", \"table\": 254}," \
	"   {\"family\": 4, \"dst\": \"169.254.1.1\", \"prefix\": 32, \"gateway\": null, \"table\": 254}],"      \
	"  \"dns\": {\"nameservers\": [\"10.96.0.10\"], \"search\": [\"svc.cluster.local\"]},"                   \
	"  \"hostname\": \"vm1\"},"

static const char *STATE =
	"{\"version\": 1, \"phase\": \"done\", \"iface\": \"eth0\"," POD
	" \"binding\": {\"kind\": \"masquerade\", \"bridge\": \"k6t-eth0\", \"bridge_addr\": \"10.0.2.1\","
	"  \"guest_mac\": \"02:42:0a:00:02:02\", \"mtu\": 1480, \"l2_only\": false,"
	"  \"masq\": {\"table\": \"podlaunch-eth0\", \"ipv4\": {\"guest\": \"10.0.2.2\","
	"   \"gateway\": \"10.0.2.1\", \"prefix\": 24, \"pod\": \"10.244.7.5\"}, \"ipv6\": null,"
	"   \"ports\": []}}}";

static int setup(void **state)
{
	log_set_fd(open("/dev/null", O_WRONLY));
	return 0;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void test_masq_lease(void **state)
{
	struct dhcp_config cfg = { 0 };
	struct err why;

	assert_int_equal(dhcp_config_from_json(&cfg, STATE, strlen(STATE), &why), 0);
	assert_true(cfg.masquerade);
	assert_false(cfg.l2_only);
	assert_string_equal(cfg.bridge, "k6t-eth0");
	assert_int_equal(cfg.guest_mac[0], 0x02);
	assert_int_equal(cfg.addr, ip("10.0.2.2")); /* not the pod IP */
	assert_int_equal(cfg.prefix, 24);
	assert_int_equal(cfg.server_id, ip("10.0.2.1"));
	assert_int_equal(cfg.router, ip("10.0.2.1"));
	/* Option 121: only the default route via the gateway, no server host route. */
	assert_int_equal(cfg.nroutes, 1);
	assert_int_equal(cfg.routes[0].dst, 0);
	assert_int_equal(cfg.routes[0].prefix, 0);
	assert_int_equal(cfg.routes[0].gateway, ip("10.0.2.1"));
	/* The pod's DNS, search list, host name, and the binding's MTU. */
	assert_int_equal(cfg.ndns, 1);
	assert_int_equal(cfg.dns[0], ip("10.96.0.10"));
	assert_int_equal(cfg.nsearch, 1);
	assert_string_equal(cfg.search[0], "svc.cluster.local");
	assert_string_equal(cfg.hostname, "vm1");
	assert_int_equal(cfg.mtu, 1480);
}

static void test_masq_bad(void **state)
{
	static const char *bad[] = {
		"{\"version\": 1, \"iface\": \"eth0\"," POD
		" \"binding\": {\"kind\": \"masquerade\", \"bridge\": \"k6t-eth0\", \"bridge_addr\": \"10.0.2.1\","
		"  \"guest_mac\": \"02:42:0a:00:02:02\", \"mtu\": 1480}}",
		"{\"version\": 1, \"iface\": \"eth0\"," POD
		" \"binding\": {\"kind\": \"masquerade\", \"bridge\": \"k6t-eth0\", \"bridge_addr\": \"10.0.2.1\","
		"  \"guest_mac\": \"02:42:0a:00:02:02\", \"mtu\": 1480, \"masq\": {\"ipv4\": {\"guest\": \"10.0.2.2\","
		"   \"gateway\": \"10.0.3.1\", \"prefix\": 24}}}}",
		"{\"version\": 1, \"iface\": \"eth0\"," POD
		" \"binding\": {\"kind\": \"masquerade\", \"bridge\": \"k6t-eth0\", \"bridge_addr\": \"10.0.2.1\","
		"  \"guest_mac\": \"02:42:0a:00:02:02\", \"mtu\": 1480, \"masq\": {\"ipv4\": {\"guest\": \"x\","
		"   \"gateway\": \"10.0.2.1\", \"prefix\": 24}}}}",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct dhcp_config cfg = { 0 };
		struct err why;

		assert_int_equal(dhcp_config_from_json(&cfg, bad[i], strlen(bad[i]), &why),
				 -EINVAL);
		assert_string_equal(why.msg, "bad binding.masq");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masq_lease),
		cmocka_unit_test(test_masq_bad),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
