// SPDX-License-Identifier: MIT
/* Steps on the pod interface itself. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/steps.h"

/* ---- the pod interface ---- */

static int restore_addrs(struct step_ctx *c)
{
	const struct ns_pod *pod = &c->st->pod;
	int first = 0;

	for (int i = 0; i < pod->n_addrs; i++) {
		int ret = nsnl_addr_add(c->sk, pod->ifindex, &pod->addrs[i]);

		if (ret && ret != -EEXIST && !first)
			first = ret;
	}
	return first;
}

static bool route_eq(const struct ns_route *a, const struct ns_route *b)
{
	return a->family == b->family && !strcmp(a->dst, b->dst) && a->prefix == b->prefix &&
	       !strcmp(a->gateway, b->gateway) && a->scope == b->scope &&
	       !strcmp(a->src, b->src) && a->metric == b->metric &&
	       a->protocol == b->protocol && a->table == b->table && a->type == b->type &&
	       a->tos == b->tos && a->nh_flags == b->nh_flags;
}

/* IPv6 kernel routes (fe80::/64, prefix routes) come and go with addrconf. */
static bool kernel_owned(const struct ns_route *r)
{
	return r->family == AF_INET6 && r->protocol == RTPROT_KERNEL;
}

/*
 * Make the main-table routes through the pod interface exactly the cached
 * ones: re-adding addresses brings kernel prefix routes that CNI plugins
 * such as ptp had replaced, so extra routes go and missing ones return,
 * on-link routes first so gateways resolve.
 */
static int reconcile_routes(struct step_ctx *c)
{
	const struct ns_pod *pod = &c->st->pod;
	static struct ns_route live[NS_MAX_ROUTES];
	int n, first = 0, ret;

	ret = nsnl_route_list(c->sk, pod->ifindex, live, NS_MAX_ROUTES, &n);
	if (ret)
		return ret;
	for (int i = 0; i < n; i++) {
		bool keep = kernel_owned(&live[i]);

		for (int k = 0; !keep && k < pod->n_routes; k++)
			keep = route_eq(&live[i], &pod->routes[k]);
		if (!keep) {
			ret = nsnl_route_del(c->sk, pod->ifindex, &live[i]);
			if (ret && ret != -ENOENT && ret != -ESRCH && !first)
				first = ret;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < pod->n_routes; k++) {
			const struct ns_route *r = &pod->routes[k];
			bool have = false;

			if (kernel_owned(r) || (pass == 0) != !r->gateway[0])
				continue;
			for (int i = 0; !have && i < n; i++)
				have = route_eq(&live[i], r);
			if (have)
				continue;
			ret = nsnl_route_add(c->sk, pod->ifindex, r);
			if (ret && ret != -EEXIST && !first)
				first = ret;
		}
	}
	return first;
}

int step_pod_down_act(struct step_ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, 0, NSNL_KEEP);
}

int step_pod_down_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	int ret = 0;

	if (c->st->pod.up)
		ret = nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, 1, NSNL_KEEP);
	if (ret)
		return ret;
	/* Link down flushed the IPv4 routes and every IPv6 address. */
	ret = restore_addrs(c);
	return reconcile_routes(c) ?: ret;
}

int step_pod_flush_act(struct step_ctx *c)
{
	struct ns_addr live[NS_MAX_ADDRS];
	int n, ret;

	ret = nsnl_addr_list(c->sk, c->st->pod.ifindex, live, NS_MAX_ADDRS, &n);
	for (int i = 0; !ret && i < n; i++) {
		ret = nsnl_addr_del(c->sk, c->st->pod.ifindex, &live[i]);
		if (ret == -EADDRNOTAVAIL)	/* a secondary gone with its primary */
			ret = 0;
	}
	return ret;
}

int step_pod_flush_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return restore_addrs(c);
}

int step_pod_rename_act(struct step_ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, c->st->binding.nic, NULL, NSNL_KEEP,
			     NSNL_KEEP, NSNL_KEEP);
}

int step_pod_rename_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, c->st->pod.ifindex, NULL, &l);

	if (ret || !strcmp(l.name, c->st->pod.iface))
		return ret;
	/* Renaming needs the link down (it comes back up in pod_down's undo). */
	ret = nsnl_link_set(c->sk, l.ifindex, NULL, NULL, NSNL_KEEP, 0, NSNL_KEEP);
	return ret ?: nsnl_link_set(c->sk, l.ifindex, c->st->pod.iface, NULL, NSNL_KEEP,
				    NSNL_KEEP, NSNL_KEEP);
}

int step_pod_mac_act(struct step_ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, c->st->binding.nic_mac, NSNL_KEEP,
			     NSNL_KEEP, NSNL_KEEP);
}

int step_pod_mac_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, c->st->pod.mac, NSNL_KEEP,
			     NSNL_KEEP, NSNL_KEEP);
}

int step_pod_mtu_act(struct step_ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, c->st->binding.mtu,
			     NSNL_KEEP, NSNL_KEEP);
}

int step_pod_mtu_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, c->st->pod.mtu, NSNL_KEEP,
			     NSNL_KEEP);
}
