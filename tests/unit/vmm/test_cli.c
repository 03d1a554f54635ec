// SPDX-License-Identifier: MIT
/* podvmm's command line and --net specs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmd/podvmm/cli.h"
#include "common/util.h"
#include "vmm/virtio/net/net.h"

static int parse(struct podvmm_opts *o, struct err *e, ...)
{
	char *argv[32] = { "podvmm" };
	int argc = 1;
	va_list ap;

	va_start(ap, e);
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	*e = (struct err){ 0 };
	return cli_parse(argc, argv, o, e);
}

/* The message names the flag first: "FLAG: what is wrong". */
static void assert_names_flag(const struct err *e, const char *flag)
{
	size_t n = strlen(flag);

	if (strncmp(e->msg, flag, n) || strncmp(e->msg + n, ": ", 2) || !e->msg[n + 2])
		print_error("message '%s' does not name %s\n", e->msg, flag);
	assert_int_equal(e->code, EINVAL);
	assert_memory_equal(e->msg, flag, n);
	assert_memory_equal(e->msg + n, ": ", 2);
	assert_true(e->msg[n + 2]);
}

/* The --net message names the bad key: invalid or missing "KEY" in the spec. */
static void assert_names_key(const struct err *e, const char *key)
{
	char want[64];

	snprintf(want, sizeof(want), "invalid or missing \"%s\" in the spec", key);
	if (strcmp(e->msg, want))
		print_error("message '%s', expected '%s'\n", e->msg, want);
	assert_int_equal(e->code, EINVAL);
	assert_string_equal(e->msg, want);
}

static void defaults(void **state)
{
	struct podvmm_opts o;
	struct err flag;

	assert_int_equal(parse(&o, &flag, "--kernel", "k", NULL), 0);
	assert_string_equal(o.kernel, "k");
	assert_int_equal(o.memory_mib, 256);
	assert_int_equal(o.cpus, 1);
	assert_int_equal(o.cpu_template, CPU_TEMPLATE_HOST);
	assert_int_equal(o.console, CONSOLE_STDIO);
	assert_int_equal(o.shutdown_timeout, 25);
	assert_int_equal(o.shutdown, SHUTDOWN_BOTH);
	assert_int_equal(o.boot, BOOT_LINUX64);
	assert_int_equal(o.nr_nets, 0);
	assert_null(o.initrd);
}

static void all_flags(void **state)
{
	struct podvmm_opts o;
	struct err flag;

	assert_int_equal(parse(&o, &flag, "--kernel", "k", "--initrd", "i", "--cmdline",
			       "console=ttyS0", "--memory", "1024", "--cpus", "2", "--net",
			       "fd=3:4,mac=52:54:00:12:34:56", "--net",
			       "tap=tap0,mac=02:00:00:00:00:01", "--cpu-template", "baseline",
			       "--console", "file:/tmp/x", "--shutdown-timeout", "5", "--hugepages",
			       "--boot", "pvh", "--shutdown", "acpi", NULL),
			 0);
	assert_string_equal(o.initrd, "i");
	assert_string_equal(o.cmdline, "console=ttyS0");
	assert_int_equal(o.memory_mib, 1024);
	assert_int_equal(o.cpus, 2);
	assert_int_equal(o.nr_nets, 2);
	assert_int_equal(o.nets[0].queues, 2);
	assert_string_equal(o.nets[1].tap, "tap0");
	assert_int_equal(o.cpu_template, CPU_TEMPLATE_BASELINE);
	assert_int_equal(o.console, CONSOLE_FILE);
	assert_string_equal(o.console_path, "/tmp/x");
	assert_int_equal(o.shutdown_timeout, 5);
	assert_int_equal(o.shutdown, SHUTDOWN_ACPI);
	assert_true(o.hugepages);
	assert_int_equal(o.boot, BOOT_PVH);
	assert_false(o.has_user);
	assert_int_equal(parse(&o, &flag, "--kernel", "k", "--shutdown", "ctrl-alt-del", NULL), 0);
	assert_int_equal(o.shutdown, SHUTDOWN_CAD);
	assert_int_equal(parse(&o, &flag, "--kernel", "k", "--shutdown", "both", NULL), 0);
	assert_int_equal(o.shutdown, SHUTDOWN_BOTH);
}

