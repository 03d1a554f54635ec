// SPDX-License-Identifier: MIT
/* ns_drift_plan: which repairs bring a drifted "done" binding back. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "netsetup/drift.h"
#include "tests/unit/netsetup/pod_fixture.h"

static const uint8_t nic_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static void link_set(struct nsnl_link *l, int idx, const char *name, const char *kind, int mtu,
		     bool up, int master)
{
	memset(l, 0, sizeof(*l));
	l->ifindex = idx;
	strcpy(l->name, name);
	strcpy(l->kind, kind);
	l->mtu = mtu;
	l->up = up;
	l->master = master;
}

/* A bound pod and the namespace exactly as setup left it. */
static void healthy(struct ns_state *st, struct ns_observed *o)
{
	struct ns_opts opts;
	struct err err;

	memset(st, 0, sizeof(*st));
	fixture_pod(&st->pod, true);
	fixture_opts(&opts);
	assert_int_equal(ns_plan_build(st, &opts, nic_mac, &err), 0);
	memset(o, 0, sizeof(*o));
	link_set(&o->link[NS_ROLE_BRIDGE], 10, "k6t-eth0", "bridge", 1450, true, 0);
	link_set(&o->link[NS_ROLE_NIC], 2, "eth0-nic", "veth", 1450, true, 10);
	memcpy(o->link[NS_ROLE_NIC].mac, nic_mac, 6);
	link_set(&o->link[NS_ROLE_TAP], 11, "tap0", "tun", 1450, true, 10);
	link_set(&o->link[NS_ROLE_PLACEHOLDER], 12, "eth0", "bridge", 1450, false, 0);
	memcpy(o->link[NS_ROLE_PLACEHOLDER].mac, st->pod.mac, 6);
	o->bridge_addr = true;
	o->arp_ignore = o->accept_local = 1;
	o->placeholder_ipv4 = true;
}

static int plan(const struct ns_state *st, const struct ns_observed *o, struct ns_repair *r)
{
	return ns_drift_plan(st, o, r, NS_MAX_REPAIRS);
}

static void test_healthy_needs_nothing(void **state)
{
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	healthy(&st, &o);
	assert_int_equal(plan(&st, &o, r), 0);
}

static void test_each_link_down(void **state)
{
	const enum ns_role roles[] = { NS_ROLE_BRIDGE, NS_ROLE_NIC, NS_ROLE_TAP };
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		healthy(&st, &o);
		o.link[roles[i]].up = false;
		assert_int_equal(plan(&st, &o, r), 1);
		assert_int_equal(r[0].role, roles[i]);
		assert_int_equal(r[0].fix, NS_FIX_UP);
	}
}

static void test_placeholder_must_stay_down(void **state)
{
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	healthy(&st, &o);
	o.link[NS_ROLE_PLACEHOLDER].up = true;
	assert_int_equal(plan(&st, &o, r), 1);
	assert_int_equal(r[0].role, NS_ROLE_PLACEHOLDER);
	assert_int_equal(r[0].fix, NS_FIX_DOWN);
}

static void test_released_ports_reenslaved(void **state)
{
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	healthy(&st, &o);
	o.link[NS_ROLE_NIC].master = 0;
	o.link[NS_ROLE_TAP].master = 99; /* moved to a foreign bridge */
	assert_int_equal(plan(&st, &o, r), 2);
	assert_int_equal(r[0].role, NS_ROLE_NIC);
	assert_int_equal(r[0].fix, NS_FIX_MASTER);
	assert_int_equal(r[0].value, 10);
	assert_int_equal(r[1].role, NS_ROLE_TAP);
	assert_int_equal(r[1].fix, NS_FIX_MASTER);
	assert_int_equal(r[1].value, 10);
}

static void test_mtu_reset_bridge_first(void **state)
{
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	healthy(&st, &o);
	o.link[NS_ROLE_NIC].mtu = 1500;
	o.link[NS_ROLE_BRIDGE].mtu = 1500;
	o.link[NS_ROLE_PLACEHOLDER].mtu = 1500;
	assert_int_equal(plan(&st, &o, r), 3);
	assert_int_equal(r[0].role, NS_ROLE_BRIDGE);
	assert_int_equal(r[1].role, NS_ROLE_NIC);
	assert_int_equal(r[2].role, NS_ROLE_PLACEHOLDER);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r[i].fix, NS_FIX_MTU);
		assert_int_equal(r[i].value, 1450);
	}
}

static void test_bridge_addr_and_conf(void **state)
{
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	healthy(&st, &o);
	o.bridge_addr = false;
	o.accept_local = 0;
	o.link[NS_ROLE_NIC].mac[5] ^= 1;
	assert_int_equal(plan(&st, &o, r), 3);
	assert_int_equal(r[0].fix, NS_FIX_BRIDGE_ADDR);
	assert_int_equal(r[1].fix, NS_FIX_BRIDGE_CONF);
	assert_int_equal(r[2].role, NS_ROLE_NIC);
	assert_int_equal(r[2].fix, NS_FIX_MAC);
}

static void test_unrepairable_goes_to_redo(void **state)
{
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	healthy(&st, &o);
	o.placeholder_ipv4 = false; /* the pod IP is gone from the placeholder */
	assert_int_equal(plan(&st, &o, r), -ESTALE);
	healthy(&st, &o);
	strcpy(o.link[NS_ROLE_TAP].kind, "veth"); /* not a tap under the tap's name */
	assert_int_equal(plan(&st, &o, r), -ESTALE);
	healthy(&st, &o);
	strcpy(o.link[NS_ROLE_BRIDGE].kind, "dummy");
	assert_int_equal(plan(&st, &o, r), -ESTALE);
}

static void test_everything_drifted_fits(void **state)
{
	struct ns_repair r[NS_MAX_REPAIRS];
	struct ns_observed o;
	struct ns_state st;

	healthy(&st, &o);
	for (int i = 0; i < NS_N_ROLES; i++) {
		o.link[i].mtu = 9000;
		o.link[i].up = i == NS_ROLE_PLACEHOLDER;
		o.link[i].master = i == NS_ROLE_PLACEHOLDER ? 10 : 0;
	}
	o.link[NS_ROLE_NIC].mac[0] = 0;
	o.bridge_addr = false;
	o.arp_ignore = 0;
	assert_int_equal(plan(&st, &o, r), 14);
	assert_int_equal(ns_drift_plan(&st, &o, r, 13), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy_needs_nothing),
		cmocka_unit_test(test_each_link_down),
		cmocka_unit_test(test_placeholder_must_stay_down),
		cmocka_unit_test(test_released_ports_reenslaved),
		cmocka_unit_test(test_mtu_reset_bridge_first),
		cmocka_unit_test(test_bridge_addr_and_conf),
		cmocka_unit_test(test_unrepairable_goes_to_redo),
		cmocka_unit_test(test_everything_drifted_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
