// SPDX-License-Identifier: MIT
/*
 * What restoring the pod interface's addresses and routes must do, as pure
 * decisions (unit-tested): remaining lifetimes, which addresses and routes
 * are the kernel's own, the order addresses go back in, and the route
 * plan (netsetup/step_pod_iface.c carries it out).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "common/util.h"
#include "netsetup/netsetup.h"

int ns_addr_lifetimes(const struct ns_addr *a, int64_t now, uint32_t *valid, uint32_t *pref)
{
	int64_t elapsed = a->lft_at && now > a->lft_at ? now - a->lft_at : 0;

	if (!a->lft_at) { /* none recorded (an address of the binding's own) */
		*valid = *pref = NS_LFT_FOREVER;
		return 0;
	}

	/*
	 * The kernel counts a finite lifetime down from when it was set
	 * (RFC 4862 5.5.4): what was left when it was read, less the time
	 * since, is what is left now.  An address whose valid lifetime ran
	 * out in between would have been removed by the kernel: not re-added.
	 */
	if (a->valid_lft == NS_LFT_FOREVER)
		*valid = NS_LFT_FOREVER;
	else if ((int64_t)a->valid_lft <= elapsed)
		return -ETIME;
	else
		*valid = a->valid_lft - (uint32_t)elapsed;
	if (a->preferred_lft == NS_LFT_FOREVER)
		*pref = NS_LFT_FOREVER;
	else
		*pref = (int64_t)a->preferred_lft <= elapsed ? 0 :
							       a->preferred_lft - (uint32_t)elapsed;
	if (*valid != NS_LFT_FOREVER && *pref > *valid)
		*pref = *valid;
	return 0;
}

bool ns_addr_kernels(const struct ns_addr *a)
{
	if (a->family != AF_INET6)
		return false;
	/* IFA_F_TEMPORARY (RFC 8981 addresses) shares its bit with IPv4's SECONDARY. */
	return a->proto == IFAPROT_KERNEL_LL || a->proto == IFAPROT_KERNEL_RA ||
	       (a->flags & IFA_F_TEMPORARY);
}

bool ns_addr_same(const struct ns_addr *a, const struct ns_addr *b)
{
	return a->family == b->family && a->prefix == b->prefix && !strcmp(a->addr, b->addr) &&
	       !strcmp(a->peer, b->peer);
}

void ns_addr_order(const struct ns_addr *addrs, int n, int *order)
{
	int k = 0;

	/*
	 * IPv4 appends a new primary after the primaries of its scope and a
	 * secondary at the end (__inet_insert_ifa): the recorded order.  IPv6
	 * keeps each scope's addresses newest first (ipv6_link_dev_addr):
	 * re-added oldest first, that is in reverse.
	 */
	for (int i = 0; i < n; i++)
		if (addrs[i].family != AF_INET6)
			order[k++] = i;
	for (int i = n - 1; i >= 0; i--)
		if (addrs[i].family == AF_INET6)
			order[k++] = i;
}

static bool nexthops_eq(const struct ns_route *a, const struct ns_route *b)
{
	if (a->n_nexthops != b->n_nexthops)
		return false;
	for (int i = 0; i < a->n_nexthops; i++) {
		const struct ns_nexthop *x = &a->nexthops[i], *y = &b->nexthops[i];

		if (strcmp(x->gateway, y->gateway) || x->gw_family != y->gw_family ||
		    x->ifindex != y->ifindex || x->flags != y->flags || x->weight != y->weight)
			return false;
	}
	return true;
}

bool ns_route_eq(const struct ns_route *a, const struct ns_route *b)
{
	if (a->family != b->family || strcmp(a->dst, b->dst) || a->prefix != b->prefix ||
	    strcmp(a->gateway, b->gateway) || a->gw_family != b->gw_family ||
	    a->scope != b->scope || strcmp(a->src, b->src) || a->metric != b->metric ||
	    a->protocol != b->protocol || a->table != b->table || a->type != b->type ||
	    a->tos != b->tos || a->nh_flags != b->nh_flags || strcmp(a->from, b->from) ||
	    a->from_prefix != b->from_prefix || a->pref != b->pref || a->realms != b->realms ||
	    a->metrics_mask != b->metrics_mask || strcmp(a->cc_algo, b->cc_algo))
		return false;
	for (int i = 0; i < NS_MAX_METRICS; i++)
		if ((a->metrics_mask & BIT(i)) && a->metrics[i] != b->metrics[i])
			return false;
	return nexthops_eq(a, b);
}

bool ns_route_kernels(const struct ns_route *r)
{
	return r->protocol == RTPROT_KERNEL || r->table == RT_TABLE_LOCAL;
}

/* Reaches its next hop(s) only through another route (the kernel checks). */
static bool via_gateway(const struct ns_route *r)
{
	if (r->n_nexthops) {
		for (int i = 0; i < r->n_nexthops; i++)
			if (r->nexthops[i].gateway[0] && !(r->nexthops[i].flags & RTNH_F_ONLINK))
				return true;
		return false;
	}
	return r->gateway[0] && !(r->nh_flags & RTNH_F_ONLINK);
}

void ns_route_plan(const struct ns_route *cached, int n_cached, const struct ns_route *live,
		   int n_live, bool all_tables, struct ns_route_plan *plan)
{
	bool kept[NS_MAX_ROUTES] = { false };

	plan->n_del = plan->n_add = 0;
	for (int i = 0; i < n_live && i < NS_MAX_ROUTES; i++) {
		bool keep = false;

		if (live[i].table == RT_TABLE_LOCAL ||
		    (!all_tables && live[i].table != RT_TABLE_MAIN))
			continue;
		for (int k = 0; !keep && k < n_cached; k++)
			keep = ns_route_eq(&live[i], &cached[k]);
		kept[i] = keep;
		if (!keep)
			plan->del[plan->n_del++] = i;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < n_cached && plan->n_add < NS_MAX_ROUTES; k++) {
			const struct ns_route *r = &cached[k];
			bool have = false;

			if (ns_route_kernels(r) || (!all_tables && r->table != RT_TABLE_MAIN) ||
			    via_gateway(r) != (pass == 1))
				continue;
			for (int i = 0; !have && i < n_live && i < NS_MAX_ROUTES; i++)
				have = kept[i] && ns_route_eq(&live[i], r);
			if (!have)
				plan->add[plan->n_add++] = k;
		}
	}
}
