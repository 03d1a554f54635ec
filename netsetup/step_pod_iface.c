// SPDX-License-Identifier: MIT
/* Steps on the pod interface itself. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/steps.h"

/* ---- the pod interface ---- */

/*
 * Re-add the cached addresses the interface lacks, with every attribute
 * they had (flags such as noprefixroute and nodad, the remaining
 * lifetimes, label, peer, prefix-route metric), in the order that makes
 * the kernel list them as before.  The kernel's own (link-local, SLAAC,
 * temporary) come back by themselves with the link.  An address whose
 * valid lifetime ran out meanwhile would be gone without us too.
 */
static int restore_addrs(struct step_ctx *c)
{
	const struct ns_pod *pod = &c->st->pod;
	static struct ns_addr live[NS_MAX_ADDRS];
	int order[NS_MAX_ADDRS], n, first = 0, ret;

	ret = nsnl_addr_list(c->sk, pod->ifindex, live, NS_MAX_ADDRS, &n);
	if (ret)
		return ret;
	ns_addr_order(pod->addrs, pod->n_addrs, order);
	for (int k = 0; k < pod->n_addrs; k++) {
		const struct ns_addr *a = &pod->addrs[order[k]];
		bool have = false;

		if (ns_addr_kernels(a))
			continue;
		for (int i = 0; !have && i < n; i++)
			have = ns_addr_same(&live[i], a);
		if (have)
			continue;
		ret = nsnl_addr_add(c->sk, pod->ifindex, a);
		if (ret == -ETIME) {
			log_warn("netsetup", "address expired while bound; not restored",
				 "{s:s, s:i}", "address", a->addr, "prefix", a->prefix);
			continue;
		}
		if (ret && ret != -EEXIST) {
			log_error("netsetup", "cannot restore an address", "{s:s, s:s, s:i, s:s}",
				  "step", "pod_down", "address", a->addr, "prefix", a->prefix,
				  "error", strerror(-ret));
			first = first ?: ret;
		}
	}
	return first;
}

/* How long DAD may take before routes from the address are given up on. */
#define DAD_WAIT_MS 15000

/*
 * The kernel takes an IPv6 address as a route's source only once DAD has
 * finished (RFC 4862 5.4: a tentative address is not assigned; the route
 * add fails with EINVAL until then), and an address re-added without
 * nodad runs DAD again after the link came up, as it did when the CNI
 * added it.  Wait for the addresses the routes to add need, and only
 * those; a DAD failure is an error of its own (EADDRINUSE).  With
 * c->retry the routes that would wait are dropped from the plan instead,
 * and their number returned.
 */
static int wait_dad(struct step_ctx *c, struct ns_route_plan *plan)
{
	const struct ns_pod *pod = &c->st->pod;
	static struct ns_addr live[NS_MAX_ADDRS];
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	int n, ret;

	for (int waited = 0;; waited += 20) {
		bool tentative = false;
		int kept = 0;

		ret = nsnl_addr_list(c->sk, pod->ifindex, live, NS_MAX_ADDRS, &n);
		if (ret)
			return ret;
		for (int k = 0; k < plan->n_add; k++) {
			const struct ns_route *r = &pod->routes[plan->add[k]];
			bool this_tentative = false;

			for (int i = 0; r->family == AF_INET6 && r->src[0] && i < n; i++) {
				if (live[i].family != AF_INET6 || strcmp(live[i].addr, r->src))
					continue;
				if (live[i].flags & IFA_F_DADFAILED) {
					log_error("netsetup",
						  "IPv6 duplicate address detection failed",
						  "{s:s, s:s}", "step", "pod_down", "address",
						  r->src);
					return -EADDRINUSE;
				}
				this_tentative |= !!(live[i].flags & IFA_F_TENTATIVE);
			}
			tentative |= this_tentative;
			/* A setup follows: it takes the address away again at once. */
			if (!(c->retry && this_tentative))
				plan->add[kept++] = plan->add[k];
		}
		if (c->retry) {
			int deferred = plan->n_add - kept;

			if (deferred)
				log_debug("netsetup",
					  "routes from addresses in DAD left to the retry", "{s:i}",
					  "routes", deferred);
			plan->n_add = kept;
			return deferred;
		}
		if (!tentative)
			return 0;
		if (waited >= DAD_WAIT_MS) {
			log_error("netsetup",
				  "IPv6 address still tentative; routes from it not restored",
				  "{s:s, s:i}", "step", "pod_down", "waited_ms", waited);
			return -EADDRNOTAVAIL;
		}
		nanosleep(&tick, NULL);
	}
}

