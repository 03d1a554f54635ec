// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "tests/unit/netsetup/pod_fixture.h"

static void make_state(struct ns_state *st)
{
	struct ns_opts o;
	const uint8_t mac[6] = { 0x06, 1, 2, 3, 4, 5 };
	struct err err;

	memset(st, 0, sizeof(*st));
	st->version = NS_CACHE_VERSION;
	st->phase = NS_PHASE_IN_PROGRESS;
	fixture_pod(&st->pod, true);
	fixture_opts(&o);
	o.has_owner = true;
	o.tap_uid = 107;
	assert_int_equal(ns_plan_build(st, &o, mac, &err), 0);
	strcpy(st->binding.placeholder_kind, "bridge");
	/* What version 2 added: lifetimes, label, metrics, pref, multipath. */
	st->pod.all_tables = true;
	st->pod.addrs[0].valid_lft = 3600;
	st->pod.addrs[0].preferred_lft = 1800;
	st->pod.addrs[0].lft_at = 12345;
	strcpy(st->pod.addrs[0].label, "eth0:svc");
	st->pod.addrs[1].proto = 3;
	st->pod.addrs[1].metric = 77;
	strcpy(st->pod.addrs[1].peer, "fd00::9");
	st->pod.addrs[1].valid_lft = st->pod.addrs[1].preferred_lft = NS_LFT_FOREVER;
	st->pod.routes[0].metrics_mask = BIT(RTAX_MTU) | BIT(RTAX_ADVMSS) | BIT(RTAX_LOCK);
	st->pod.routes[0].metrics[RTAX_MTU] = 1450;
	st->pod.routes[0].metrics[RTAX_ADVMSS] = 1410;
	st->pod.routes[0].metrics[RTAX_LOCK] = BIT(RTAX_MTU);
	strcpy(st->pod.routes[0].cc_algo, "bbr");
	st->pod.routes[0].realms = 0x10002;
	st->pod.routes[0].table = 100;
	st->pod.routes[2].pref = 1;
	strcpy(st->pod.routes[2].from, "fd00:1::");
	st->pod.routes[2].from_prefix = 48;
	st->pod.routes[1].n_nexthops = 2;
	st->pod.routes[1].nexthops[0] =
		(struct ns_nexthop){ .gateway = "10.244.1.1", .ifindex = 2, .weight = 1 };
	st->pod.routes[1].nexthops[1] = (struct ns_nexthop){
		.gateway = "fe80::9", .gw_family = AF_INET6, .ifindex = 2, .flags = 4, .weight = 3
	};
	strcpy(st->journal[0].step, "arp_ignore");
	strcpy(st->journal[0].old, "0");
	strcpy(st->journal[1].step, "pod_down");
	st->n_journal = 2;
}

static void test_round_trip(void **state)
{
	struct ns_state a, b;
	struct err msg;
	json_t *j;

	make_state(&a);
	j = ns_state_to_json(&a);
	assert_non_null(j);
	assert_int_equal(ns_state_from_json(j, &b, &msg), 0);
	json_decref(j);
	assert_memory_equal(&a.pod, &b.pod, sizeof(a.pod));
	assert_memory_equal(&a.binding, &b.binding, sizeof(a.binding));
	assert_int_equal(b.n_journal, 2);
	assert_memory_equal(a.journal, b.journal, sizeof(a.journal[0]) * 2);
	assert_int_equal(b.phase, NS_PHASE_IN_PROGRESS);
}

