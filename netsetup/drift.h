/* SPDX-License-Identifier: MIT */
#ifndef NETSETUP_DRIFT_H
#define NETSETUP_DRIFT_H

/*
 * Drift of a finished binding: what a cached "done" binding's links look
 * like now against what the cache says they must be, and the repairs that
 * bring them back.  ns_drift_plan is pure (unit-tested); ns_binding_repair
 * observes the namespace, applies the plan, logs each repair and checks
 * the result.  Internal to netsetup.
 */

#include "netsetup/netsetup.h"
#include "netsetup/nl.h"

enum ns_role { NS_ROLE_BRIDGE, NS_ROLE_NIC, NS_ROLE_TAP, NS_ROLE_PLACEHOLDER, NS_N_ROLES };

/* What the namespace holds now; link[] by role, every one present. */
struct ns_observed {
	struct nsnl_link link[NS_N_ROLES];
	bool bridge_addr;		   /* the bridge's /32 is on it */
	uint32_t arp_ignore, accept_local; /* the bridge's IPv4 devconf */
	bool placeholder_ipv4;		   /* every cached IPv4 address is on the placeholder */
};

enum ns_fix {
	NS_FIX_MAC,    /* value: unused; the nic gets binding.nic_mac */
	NS_FIX_MTU,    /* value: the MTU */
	NS_FIX_MASTER, /* value: the bridge's ifindex (then learning off for the nic) */
	NS_FIX_UP,
	NS_FIX_DOWN,
	NS_FIX_BRIDGE_ADDR,
	NS_FIX_BRIDGE_CONF,
};

struct ns_repair {
	enum ns_role role;
	enum ns_fix fix;
	int value;
};

#define NS_MAX_REPAIRS 16

/*
 * The repairs that make o match st's binding, in the order they must run
 * (bridge first, so ports find it up with its MTU).  Returns their number
 * (0: healthy), or -ESTALE when the drift is not repairable in place (a
 * link of the wrong kind, the placeholder without the pod IP): the caller
 * rolls the binding back and sets it up again from the cache.
 */
int ns_drift_plan(const struct ns_state *st, const struct ns_observed *o, struct ns_repair *out,
		  int max);
const char *ns_role_name(const struct ns_state *st, enum ns_role role);
const char *ns_fix_name(enum ns_fix fix);

/*
 * Check the live binding against the cache and repair what drifted, each
 * repair logged.  Returns the number of repairs (0: healthy, nothing
 * touched); -ESTALE when it must be undone and redone; another negative
 * errno on a netlink failure.
 */
int ns_binding_repair(const struct ns_state *st);

#endif
