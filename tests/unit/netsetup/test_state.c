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
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
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
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_object_get(json_object_get(j, "pod"), "dns"), "search"), 0)),
		"default.svc.cluster.local");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
		json_object_get(j, "pod"), "ipv6"), 0), "scope")), "global");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(j, "binding"), "bridge")), "k6t-eth0");
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
	json_object_set_new(j, "version", json_integer(2));
	assert_int_equal(ns_state_from_json(j, &b, &msg), -EPROTO);
	json_object_set_new(j, "version", json_integer(1));
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

static void test_file_round_trip(void **state)
{
	char dir[] = "/tmp/ns-unit-XXXXXX", path[256];
	struct ns_state a, b;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/eth0.json", dir);
	make_state(&a);
	assert_int_equal(ns_cache_read(path, &b), -ENOENT);
	assert_int_equal(ns_cache_write(path, &a), 0);
	assert_int_equal(ns_cache_read(path, &b), 0);
	assert_memory_equal(&a.pod, &b.pod, sizeof(a.pod));
	f = fopen(path, "w");
	fputs("{\"version\": 1, \"phase\": ", f);
	fclose(f);
	assert_int_equal(ns_cache_read(path, &b), -EINVAL);
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
		cmocka_unit_test(test_file_round_trip),
	};

	log_set_level(LOG_LVL_ERROR + 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
