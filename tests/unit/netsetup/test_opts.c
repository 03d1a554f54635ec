// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "netsetup/netsetup.h"

#define ARGS(...) ((char *[]){ __VA_ARGS__, NULL })

static int parse(enum ns_cmd cmd, char **argv, int argc, struct ns_opts *o, char *err)
{
	struct err e = { 0 };
	int ret = ns_opts_parse(cmd, argc, argv, o, &e);

	snprintf(err, sizeof(e.msg), "%s", e.msg);
	return ret;
}

static void test_defaults(void **state)
{
	char **a = ARGS("setup");
	struct ns_opts o;
	char err[sizeof(((struct err *)0)->msg)];

	assert_int_equal(parse(NS_CMD_SETUP, a, 1, &o, err), 0);
	assert_string_equal(o.iface, "eth0");
	assert_string_equal(o.state_dir, "/var/run/podlaunch");
	assert_string_equal(o.tap_name, "tap0");
	assert_string_equal(o.resolv_conf, "/etc/resolv.conf");
	assert_string_equal(o.bridge_addr, "169.254.75.10");
	assert_int_equal(o.queues, 1);
	assert_int_equal(o.mtu, 0);
	assert_false(o.has_owner);
}

static void test_setup_flags(void **state)
{
	char **a = ARGS("setup", "--iface", "net1", "--state-dir=/run/x", "--tap-name", "t1",
			"--queues", "4", "--tap-owner", "107:108", "--mtu", "9000", "--resolv-conf",
			"/r", "--bridge-addr", "169.254.1.1");
	struct ns_opts o;
	char err[sizeof(((struct err *)0)->msg)];

	assert_int_equal(parse(NS_CMD_SETUP, a, 16, &o, err), 0);
	assert_string_equal(o.iface, "net1");
	assert_string_equal(o.state_dir, "/run/x");
	assert_string_equal(o.tap_name, "t1");
	assert_int_equal(o.queues, 4);
	assert_true(o.has_owner);
	assert_int_equal(o.tap_uid, 107);
	assert_int_equal(o.tap_gid, 108);
	assert_int_equal(o.mtu, 9000);
	assert_string_equal(o.resolv_conf, "/r");
	assert_string_equal(o.bridge_addr, "169.254.1.1");
}