static void user_flag(void **state)
{
	struct podvmm_opts o;
	struct err flag;

	assert_int_equal(parse(&o, &flag, "--kernel", "k", "--user", "107:108", NULL), 0);
	assert_true(o.has_user);
	assert_int_equal(o.uid, 107);
	assert_int_equal(o.gid, 108);
	/* No GID: the UID's number, never root's group. */
	assert_int_equal(parse(&o, &flag, "--kernel", "k", "--user", "4294967294", NULL), 0);
	assert_int_equal(o.uid, 4294967294u);
	assert_int_equal(o.gid, 4294967294u);
}

#define BAD(expect, ...)                                                        \
	do {                                                                    \
		assert_int_equal(parse(&o, &flag, __VA_ARGS__, NULL), -EINVAL); \
		assert_names_flag(&flag, expect);                               \
	} while (0)

static void bad_flags(void **state)
{
	struct podvmm_opts o;
	struct err flag;

	BAD("--kernel", "--cpus", "1");
	BAD("--memory", "--kernel", "k", "--memory", "12");
	BAD("--memory", "--kernel", "k", "--memory", "256M");
	BAD("--memory", "--kernel", "k", "--memory", "-1");
	BAD("--cpus", "--kernel", "k", "--cpus", "0");
	BAD("--cpus", "--kernel", "k", "--cpus", "65");
	BAD("--cpu-template", "--kernel", "k", "--cpu-template", "fast");
	BAD("--console", "--kernel", "k", "--console", "file:");
	BAD("--console", "--kernel", "k", "--console", "tty");
	BAD("--shutdown-timeout", "--kernel", "k", "--shutdown-timeout", "soon");
	BAD("--shutdown", "--kernel", "k", "--shutdown", "halt");
	BAD("--shutdown", "--kernel", "k", "--shutdown", "ACPI");
	BAD("--net", "--kernel", "k", "--net", "fd=3");
	BAD("--boot", "--kernel", "k", "--boot", "efi");
	BAD("--frobnicate", "--kernel", "k", "--frobnicate");
	BAD("--kernel", "--kernel");
	BAD("extra", "--kernel", "k", "extra");
	BAD("--memory", "--kernel", "k", "--memory", "255", "--hugepages");
	BAD("--user", "--kernel", "k", "--user", "0");
	BAD("--user", "--kernel", "k", "--user", "100:0");
	BAD("--user", "--kernel", "k", "--user", "nobody");
	BAD("--user", "--kernel", "k", "--user", "100:");
	BAD("--user", "--kernel", "k", "--user", "4294967295");
	BAD("--user", "--kernel", "k", "--user", "-1");
}