/* The keys the DHCP server reads (netsetup/STATE-FORMAT.md). */
static void test_contract_keys(void **state)
{
	struct ns_state a;
	json_t *j, *r0;

	make_state(&a);
	j = ns_state_to_json(&a);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "phase")), "in-progress");
	assert_string_equal(json_string_value(json_object_get(j, "iface")), "eth0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "pod"), "mac")),
			    "62:b1:b5:02:ff:79");
	r0 = json_array_get(json_object_get(json_object_get(j, "pod"), "routes"), 0);
	assert_int_equal(json_integer_value(json_object_get(r0, "family")), 4);
	assert_string_equal(json_string_value(json_object_get(r0, "dst")), "0.0.0.0");
	assert_string_equal(json_string_value(json_object_get(r0, "gateway")), "10.244.1.1");
	assert_string_equal(json_string_value(json_object_get(r0, "scope")), "universe");
	assert_string_equal(json_string_value(json_object_get(r0, "protocol")), "boot");
	assert_true(json_is_null(json_object_get(r0, "src")));
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(json_object_get(json_object_get(j, "pod"), "dns"), "search"),
			0)),
		"default.svc.cluster.local");
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(json_object_get(j, "pod"), "ipv6"), 0),
			"scope")),
		"global");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "binding"), "bridge")),
		"k6t-eth0");
	assert_false(json_is_true(json_object_get(json_object_get(j, "binding"), "l2_only")));
	json_decref(j);
}

static void test_foreign_version_and_corruption(void **state)
{
	struct ns_state a, b;
	struct err msg;
	json_t *j;

	make_state(&a);
	j = ns_state_to_json(&a);
	json_object_set_new(j, "version", json_integer(3));
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EPROTO);
	json_object_set_new(j, "version", json_integer(2));
	json_object_set_new(
		json_object_get(json_array_get(json_object_get(json_object_get(j, "pod"), "routes"),
					       0),
				"metrics"),
		"warp", json_integer(9));
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
	json_object_del(
		json_object_get(json_array_get(json_object_get(json_object_get(j, "pod"), "routes"),
					       0),
				"metrics"),
		"warp");
	json_object_del(json_array_get(json_object_get(json_object_get(j, "pod"), "ipv4"), 0),
			"valid_lft");
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
	assert_non_null(strstr(msg.msg, "valid_lft"));
	json_object_set_new(json_array_get(json_object_get(json_object_get(j, "pod"), "ipv4"), 0),
			    "valid_lft", json_integer(3600));
	json_object_set_new(json_object_get(j, "pod"), "mac", json_string("zz"));
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
	assert_non_null(strstr(msg.msg, "mac"));
	json_object_set_new(json_object_get(j, "pod"), "mac", json_string("62:b1:b5:02:ff:79"));
	json_object_set_new(j, "phase", json_string("sideways"));
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
	json_object_set_new(j, "phase", json_string("done"));
	json_object_del(j, "binding");
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
	json_decref(j);
	j = json_array();
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
	json_decref(j);
}

/* Version 2 keys by name, as STATE-FORMAT.md shows them. */
static void test_v2_keys(void **state)
{
	struct ns_state a;
	json_t *j, *pod, *r0, *r2, *a0;

	make_state(&a);
	j = ns_state_to_json(&a);
	pod = json_object_get(j, "pod");
	assert_string_equal(json_string_value(json_object_get(pod, "route_tables")), "all");
	r0 = json_array_get(json_object_get(pod, "routes"), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "metrics"), "mtu")),
			 1450);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(r0, "metrics"), "advmss")),
		1410);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(r0, "metrics"), "cc_algo")),
		"bbr");
	assert_true(json_is_null(json_object_get(r0, "pref")));
	r2 = json_array_get(json_object_get(pod, "routes"), 2);
	assert_string_equal(json_string_value(json_object_get(r2, "pref")), "high");
	assert_int_equal(json_array_size(json_object_get(
				 json_array_get(json_object_get(pod, "routes"), 1), "nexthops")),
			 2);
	/* RFC 5549: the IPv6 hop of an IPv4 route says so, the other does not. */
	{
		json_t *nhs = json_object_get(json_array_get(json_object_get(pod, "routes"), 1),
					      "nexthops");
		struct ns_state b;
		struct err msg;

		assert_int_equal(json_integer_value(
					 json_object_get(json_array_get(nhs, 1), "gateway_family")),
				 6);
		assert_null(json_object_get(json_array_get(nhs, 0), "gateway_family"));
		assert_null(json_object_get(r0, "gateway_family"));
		/* only 6, only on an IPv4 route with a gateway */
		json_object_set_new(json_array_get(nhs, 1), "gateway_family", json_integer(4));
		assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
		json_object_set_new(json_array_get(nhs, 1), "gateway_family", json_integer(6));
		json_object_set_new(r2, "gateway_family", json_integer(6));
		assert_int_equal(ns_state_from_json(j, &b, &msg), -EINVAL);
		json_object_del(r2, "gateway_family");
		assert_int_equal(ns_state_from_json(j, &b, &msg), 0);
		assert_int_equal(b.pod.routes[1].nexthops[1].gw_family, AF_INET6);
	}
	a0 = json_array_get(json_object_get(pod, "ipv4"), 0);
	assert_string_equal(json_string_value(json_object_get(a0, "label")), "eth0:svc");
	assert_int_equal(json_integer_value(json_object_get(a0, "valid_lft")), 3600);
	assert_int_equal(json_integer_value(json_object_get(a0, "lft_at")), 12345);
	json_decref(j);
}