static void test_bad_flags_named(void **state)
{
	static const struct {
		enum ns_cmd cmd;
		const char *flag, *val, *named;
	} bad[] = {
		{ NS_CMD_SETUP, "--queues", "0", "--queues" },
		{ NS_CMD_SETUP, "--queues", "17", "--queues" },
		{ NS_CMD_SETUP, "--queues", "2x", "--queues" },
		{ NS_CMD_SETUP, "--mtu", "67", "--mtu" },
		{ NS_CMD_SETUP, "--mtu", "-1", "--mtu" },
		{ NS_CMD_SETUP, "--tap-owner", "bob", "--tap-owner" },
		{ NS_CMD_SETUP, "--tap-owner", "1:", "--tap-owner" },
		{ NS_CMD_SETUP, "--tap-owner", "4294967295", "--tap-owner" },
		{ NS_CMD_SETUP, "--vmm-user", "100", "--vmm-user" }, /* run only */
		{ NS_CMD_RUN, "--vmm-user", "0", "--vmm-user" },
		{ NS_CMD_RUN, "--vmm-user", "100:0", "--vmm-user" },
		{ NS_CMD_RUN, "--vmm-user", "qemu", "--vmm-user" },
		{ NS_CMD_RUN, "--vhost", "yes", "--vhost" },
		{ NS_CMD_SETUP, "--vhost", "on", "--vhost" }, /* run only */
		{ NS_CMD_RUN, "--vmm-user", ":100", "--vmm-user" },
		{ NS_CMD_SETUP, "--iface", "0123456789abcdef", "--iface" },
		{ NS_CMD_SETUP, "--iface", "a/b", "--iface" },
		{ NS_CMD_SETUP, "--bridge-addr", "fe80::1", "--bridge-addr" },
		{ NS_CMD_SETUP, "--bogus", "1", "--bogus" },
		{ NS_CMD_DISCOVER, "--queues", "2", "--queues" }, /* not a discover flag */
		{ NS_CMD_TEARDOWN, "--vmm", "/x", "--vmm" },
		{ NS_CMD_RUN, "--dhcp-option", "0:00", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "255:00", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "42:abc", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "42:zz", "--dhcp-option" },
		{ NS_CMD_RUN, "--lease-time", "0", "--lease-time" },
		{ NS_CMD_RUN, "--lease-time", "soon", "--lease-time" },
		/* run refuses what the DHCP child would: it places 52 and 53 itself,
		 * and a lease under 10 s is refused there. */
		{ NS_CMD_RUN, "--dhcp-option", "52:01", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "53:01", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "54:0a000001", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "61:0102", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "1:ffff00ff", "--dhcp-option" },
		{ NS_CMD_RUN, "--dhcp-option", "58:ffffffff", "--dhcp-option" },
		{ NS_CMD_RUN, "--lease-time", "9", "--lease-time" },
		{ NS_CMD_RUN, "--lease-time", " 60", "--lease-time" },
	};
	struct ns_opts o;
	char err[sizeof(((struct err *)0)->msg)];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *a[] = { "cmd", (char *)bad[i].flag, (char *)bad[i].val, NULL };

		assert_int_equal(parse(bad[i].cmd, a, 3, &o, err), -EINVAL);
		assert_non_null(strstr(err, bad[i].named));
	}
	/* and as a set: a code twice, 51 with --lease-time, T1 past T2 */
	char *twice[] = { "cmd",	   "--dhcp-option", "42:0a000005",
			  "--dhcp-option", "42:0a000006",   NULL };
	assert_int_equal(parse(NS_CMD_RUN, twice, 5, &o, err), -EINVAL);
	assert_non_null(strstr(err, "--dhcp-option"));
	char *lease[] = { "cmd", "--lease-time", "600", "--dhcp-option", "51:00000e10", NULL };
	assert_int_equal(parse(NS_CMD_RUN, lease, 5, &o, err), -EINVAL);
	char *order[] = { "cmd", "--dhcp-option", "58:00000210", "--lease-time", "600", "--", "x",
			  NULL };
	assert_int_equal(parse(NS_CMD_RUN, order, 7, &o, err), -EINVAL);
	char *fine[] = { "cmd", "--dhcp-option", "58:00000100", "--lease-time",
			 "600", "--dhcp-option", "42:0a000005", NULL };
	assert_int_equal(parse(NS_CMD_RUN, fine, 7, &o, err), 0);
	assert_int_equal(o.n_dhcp_args, 6);
}

/* podlaunch takes as many tap queues as podvmm's --net takes fds
 * (common/limits.h; tests/unit/vmm/test_cli.c checks the other end). */
static void test_queues_limit(void **state)
{
	char max[12], over[12], err[sizeof(((struct err *)0)->msg)];
	struct ns_opts o;

	snprintf(max, sizeof(max), "%d", NET_QUEUE_PAIRS_MAX);
	snprintf(over, sizeof(over), "%d", NET_QUEUE_PAIRS_MAX + 1);
	assert_string_equal(max, NET_QUEUE_PAIRS_MAX_STR);
	assert_int_equal(parse(NS_CMD_SETUP, ARGS("setup", "--queues", max), 3, &o, err), 0);
	assert_int_equal(o.queues, NET_QUEUE_PAIRS_MAX);
	assert_int_equal(parse(NS_CMD_SETUP, ARGS("setup", "--queues", over), 3, &o, err), -EINVAL);
	assert_non_null(strstr(err, "--queues"));
	assert_non_null(strstr(err, NET_QUEUE_PAIRS_MAX_STR));
}

static void test_missing_value_and_stray_args(void **state)
{
	struct ns_opts o;
	char err[sizeof(((struct err *)0)->msg)];

	assert_int_equal(parse(NS_CMD_SETUP, ARGS("setup", "--iface"), 2, &o, err), -EINVAL);
	assert_non_null(strstr(err, "--iface"));
	assert_int_equal(parse(NS_CMD_SETUP, ARGS("setup", "eth0"), 2, &o, err), -EINVAL);
	assert_non_null(strstr(err, "eth0"));
	assert_int_equal(parse(NS_CMD_SETUP, ARGS("setup", "--help=1"), 2, &o, err), -EINVAL);
	assert_int_equal(parse(NS_CMD_SETUP, ARGS("setup", "--", "x"), 3, &o, err), -EINVAL);
	assert_int_equal(parse(NS_CMD_SETUP, ARGS("setup", "--help"), 2, &o, err), 0);
	assert_true(o.help);
}

