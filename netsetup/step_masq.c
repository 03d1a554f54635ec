// SPDX-License-Identifier: MIT
/*
 * Steps of the masquerade binding that the bridge binding lacks (txn.c
 * runs them with bridge_create, bridge_up, tap_create and tap_attach).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/nft_table.h"
#include "netsetup/steps.h"

/*
 * On the guest's bridge, over rtnetlink (pods get /proc/sys read-only):
 *  - forwarding=1: ip_route_input_slow() forwards only if the INPUT
 *    device's own devconf says so (IN_DEV_FORWARD(in_dev), not conf.all);
 *    the guest's packets come in here;
 *  - route_localnet=1: the pod's probes to 127.0.0.1, DNAT'ed to the
 *    guest in the output hook, leave by this device with source 127.0.0.1,
 *    which __mkroute_output() refuses unless the output device allows it;
 *    the guest's answers, de-NAT'ed back to 127.0.0.1, come in here too.
 * Both go with the bridge, so the undo is bridge_create's.
 */
static const struct nsnl_devconf guest_bridge_conf[] = {
	{ IPV4_DEVCONF_FORWARDING, 1 },
	{ IPV4_DEVCONF_ROUTE_LOCALNET, 1 },
};

int step_guest_bridge_conf_act(struct step_ctx *c)
{
	int idx = steps_ifindex(c, c->st->binding.bridge);

	return idx < 0 ? idx :
			 nsnl_inet_conf_set(
				 c->sk, idx, guest_bridge_conf,
				 (int)(sizeof(guest_bridge_conf) / sizeof(guest_bridge_conf[0])));
}

int step_guest_bridge_conf_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return 0;
}

static int gw_addrs(struct step_ctx *c, struct ns_addr a[2], int *n)
{
	const struct ns_masq *m = &c->st->binding.masq;

	memset(a, 0, 2 * sizeof(a[0]));
	*n = 0;
	a[*n].family = AF_INET;
	snprintf(a[*n].addr, sizeof(a[*n].addr), "%s", m->v4.gateway);
	a[(*n)++].prefix = m->v4.prefix;
	if (m->ipv6) {
		a[*n].family = AF_INET6;
		snprintf(a[*n].addr, sizeof(a[*n].addr), "%s", m->v6.gateway);
		a[*n].prefix = m->v6.prefix;
		/* No DAD: the subnet is ours alone, and the guest's DAD would not wait for us. */
		a[(*n)++].flags = IFA_F_NODAD;
	}
	return steps_ifindex(c, c->st->binding.bridge);
}

int step_guest_bridge_addr_act(struct step_ctx *c)
{
	struct ns_addr a[2];
	int n, idx = gw_addrs(c, a, &n);

	if (idx < 0)
		return idx;
	for (int i = 0; i < n; i++) {
		int ret = nsnl_addr_add(c->sk, idx, &a[i]);

		if (ret)
			return ret;
	}
	return 0;
}

int step_guest_bridge_addr_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	struct ns_addr a[2];
	int n, idx = gw_addrs(c, a, &n);

	if (idx == -ENODEV)
		return 0;
	if (idx < 0)
		return idx;
	for (int i = 0; i < n; i++) {
		int ret = nsnl_addr_del(c->sk, idx, &a[i]);

		if (ret && ret != -EADDRNOTAVAIL)
			return ret;
	}
	return 0;
}

/*
 * The pod interface forwards what comes in for the guest (DNAT'ed in
 * prerouting, then routed out by the bridge): its own IPv4 "forwarding",
 * the only thing of it this binding changes.  The old value is saved in
 * the journal before anything acts, so the undo puts back exactly that.
 */
int step_pod_forwarding_prep(struct step_ctx *c, struct ns_journal_entry *je)
{
	uint32_t v;
	int ret = nsnl_inet_conf_get(c->sk, c->st->pod.ifindex, IPV4_DEVCONF_FORWARDING, &v);

	if (ret)
		return ret;
	snprintf(je->old, sizeof(je->old), "%u", v);
	return 0;
}

int step_pod_forwarding_act(struct step_ctx *c)
{
	const struct nsnl_devconf on = { IPV4_DEVCONF_FORWARDING, 1 };

	return nsnl_inet_conf_set(c->sk, c->st->pod.ifindex, &on, 1);
}

int step_pod_forwarding_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	struct nsnl_devconf old = { IPV4_DEVCONF_FORWARDING, 0 };
	struct nsnl_link l;
	char *end;
	int ret;

	old.value = (uint32_t)strtoul(je->old, &end, 10);
	if (!je->old[0] || *end)
		return -EINVAL;
	ret = nsnl_link_get(c->sk, c->st->pod.ifindex, NULL, &l);
	if (ret == -ENODEV)
		return 0; /* the pod interface went away: nothing left to restore */
	return ret ? ret : nsnl_inet_conf_set(c->sk, l.ifindex, &old, 1);
}

int step_nft_table_act(struct step_ctx *c)
{
	return ns_nft_table_install(c->st);
}

/* The name is ours: preflight refused to start over a table of that name. */
int step_nft_table_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return ns_nft_table_delete(c->st->binding.masq.table);
}
