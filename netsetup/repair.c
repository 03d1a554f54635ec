// SPDX-License-Identifier: MIT
/*
 * A "done" binding found with all its links present may still have drifted
 * (someone set a link down, released a port, changed an MTU): seeing only
 * the names, a second setup or run would call it in place and leave the
 * guest cut off.  Observe, repair in place what the binding itself set,
 * then observe again; whatever is still wrong goes to the full undo and
 * redo from the cache.  Nothing is journaled and the cache is not
 * written: each repair sets what the cache already says, so a kill between
 * two of them leaves a "done" binding that the next run repairs again.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/drift.h"
#include "netsetup/steps.h"

static bool has_addr(const struct ns_addr *list, int n, const struct ns_addr *a)
{
	for (int i = 0; i < n; i++)
		if (list[i].family == a->family && list[i].prefix == a->prefix &&
		    !strcmp(list[i].addr, a->addr))
			return true;
	return false;
}

/* -ESTALE when a link is gone or not where the cache says. */
static int observe(struct step_ctx *c, struct ns_observed *o)
{
	const struct ns_state *st = c->st;
	const struct ns_binding *b = &st->binding;
	static struct ns_addr addrs[NS_MAX_ADDRS];
	struct ns_addr bra = { .family = AF_INET, .prefix = 32 };
	int n, ret;

	memset(o, 0, sizeof(*o));
	if (nsnl_link_get(c->sk, 0, b->bridge, &o->link[NS_ROLE_BRIDGE]) ||
	    nsnl_link_get(c->sk, st->pod.ifindex, NULL, &o->link[NS_ROLE_NIC]) ||
	    strcmp(o->link[NS_ROLE_NIC].name, b->nic) ||
	    nsnl_link_get(c->sk, 0, b->tap, &o->link[NS_ROLE_TAP]) ||
	    nsnl_link_get(c->sk, 0, b->placeholder, &o->link[NS_ROLE_PLACEHOLDER]))
		return -ESTALE;
	ret = nsnl_addr_list(c->sk, o->link[NS_ROLE_BRIDGE].ifindex, addrs, NS_MAX_ADDRS, &n);
	if (ret)
		return ret;
	snprintf(bra.addr, sizeof(bra.addr), "%s", b->bridge_addr);
	o->bridge_addr = has_addr(addrs, n, &bra);
	ret = nsnl_inet_conf_get(c->sk, o->link[NS_ROLE_BRIDGE].ifindex, IPV4_DEVCONF_ARP_IGNORE, &o->arp_ignore) ?:
		      nsnl_inet_conf_get(c->sk, o->link[NS_ROLE_BRIDGE].ifindex, IPV4_DEVCONF_ACCEPT_LOCAL, &o->accept_local) ?:
		      nsnl_addr_list(c->sk, o->link[NS_ROLE_PLACEHOLDER].ifindex, addrs,
				     NS_MAX_ADDRS, &n);
	if (ret)
		return ret;
	o->placeholder_ipv4 = true;
	for (int i = 0; i < st->pod.n_addrs; i++)
		if (st->pod.addrs[i].family == AF_INET && !has_addr(addrs, n, &st->pod.addrs[i]))
			o->placeholder_ipv4 = false;
	return 0;
}

/*
 * Setting a link down drops its IPv6 addresses (addrconf, without
 * keep_addr_on_down): the placeholder gets the cached ones back, as
 * step_placeholder_addr_act gave them.
 */
static int placeholder_readdr(struct step_ctx *c, int idx)
{
	const struct ns_pod *pod = &c->st->pod;

	for (int i = 0; i < pod->n_addrs; i++) {
		const struct ns_addr *a = &pod->addrs[i];
		int ret;

		if (ns_addr_kernels(a) || (a->family == AF_INET6 && a->scope == RT_SCOPE_LINK))
			continue;
		ret = nsnl_addr_add(c->sk, idx, a);
		if (ret && ret != -EEXIST && ret != -ETIME && a->family == AF_INET)
			return ret;
	}
	return 0;
}

static int apply(struct step_ctx *c, const struct ns_observed *o, const struct ns_repair *r)
{
	int idx = o->link[r->role].ifindex, ret;
	const int K = NSNL_KEEP;

	switch (r->fix) {
	case NS_FIX_MAC:
		return nsnl_link_set(c->sk, idx, NULL, c->st->binding.nic_mac, K, K, K);
	case NS_FIX_MTU:
		return nsnl_link_set(c->sk, idx, NULL, NULL, r->value, K, K);
	case NS_FIX_MASTER:
		ret = nsnl_link_set(c->sk, idx, NULL, NULL, K, K, r->value);
		/* A new port learns; the uplink must not (see step_nic_learning_act). */
		if (!ret && r->role == NS_ROLE_NIC)
			ret = nsnl_port_learning(idx, false);
		return ret;
	case NS_FIX_UP:
		return nsnl_link_set(c->sk, idx, NULL, NULL, K, 1, K);
	case NS_FIX_DOWN:
		ret = nsnl_link_set(c->sk, idx, NULL, NULL, K, 0, K);
		return ret ?: (r->role == NS_ROLE_PLACEHOLDER ? placeholder_readdr(c, idx) : 0);
	case NS_FIX_BRIDGE_ADDR:
		return step_bridge_addr_act(c);
	case NS_FIX_BRIDGE_CONF:
		return step_bridge_conf_act(c);
	}
	return -EINVAL;
}

static int repair(struct step_ctx *c)
{
	struct ns_repair plan[NS_MAX_REPAIRS];
	struct ns_observed o;
	int n, n_done, ret = observe(c, &o);

	if (ret)
		return ret;
	n = ns_drift_plan(c->st, &o, plan, NS_MAX_REPAIRS);
	if (n <= 0)
		return n;
	n_done = n;
	for (int i = 0; i < n; i++) {
		const char *link = ns_role_name(c->st, plan[i].role),
			   *fix = ns_fix_name(plan[i].fix);

		ret = apply(c, &o, &plan[i]);
		if (ret) {
			log_warn("netsetup", "cannot repair the binding in place",
				 "{s:s, s:s, s:s}", "link", link, "repair", fix, "error",
				 strerror(-ret));
			return -ESTALE;
		}
		log_warn("netsetup", "binding drifted; repaired", "{s:s, s:s, s:i}", "link", link,
			 "repair", fix, "value", plan[i].value);
	}
	/* What the kernel refused quietly (an MTU a driver clamps) shows here. */
	ret = observe(c, &o);
	if (ret)
		return ret;
	n = ns_drift_plan(c->st, &o, plan, NS_MAX_REPAIRS);
	if (n) {
		log_warn("netsetup", "binding still differs from the cache after repair",
			 "{s:s, s:s}", "link", n > 0 ? ns_role_name(c->st, plan[0].role) : "",
			 "repair", n > 0 ? ns_fix_name(plan[0].fix) : "");
		return -ESTALE;
	}
	return n_done;
}

int ns_binding_repair(const struct ns_state *st)
{
	/* The steps take a mutable state; nothing here writes to it. */
	struct step_ctx c = { .st = (struct ns_state *)st };
	int ret = nsnl_open(&c.sk);

	if (ret)
		return ret;
	ret = repair(&c);
	nsnl_close(c.sk);
	return ret;
}