static void test_run_passthrough(void **state)
{
	/* ':' between hex octets, as `podlaunch dhcp` accepts. */
	char **a = ARGS("run", "--no-dhcp", "--vmm", "/bin/vmm", "--dhcp-option", "42:0a:00:00:01",
			"--lease-time", "3600", "--dhcp-foo=bar", "--dhcp-flag", "--dhcp-x", "y",
			"--", "--kernel", "bzImage", "--");
	struct ns_opts o;
	char err[sizeof(((struct err *)0)->msg)];

	assert_int_equal(parse(NS_CMD_RUN, a, 16, &o, err), 0);
	assert_true(o.no_dhcp);
	assert_null(o.vhost);
	assert_string_equal(o.vmm, "/bin/vmm");
	assert_int_equal(o.n_dhcp_args, 8);
	assert_string_equal(o.dhcp_args[0], "--dhcp-option");
	assert_string_equal(o.dhcp_args[1], "42:0a:00:00:01");
	assert_string_equal(o.dhcp_args[2], "--lease-time");
	assert_string_equal(o.dhcp_args[3], "3600");
	assert_string_equal(o.dhcp_args[4], "--dhcp-foo=bar");
	assert_string_equal(o.dhcp_args[5], "--dhcp-flag");
	assert_string_equal(o.dhcp_args[6], "--dhcp-x");
	assert_string_equal(o.dhcp_args[7], "y");
	assert_int_equal(o.vmm_argc, 3);
	assert_string_equal(o.vmm_argv[0], "--kernel");
	assert_string_equal(o.vmm_argv[2], "--");
	assert_int_equal(parse(NS_CMD_RUN, ARGS("run", "--lease-time", "infinite"), 3, &o, err), 0);
	assert_false(o.has_vmm_user);
	assert_int_equal(parse(NS_CMD_RUN, ARGS("run", "--vmm-user", "107"), 3, &o, err), 0);
	assert_true(o.has_vmm_user);
	assert_int_equal(o.vmm_uid, 107);
	assert_int_equal(o.vmm_gid, 107);
	assert_int_equal(parse(NS_CMD_RUN, ARGS("run", "--vmm-user=107:36"), 2, &o, err), 0);
	assert_int_equal(o.vmm_gid, 36);
	assert_int_equal(parse(NS_CMD_RUN, ARGS("run", "--vhost", "off"), 3, &o, err), 0);
	assert_string_equal(o.vhost, "off");
	/* One family off: passed to the DHCP server, which still starts. */
	assert_int_equal(parse(NS_CMD_RUN, ARGS("run", "--no-dhcp6", "--no-dhcp4"), 3, &o, err), 0);
	assert_false(o.no_dhcp);
	assert_int_equal(o.n_dhcp_args, 2);
	assert_string_equal(o.dhcp_args[0], "--no-dhcp6");
	assert_string_equal(o.dhcp_args[1], "--no-dhcp4");
	assert_int_not_equal(parse(NS_CMD_SETUP, ARGS("setup", "--no-dhcp6"), 2, &o, err), 0);
	/* Past the DHCP flag limit they say so, as --dhcp-option does. */
	char *many[NS_MAX_DHCP_ARGS + 2] = { "run" };

	for (int i = 1; i < NS_MAX_DHCP_ARGS + 2; i++)
		many[i] = "--no-dhcp4";
	assert_int_equal(parse(NS_CMD_RUN, many, NS_MAX_DHCP_ARGS + 2, &o, err), -E2BIG);
	assert_string_equal(err, "--no-dhcp4: too many DHCP flags");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_setup_flags),
		cmocka_unit_test(test_bad_flags_named),
		cmocka_unit_test(test_queues_limit),
		cmocka_unit_test(test_missing_value_and_stray_args),
		cmocka_unit_test(test_run_passthrough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