/*
 * Make the routes through the pod interface exactly the cached ones:
 * re-adding addresses brings kernel prefix routes that CNI plugins such
 * as ptp had replaced (both families), so extra routes go and missing ones
 * return with all their attributes, on-link routes first so gateways
 * resolve (netsetup/restore_plan.c decides; this carries it out).
 */
static int reconcile_routes(struct step_ctx *c)
{
	const struct ns_pod *pod = &c->st->pod;
	static struct ns_route live[NS_MAX_ROUTES];
	struct ns_route_plan plan;
	int n, first = 0, ret, deferred;

	ret = nsnl_route_list(c->sk, pod->ifindex, live, NS_MAX_ROUTES, &n, NULL, NULL);
	if (ret)
		return ret;
	ns_route_plan(pod->routes, pod->n_routes, live, n, pod->all_tables, &plan);
	for (int k = 0; k < plan.n_del; k++) {
		ret = nsnl_route_del(c->sk, pod->ifindex, &live[plan.del[k]]);
		if (ret && ret != -ENOENT && ret != -ESRCH && !first)
			first = ret;
	}
	deferred = wait_dad(c, &plan);
	if (deferred < 0)
		return deferred;
	for (int k = 0; k < plan.n_add; k++) {
		const struct ns_route *r = &pod->routes[plan.add[k]];

		ret = nsnl_route_add(c->sk, pod->ifindex, r);
		/* Through a gateway whose host route was deferred: deferred too. */
		if (deferred && (r->family == AF_INET6 || r->gw_family == AF_INET6) &&
		    ret == -EHOSTUNREACH)
			continue;
		if (ret && ret != -EEXIST) {
			log_error("netsetup", "cannot restore a route",
				  "{s:s, s:s, s:i, s:s, s:I, s:s}", "step", "pod_down", "dst",
				  r->dst, "prefix", r->prefix, "gateway", r->gateway, "table",
				  (json_int_t)r->table, "error", strerror(-ret));
			first = first ?: ret;
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
	/*
	 * Link down flushed the routes and every IPv6 address.  Addresses go
	 * back with the link up, so that IPv4 prefix routes and IPv6 DAD run
	 * as they did for the CNI, then the routes.
	 */
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
		if (ret == -EADDRNOTAVAIL) /* a secondary gone with its primary */
			ret = 0;
	}
	return ret;
}

int step_pod_flush_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	/*
	 * pod_down's undo, which always runs after this one (it is journaled
	 * first), re-adds the addresses once the link is up again: added to
	 * a down link, IPv6 ones would get their prefix routes back at link
	 * up (addrconf_permanent_addr) after the routes were reconciled.
	 */
	return 0;
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
	return ret   ?:
		       nsnl_link_set(c->sk, l.ifindex, c->st->pod.iface, NULL, NSNL_KEEP, NSNL_KEEP,
				     NSNL_KEEP);
}

int step_pod_mac_act(struct step_ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, c->st->binding.nic_mac, NSNL_KEEP,
			     NSNL_KEEP, NSNL_KEEP);
}

int step_pod_mac_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, c->st->pod.mac, NSNL_KEEP, NSNL_KEEP,
			     NSNL_KEEP);
}

int step_pod_mtu_act(struct step_ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, c->st->binding.mtu, NSNL_KEEP,
			     NSNL_KEEP);
}

int step_pod_mtu_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, c->st->pod.mtu, NSNL_KEEP,
			     NSNL_KEEP);
}
