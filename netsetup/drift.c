// SPDX-License-Identifier: MIT
/* Which repairs bring a drifted binding back to what the cache says (pure). */
#include <errno.h>
#include <string.h>

#include "common/util.h"
#include "netsetup/drift.h"

const char *ns_role_name(const struct ns_state *st, enum ns_role role)
{
	switch (role) {
	case NS_ROLE_BRIDGE:
		return st->binding.bridge;
	case NS_ROLE_NIC:
		return st->binding.nic;
	case NS_ROLE_TAP:
		return st->binding.tap;
	case NS_ROLE_PLACEHOLDER:
		return st->binding.placeholder;
	default:
		return "?";
	}
}

const char *ns_fix_name(enum ns_fix fix)
{
	static const char *const names[] = {
		[NS_FIX_MAC] = "mac",
		[NS_FIX_MTU] = "mtu",
		[NS_FIX_MASTER] = "master",
		[NS_FIX_UP] = "up",
		[NS_FIX_DOWN] = "down",
		[NS_FIX_BRIDGE_ADDR] = "bridge_addr",
		[NS_FIX_BRIDGE_CONF] = "bridge_conf",
	};

	return fix < ARRAY_SIZE(names) && names[fix] ? names[fix] : "?";
}

static int add(struct ns_repair *out, int max, int *n, enum ns_role role, enum ns_fix fix,
	       int value)
{
	if (*n >= max)
		return -E2BIG;
	out[(*n)++] = (struct ns_repair){ .role = role, .fix = fix, .value = value };
	return 0;
}

int ns_drift_plan(const struct ns_state *st, const struct ns_observed *o, struct ns_repair *out,
		  int max)
{
	const struct ns_binding *b = &st->binding;
	const struct nsnl_link *br = &o->link[NS_ROLE_BRIDGE], *nic = &o->link[NS_ROLE_NIC];
	const struct nsnl_link *tap = &o->link[NS_ROLE_TAP], *ph = &o->link[NS_ROLE_PLACEHOLDER];
	int n = 0, ret = 0;

	/*
	 * Only what the binding made can be fixed in place; a link of another
	 * kind under one of its names, or a pod IP gone from the placeholder,
	 * needs the full undo and redo, which restores from the cache.
	 */
	if (strcmp(br->kind, "bridge") || strcmp(tap->kind, "tun") ||
	    nic->ifindex != st->pod.ifindex || !o->placeholder_ipv4)
		return -ESTALE;

	if (br->mtu != b->mtu)
		ret = ret ?: add(out, max, &n, NS_ROLE_BRIDGE, NS_FIX_MTU, b->mtu);
	if (!o->bridge_addr && b->bridge_addr[0])
		ret = ret ?: add(out, max, &n, NS_ROLE_BRIDGE, NS_FIX_BRIDGE_ADDR, 0);
	if (o->arp_ignore != 1 || o->accept_local != 1)
		ret = ret ?: add(out, max, &n, NS_ROLE_BRIDGE, NS_FIX_BRIDGE_CONF, 0);
	if (!br->up)
		ret = ret ?: add(out, max, &n, NS_ROLE_BRIDGE, NS_FIX_UP, 0);

	if (memcmp(nic->mac, b->nic_mac, 6))
		ret = ret ?: add(out, max, &n, NS_ROLE_NIC, NS_FIX_MAC, 0);
	if (nic->mtu != b->mtu)
		ret = ret ?: add(out, max, &n, NS_ROLE_NIC, NS_FIX_MTU, b->mtu);
	if (nic->master != br->ifindex)
		ret = ret ?: add(out, max, &n, NS_ROLE_NIC, NS_FIX_MASTER, br->ifindex);
	if (!nic->up)
		ret = ret ?: add(out, max, &n, NS_ROLE_NIC, NS_FIX_UP, 0);

	if (tap->mtu != b->mtu)
		ret = ret ?: add(out, max, &n, NS_ROLE_TAP, NS_FIX_MTU, b->mtu);
	if (tap->master != br->ifindex)
		ret = ret ?: add(out, max, &n, NS_ROLE_TAP, NS_FIX_MASTER, br->ifindex);
	if (!tap->up)
		ret = ret ?: add(out, max, &n, NS_ROLE_TAP, NS_FIX_UP, 0);

	/* The placeholder only holds the pod's identity: down, never a port. */
	if (ph->master)
		ret = ret ?: add(out, max, &n, NS_ROLE_PLACEHOLDER, NS_FIX_MASTER, 0);
	if (ph->mtu != st->pod.mtu)
		ret = ret ?: add(out, max, &n, NS_ROLE_PLACEHOLDER, NS_FIX_MTU, st->pod.mtu);
	if (ph->up)
		ret = ret ?: add(out, max, &n, NS_ROLE_PLACEHOLDER, NS_FIX_DOWN, 0);
	return ret ?: n;
}
