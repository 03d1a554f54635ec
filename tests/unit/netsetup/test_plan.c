// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/netsetup/pod_fixture.h"

static const uint8_t nic_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static void test_default_plan(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	struct err err;

	fixture_pod(&st.pod, true);
	fixture_opts(&o);
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), 0);
	assert_string_equal(st.binding.bridge, "k6t-eth0");
	assert_string_equal(st.binding.nic, "eth0-nic");
	assert_string_equal(st.binding.placeholder, "eth0");
	assert_string_equal(st.binding.tap, "tap0");
	assert_string_equal(st.binding.bridge_addr, "169.254.75.10");
	assert_memory_equal(st.binding.guest_mac, st.pod.mac, 6);
	assert_memory_equal(st.binding.nic_mac, nic_mac, 6);
	assert_int_equal(st.binding.mtu, 1450); /* the pod's */
	assert_int_equal(st.binding.queues, 1);
	assert_false(st.binding.l2_only);
	assert_false(st.binding.has_owner);
}

static void test_options_win(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	struct err err;

	fixture_pod(&st.pod, true);
	fixture_opts(&o);
	o.mtu = 9000;
	o.queues = 4;
	o.tap_name = "vmtap";
	o.bridge_addr = "169.254.1.1";
	o.has_owner = true;
	o.tap_uid = 107;
	o.tap_gid = 108;
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), 0);
	assert_int_equal(st.binding.mtu, 9000);
	assert_int_equal(st.binding.queues, 4);
	assert_string_equal(st.binding.tap, "vmtap");
	assert_string_equal(st.binding.bridge_addr, "169.254.1.1");
	assert_true(st.binding.has_owner);
	assert_int_equal(st.binding.tap_uid, 107);
	assert_int_equal(st.binding.tap_gid, 108);
}

static void test_l2_only_without_ipv4(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	struct err err;

	/* IPv6 only: a global address is served over DHCPv6, so not L2-only. */
	fixture_pod(&st.pod, false);
	fixture_opts(&o);
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), 0);
	assert_false(st.binding.l2_only);
	/* Only a link-local IPv6 address: nothing to serve. */
	strcpy(st.pod.addrs[0].addr, "fe80::1");
	st.pod.addrs[0].scope = RT_SCOPE_LINK;
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), 0);
	assert_true(st.binding.l2_only);
}

static void test_long_names_rejected(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	struct err err;

	fixture_pod(&st.pod, true);
	fixture_opts(&o);
	strcpy(st.pod.iface, "abcdefghijk"); /* 11: k6t-abcdefghijk fits */
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), 0);
	assert_string_equal(st.binding.bridge, "k6t-abcdefghijk");
	strcpy(st.pod.iface, "abcdefghijkl"); /* 12: does not */
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "too long"));
}

static void test_clashes_rejected(void **state)
{
	struct ns_state st = { 0 };
	struct ns_opts o;
	struct err err;

	fixture_pod(&st.pod, true);
	fixture_opts(&o);
	o.tap_name = "eth0";
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), -EINVAL);
	o.tap_name = "k6t-eth0";
	assert_int_equal(ns_plan_build(&st, &o, nic_mac, &err), -EINVAL);
	o.tap_name = "tap0";
	assert_int_equal(ns_plan_build(&st, &o, st.pod.mac, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_plan),
		cmocka_unit_test(test_options_win),
		cmocka_unit_test(test_l2_only_without_ipv4),
		cmocka_unit_test(test_long_names_rejected),
		cmocka_unit_test(test_clashes_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