static void net_specs(void **state)
{
	struct net_spec s;
	struct err bad;

	assert_int_equal(net_spec_parse("fd=3,mac=52:54:00:ab:CD:ef", &s, &bad), 0);
	assert_int_equal(s.nr_fds, 1);
	assert_int_equal(s.fds[0], 3);
	assert_int_equal(s.fds[1], -1);
	assert_int_equal(s.queues, 1);
	assert_int_equal(s.mac[4], 0xcd);
	assert_int_equal(s.vhost, NET_VHOST_AUTO);
	assert_int_equal(s.mtu, 0);
	assert_int_equal(
		net_spec_parse("tap=pod0,mac=02:00:00:00:00:01,mtu=9000,vhost=off,queues=4", &s,
			       &bad),
		0);
	assert_string_equal(s.tap, "pod0");
	assert_int_equal(s.nr_fds, 0);
	assert_int_equal(s.mtu, 9000);
	assert_int_equal(s.vhost, NET_VHOST_OFF);
	assert_int_equal(s.queues, 4);
	assert_int_equal(net_spec_parse("fd=3:4:5:6,mac=02:00:00:00:00:01,queues=4", &s, &bad), 0);
	assert_int_equal(s.nr_fds, 4);
	assert_int_equal(s.fds[3], 6);

	static const struct {
		const char *arg, *bad;
	} cases[] = {
		{ "", "net" },
		{ "mac=02:00:00:00:00:01", "fd|tap" },
		{ "fd=3", "mac" },
		{ "fd=,mac=02:00:00:00:00:01", "fd" },
		{ "fd=3:,mac=02:00:00:00:00:01", "fd" },
		{ "fd=x,mac=02:00:00:00:00:01", "fd" },
		{ "fd=1:2:3:4:5:6:7:8:9,mac=02:00:00:00:00:01", "fd" },
		{ "tap=,mac=02:00:00:00:00:01", "tap" },
		{ "tap=averyveryverylongname,mac=02:00:00:00:00:01", "tap" },
		{ "fd=3,mac=01:00:00:00:00:01", "mac" }, /* multicast */
		{ "fd=3,mac=00:00:00:00:00:00", "mac" },
		{ "fd=3,mac=02:00:00:00:00", "mac" },
		{ "fd=3,mac=02-00-00-00-00-01", "mac" },
		{ "fd=3,mac=02:00:00:00:00:01,mtu=10", "mtu" },
		{ "fd=3,mac=02:00:00:00:00:01,mtu=70000", "mtu" },
		{ "fd=3,mac=02:00:00:00:00:01,vhost=maybe", "vhost" },
		{ "fd=3,mac=02:00:00:00:00:01,queues=0", "queues" },
		{ "fd=3,mac=02:00:00:00:00:01,queues=2", "queues" }, /* != fds */
		{ "fd=3,mac=02:00:00:00:00:01,color=red", "net" },
		{ "fd=3,mac=02:00:00:00:00:01,", "net" },
		{ "fd=3,mac", "net" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bad = (struct err){ 0 };
		print_message("%s\n", cases[i].arg);
		assert_int_equal(net_spec_parse(cases[i].arg, &s, &bad), -EINVAL);
		assert_names_key(&bad, cases[i].bad);
	}
}

/* podvmm runs as many queue pairs as podlaunch creates tap queues
 * (common/limits.h; tests/unit/netsetup/test_opts.c checks the other end):
 * NET_QUEUE_PAIRS_MAX fds or queues= are taken, one more is refused. */
static void net_queue_limit(void **state)
{
	char fds[16 * (NET_QUEUE_PAIRS_MAX + 1) + 64], spec[64];
	struct podvmm_opts o;
	struct err flag, bad;
	struct net_spec s;
	int off;

	off = snprintf(fds, sizeof(fds), "fd=3");
	for (int i = 1; i < NET_QUEUE_PAIRS_MAX; i++)
		off += snprintf(fds + off, sizeof(fds) - off, ":%d", 3 + i);
	snprintf(fds + off, sizeof(fds) - off, ",mac=02:00:00:00:00:01");
	assert_int_equal(net_spec_parse(fds, &s, &bad), 0);
	assert_int_equal(s.nr_fds, NET_QUEUE_PAIRS_MAX);
	assert_int_equal(s.queues, NET_QUEUE_PAIRS_MAX);
	assert_int_equal(parse(&o, &flag, "--kernel", "k", "--net", fds, NULL), 0);
	assert_int_equal(o.nets[0].nr_fds, NET_QUEUE_PAIRS_MAX);

	snprintf(fds + off, sizeof(fds) - off, ":%d,mac=02:00:00:00:00:01",
		 3 + NET_QUEUE_PAIRS_MAX);
	assert_int_equal(net_spec_parse(fds, &s, &bad), -EINVAL);
	assert_names_key(&bad, "fd");
	assert_int_equal(parse(&o, &flag, "--kernel", "k", "--net", fds, NULL), -EINVAL);
	assert_names_flag(&flag, "--net");

	snprintf(spec, sizeof(spec), "tap=pod0,mac=02:00:00:00:00:01,queues=%d",
		 NET_QUEUE_PAIRS_MAX);
	assert_int_equal(net_spec_parse(spec, &s, &bad), 0);
	assert_int_equal(s.queues, NET_QUEUE_PAIRS_MAX);
	snprintf(spec, sizeof(spec), "tap=pod0,mac=02:00:00:00:00:01,queues=%d",
		 NET_QUEUE_PAIRS_MAX + 1);
	assert_int_equal(net_spec_parse(spec, &s, &bad), -EINVAL);
	assert_names_key(&bad, "queues");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),  cmocka_unit_test(all_flags),
		cmocka_unit_test(user_flag), cmocka_unit_test(bad_flags),
		cmocka_unit_test(net_specs), cmocka_unit_test(net_queue_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