/* A version 1 cache (an older podlaunch's) still reads, with the defaults. */
static void test_v1_reads(void **state)
{
	struct ns_state a, b;
	struct err msg;
	json_t *j, *pod;
	size_t i;
	json_t *e;

	make_state(&a);
	j = ns_state_to_json(&a);
	json_object_set_new(j, "version", json_integer(1));
	pod = json_object_get(j, "pod");
	json_object_del(pod, "route_tables");
	json_array_foreach(json_object_get(pod, "routes"), i, e) {
		json_object_del(e, "metrics");
		json_object_del(e, "nexthops");
		json_object_del(e, "pref");
		json_object_del(e, "from");
		json_object_del(e, "from_prefix");
		json_object_del(e, "realms");
	}
	json_array_foreach(json_object_get(pod, "ipv4"), i, e) {
		json_object_del(e, "valid_lft");
		json_object_del(e, "label");
	}
	assert_int_equal(ns_state_from_json(j, &b, &msg), 0);
	assert_int_equal(b.version, 1);
	assert_false(b.pod.all_tables);
	assert_int_equal(b.pod.addrs[0].valid_lft, NS_LFT_FOREVER);
	assert_int_equal(b.pod.addrs[0].preferred_lft, NS_LFT_FOREVER);
	assert_string_equal(b.pod.addrs[0].label, "");
	assert_int_equal(b.pod.routes[0].metrics_mask, 0);
	assert_int_equal(b.pod.routes[1].n_nexthops, 0);
	json_decref(j);
}

static void test_file_round_trip(void **state)
{
	char dir[] = "/tmp/ns-unit-XXXXXX", path[256];
	struct err e = { 0 };
	struct ns_state a, b;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/eth0.json", dir);
	make_state(&a);
	assert_int_equal(ns_cache_read(path, &b, NULL), -ENOENT);
	assert_int_equal(ns_cache_write(path, &a), 0);
	assert_int_equal(ns_cache_read(path, &b, NULL), 0);
	assert_memory_equal(&a.pod, &b.pod, sizeof(a.pod));
	f = fopen(path, "w");
	fputs("{\"version\": 1, \"phase\": ", f);
	fclose(f);
	assert_int_equal(ns_cache_read(path, &b, &e), -EINVAL);
	/* The caller names the file; e says what is wrong and which step. */
	assert_string_equal(e.step, "cache");
	assert_non_null(strstr(e.msg, "corrupt"));
	assert_int_equal(ns_cache_remove(path), 0);
	assert_int_equal(ns_cache_remove(path), 0);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_contract_keys),
		cmocka_unit_test(test_foreign_version_and_corruption),
		cmocka_unit_test(test_v2_keys),
		cmocka_unit_test(test_v1_reads),
		cmocka_unit_test(test_file_round_trip),
	};

	log_set_level(LOG_LVL_ERROR + 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
