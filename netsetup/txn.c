// SPDX-License-Identifier: MIT
/*
 * The bridge binding as a transaction.  The journal of every step's undo
 * goes into the cache (atomically) before the first step acts, and every
 * undo is idempotent: it works from the cached pre-binding state and is a
 * no-op for a step that never acted (preflight guarantees the names the
 * binding creates were free, so what carries them is ours).  So whatever
 * instant a SIGKILL lands at, the next run finds the cache "in-progress",
 * runs the undos in reverse and retries from scratch.  Journaling the whole
 * plan at once costs one cache write instead of one per step.
 *
 * Test-only fault injection: PODLAUNCH_FAULT_STEP=<step> fails that step
 * right after it acted (so its own undo is exercised too);
 * PODLAUNCH_FAULT_KILL=<step> SIGKILLs the process at the same point;
 * PODLAUNCH_FAULT_KILL_BEFORE=<step> SIGKILLs it just before the step acts.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/netsetup.h"
#include "netsetup/nl.h"

#define ARP_IGNORE "/proc/sys/net/ipv4/conf/all/arp_ignore"

struct ctx {
	struct ns_state *st;
	struct nl_sock *sk;
};

struct step {
	const char *name;
	int (*prep)(struct ctx *c, struct ns_journal_entry *je);
	int (*act)(struct ctx *c);
	int (*undo)(struct ctx *c, const struct ns_journal_entry *je);
};

static int ifindex_of(struct ctx *c, const char *name)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, 0, name, &l);

	return ret ? ret : l.ifindex;
}

/* ---- arp_ignore: the placeholder must never answer ARP for the guest ---- */

static int arp_prep(struct ctx *c, struct ns_journal_entry *je)
{
	return ns_sysctl_read(ARP_IGNORE, je->old, sizeof(je->old));
}

/*
 * A value already in place is not written again: containers usually mount
 * /proc/sys read-only, and a pod can set this sysctl in its spec instead.
 */
static int sysctl_ensure(const char *path, const char *val)
{
	char cur[32];

	if (!ns_sysctl_read(path, cur, sizeof(cur)) && !strcmp(cur, val))
		return 0;
	return ns_sysctl_write(path, val);
}

static int arp_act(struct ctx *c)
{
	/* Reply to ARP only for addresses on the receiving interface (arp_ignore=1). */
	return sysctl_ensure(ARP_IGNORE, "1");
}

static int arp_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return je->old[0] ? sysctl_ensure(ARP_IGNORE, je->old) : 0;
}

/* ---- the pod interface ---- */

static int restore_addrs(struct ctx *c)
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
static int reconcile_routes(struct ctx *c)
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

static int pod_down_act(struct ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, 0, NSNL_KEEP);
}

static int pod_down_undo(struct ctx *c, const struct ns_journal_entry *je)
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

static int pod_flush_act(struct ctx *c)
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

static int pod_flush_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return restore_addrs(c);
}

static int pod_rename_act(struct ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, c->st->binding.nic, NULL, NSNL_KEEP,
			     NSNL_KEEP, NSNL_KEEP);
}

static int pod_rename_undo(struct ctx *c, const struct ns_journal_entry *je)
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

static int pod_mac_act(struct ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, c->st->binding.nic_mac, NSNL_KEEP,
			     NSNL_KEEP, NSNL_KEEP);
}

static int pod_mac_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, c->st->pod.mac, NSNL_KEEP,
			     NSNL_KEEP, NSNL_KEEP);
}

static int pod_mtu_act(struct ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, c->st->binding.mtu,
			     NSNL_KEEP, NSNL_KEEP);
}

static int pod_mtu_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, c->st->pod.mtu, NSNL_KEEP,
			     NSNL_KEEP);
}

/* ---- the bridge ---- */

static int bridge_create_act(struct ctx *c)
{
	return nsnl_link_add(c->sk, c->st->binding.bridge, "bridge", NULL, c->st->binding.mtu);
}

static int del_named(struct ctx *c, const char *name, const char *kind1, const char *kind2)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, 0, name, &l);

	if (ret == -ENODEV)
		return 0;
	if (ret)
		return ret;
	/* Never delete the pod interface or something that is not ours. */
	if (l.ifindex == c->st->pod.ifindex ||
	    (strcmp(l.kind, kind1) && (!kind2 || strcmp(l.kind, kind2))))
		return 0;
	ret = nsnl_link_del(c->sk, l.ifindex);
	return ret == -ENODEV ? 0 : ret;
}

static int bridge_create_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return del_named(c, c->st->binding.bridge, "bridge", NULL);
}

static int bridge_addr_of(struct ctx *c, struct ns_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	snprintf(a->addr, sizeof(a->addr), "%s", c->st->binding.bridge_addr);
	a->prefix = 32;
	a->scope = RT_SCOPE_UNIVERSE;
	return ifindex_of(c, c->st->binding.bridge);
}

static int bridge_addr_act(struct ctx *c)
{
	struct ns_addr a;
	int idx = bridge_addr_of(c, &a);

	return idx < 0 ? idx : nsnl_addr_add(c->sk, idx, &a);
}

static int bridge_addr_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	struct ns_addr a;
	int idx = bridge_addr_of(c, &a), ret;

	if (idx == -ENODEV)
		return 0;
	if (idx < 0)
		return idx;
	ret = nsnl_addr_del(c->sk, idx, &a);
	return ret == -EADDRNOTAVAIL ? 0 : ret;
}

static int set_up_named(struct ctx *c, const char *name, int up, bool missing_ok)
{
	int idx = ifindex_of(c, name);

	if (idx == -ENODEV && missing_ok)
		return 0;
	return idx < 0 ? idx : nsnl_link_set(c->sk, idx, NULL, NULL, NSNL_KEEP, up, NSNL_KEEP);
}

static int bridge_up_act(struct ctx *c)
{
	return set_up_named(c, c->st->binding.bridge, 1, false);
}

static int bridge_up_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return set_up_named(c, c->st->binding.bridge, 0, true);
}

/* ---- the nic (the renamed pod interface) as a bridge port ---- */

static int nic_enslave_act(struct ctx *c)
{
	int br = ifindex_of(c, c->st->binding.bridge);

	return br < 0 ? br : nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP,
					   NSNL_KEEP, br);
}

static int nic_enslave_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, c->st->pod.ifindex, NULL, &l);

	if (ret || !l.master)
		return ret;
	return nsnl_link_set(c->sk, l.ifindex, NULL, NULL, NSNL_KEEP, NSNL_KEEP, 0);
}

/*
 * Learning off on the uplink port: the guest's MAC must stay on the tap
 * port, never be learnt from traffic looped back through the pod side
 * (KubeVirt #1501, #1620).
 */
static int nic_learning_act(struct ctx *c)
{
	return nsnl_port_learning(c->st->pod.ifindex, false);
}

static int nic_learning_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, c->st->pod.ifindex, NULL, &l);

	if (ret || !l.master)
		return ret;	/* not a port any more: the flag went with it */
	return nsnl_port_learning(l.ifindex, true);
}

static int nic_up_act(struct ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, 1, NSNL_KEEP);
}

static int nic_up_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, 0, NSNL_KEEP);
}

/* ---- the tap ---- */

static int tap_create_act(struct ctx *c)
{
	const struct ns_binding *b = &c->st->binding;

	return ns_tap_create(b->tap, b->queues, b->has_owner, b->tap_uid, b->tap_gid);
}

static int tap_create_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	int ret = ns_tap_destroy(c->st->binding.tap);

	return ret == -ENODEV ? 0 : ret;
}

static int tap_attach_act(struct ctx *c)
{
	int tap = ifindex_of(c, c->st->binding.tap), br = ifindex_of(c, c->st->binding.bridge);

	if (tap < 0 || br < 0)
		return tap < 0 ? tap : br;
	return nsnl_link_set(c->sk, tap, NULL, NULL, c->st->binding.mtu, 1, br);
}

static int tap_attach_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	int tap = ifindex_of(c, c->st->binding.tap);

	if (tap == -ENODEV)
		return 0;
	return tap < 0 ? tap : nsnl_link_set(c->sk, tap, NULL, NULL, NSNL_KEEP, 0, 0);
}

/* ---- the placeholder ---- */

/*
 * The placeholder keeps the pod's name, MAC, MTU and addresses so kubelet
 * and CNI CHECK still find the pod IP (KubeVirt #2076).  A dummy link is the
 * natural choice, but kernels may lack the driver (the build machines do),
 * so the fallback is a bridge with no ports, kept down: built in wherever
 * this binding works at all (it needs a bridge anyway), one link rather
 * than a veth pair's two, and with no lower device it can never pass a
 * frame; arp_ignore=1 keeps the guest's address unanswered.
 */
static int placeholder_create_act(struct ctx *c)
{
	struct ns_binding *b = &c->st->binding;
	const struct ns_pod *pod = &c->st->pod;
	int ret = nsnl_link_add(c->sk, b->placeholder, "dummy", pod->mac, pod->mtu);

	if (!ret) {
		snprintf(b->placeholder_kind, sizeof(b->placeholder_kind), "dummy");
		return 0;
	}
	if (ret != -EOPNOTSUPP && ret != -ENOENT && ret != -EINVAL)
		return ret;
	log_info("netsetup", "no dummy link driver; placeholder is a port-less bridge kept down",
		 "{s:s}", "placeholder", b->placeholder);
	ret = nsnl_link_add(c->sk, b->placeholder, "bridge", pod->mac, pod->mtu);
	if (!ret)
		snprintf(b->placeholder_kind, sizeof(b->placeholder_kind), "bridge");
	return ret;
}

static int placeholder_create_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return del_named(c, c->st->binding.placeholder, "dummy", "bridge");
}

static int placeholder_addr_act(struct ctx *c)
{
	const struct ns_pod *pod = &c->st->pod;
	int idx = ifindex_of(c, c->st->binding.placeholder);

	if (idx < 0)
		return idx;
	for (int i = 0; i < pod->n_addrs; i++) {
		const struct ns_addr *a = &pod->addrs[i];
		int ret;

		if (a->family == AF_INET6 && a->scope == RT_SCOPE_LINK)
			continue;	/* the kernel's own; it comes back with the nic */
		ret = nsnl_addr_add(c->sk, idx, a);
		if (ret && a->family == AF_INET)
			return ret;
		if (ret)
			log_warn("netsetup", "IPv6 address not kept on the placeholder",
				 "{s:s, s:i}", "address", a->addr, "errno", -ret);
	}
	return 0;
}

static int placeholder_addr_undo(struct ctx *c, const struct ns_journal_entry *je)
{
	return 0;	/* the addresses leave with the placeholder itself */
}

static const struct step steps[] = {
	{ "arp_ignore", arp_prep, arp_act, arp_undo },
	{ "pod_down", NULL, pod_down_act, pod_down_undo },
	{ "pod_flush", NULL, pod_flush_act, pod_flush_undo },
	{ "pod_rename", NULL, pod_rename_act, pod_rename_undo },
	{ "pod_mac", NULL, pod_mac_act, pod_mac_undo },
	{ "pod_mtu", NULL, pod_mtu_act, pod_mtu_undo },
	{ "bridge_create", NULL, bridge_create_act, bridge_create_undo },
	{ "bridge_addr", NULL, bridge_addr_act, bridge_addr_undo },
	{ "bridge_up", NULL, bridge_up_act, bridge_up_undo },
	{ "nic_enslave", NULL, nic_enslave_act, nic_enslave_undo },
	{ "nic_learning", NULL, nic_learning_act, nic_learning_undo },
	{ "nic_up", NULL, nic_up_act, nic_up_undo },
	{ "tap_create", NULL, tap_create_act, tap_create_undo },
	{ "tap_attach", NULL, tap_attach_act, tap_attach_undo },
	{ "placeholder_create", NULL, placeholder_create_act, placeholder_create_undo },
	{ "placeholder_addr", NULL, placeholder_addr_act, placeholder_addr_undo },
};

#define N_STEPS (int)(sizeof(steps) / sizeof(steps[0]))

const char *const ns_step_names[] = {
	"arp_ignore", "pod_down", "pod_flush", "pod_rename", "pod_mac", "pod_mtu",
	"bridge_create", "bridge_addr", "bridge_up", "nic_enslave", "nic_learning",
	"nic_up", "tap_create", "tap_attach", "placeholder_create", "placeholder_addr", NULL,
};

static const struct step *step_find(const char *name)
{
	for (int i = 0; i < N_STEPS; i++)
		if (!strcmp(steps[i].name, name))
			return &steps[i];
	return NULL;
}

static bool env_is(const char *var, const char *step)
{
	const char *v = getenv(var);

	return v && !strcmp(v, step);
}

/* "k6t" in ASCII: the link group the binding's own links are deleted through. */
#define NS_LINK_GROUP 0x6b3674

/*
 * Delete the links the binding created in one kernel batch (see
 * nsnl_group_del), when they can be told apart with certainty: each found
 * by name with the expected kind, and no other link in the group.  Anything
 * unexpected leaves the job to the per-step undos, which also finish it
 * after a SIGKILL between the two requests.
 */
static void batch_delete(struct ctx *c)
{
	const struct ns_binding *b = &c->st->binding;
	const struct { const char *name, *kind1, *kind2; } links[] = {
		{ b->placeholder, "dummy", "bridge" }, { b->tap, "tun", NULL },
		{ b->bridge, "bridge", NULL },
	};
	int ours[3], n = 0, foreign;

	for (int i = 0; i < 3; i++) {
		struct nsnl_link l;

		if (nsnl_link_get(c->sk, 0, links[i].name, &l) || l.ifindex == c->st->pod.ifindex ||
		    (strcmp(l.kind, links[i].kind1) && (!links[i].kind2 || strcmp(l.kind, links[i].kind2))))
			continue;
		if (nsnl_link_set_group(c->sk, l.ifindex, NS_LINK_GROUP))
			return;
		ours[n++] = l.ifindex;
	}
	if (n < 2 || nsnl_group_members(c->sk, NS_LINK_GROUP, ours, n, &foreign) != n || foreign)
		return;
	if (nsnl_group_del(NS_LINK_GROUP))
		log_debug("netsetup", "batched link delete failed; deleting one by one", NULL);
}

/* Undo journal entries [0, upto) in reverse. */
static int rollback(struct ctx *c, const char *cache_path, int upto)
{
	struct ns_state *st = c->st;
	int first = 0;

	if (upto > 1)
		batch_delete(c);

	for (int i = upto - 1; i >= 0; i--) {
		const struct ns_journal_entry *je = &st->journal[i];
		const struct step *s = step_find(je->step);
		int ret;

		if (!s) {
			log_error("netsetup", "unknown step in the journal", "{s:s, s:s}",
				  "step", je->step, "file", cache_path);
			first = first ?: -EINVAL;
			continue;
		}
		ret = s->undo(c, je);
		if (ret) {
			log_error("netsetup", "undo failed", "{s:s, s:s}", "step", je->step,
				  "error", strerror(-ret));
			first = first ?: ret;
		} else {
			log_debug("netsetup", "undone", "{s:s}", "step", je->step);
		}
	}
	return first;
}

int ns_txn_rollback(struct ns_txn *t)
{
	struct ctx c = { .st = t->st };
	int ret = nsnl_open(&c.sk);

	if (ret)
		return ret;
	ret = rollback(&c, t->cache_path, t->st->n_journal);
	nsnl_close(c.sk);
	return ret;
}

int ns_txn_setup(struct ns_txn *t)
{
	struct ns_state *st = t->st;
	struct ctx c = { .st = st };
	int ret = nsnl_open(&c.sk), rb, i;

	if (ret)
		return ret;
	st->n_journal = 0;
	for (i = 0; i < N_STEPS; i++) {
		struct ns_journal_entry *je = &st->journal[st->n_journal++];

		memset(je, 0, sizeof(*je));
		snprintf(je->step, sizeof(je->step), "%s", steps[i].name);
		ret = steps[i].prep ? steps[i].prep(&c, je) : 0;
		if (ret) {
			log_error("netsetup", "setup step failed", "{s:s, s:s}", "step", steps[i].name,
				  "error", strerror(-ret));
			goto out;
		}
	}
	st->phase = NS_PHASE_IN_PROGRESS;
	ret = ns_cache_write(t->cache_path, st);
	if (ret) {
		log_error("netsetup", "cannot write the state cache", "{s:s, s:s, s:s}", "step",
			  "journal", "file", t->cache_path, "error", strerror(-ret));
		goto out;
	}
	for (i = 0; i < N_STEPS; i++) {
		const struct step *s = &steps[i];

		if (env_is("PODLAUNCH_FAULT_KILL_BEFORE", s->name))
			raise(SIGKILL);
		ret = s->act(&c);
		if (!ret && env_is("PODLAUNCH_FAULT_KILL", s->name))
			raise(SIGKILL);
		if (!ret && env_is("PODLAUNCH_FAULT_STEP", s->name)) {
			log_warn("netsetup", "injected fault", "{s:s}", "step", s->name);
			ret = -EIO;
		}
		if (ret) {
			log_error("netsetup", "setup step failed; rolling back", "{s:s, s:s}",
				  "step", s->name, "error", strerror(-ret));
			goto rollback;
		}
		log_debug("netsetup", "step done", "{s:s}", "step", s->name);
	}
	st->phase = NS_PHASE_DONE;
	ret = ns_cache_write(t->cache_path, st);
	if (!ret)
		goto out;
	log_error("netsetup", "cannot write the state cache", "{s:s, s:s, s:s}", "step", "done",
		  "file", t->cache_path, "error", strerror(-ret));
	i = N_STEPS - 1;
rollback:
	rb = rollback(&c, t->cache_path, i + 1);
	if (rb)
		log_error("netsetup", "rollback incomplete; the cache keeps the journal for the next run",
			  "{s:s, s:s}", "step", "rollback", "file", t->cache_path);
	else if ((rb = ns_cache_remove(t->cache_path)))
		log_error("netsetup", "cannot remove the state cache", "{s:s, s:s, s:s}",
			  "step", "cache", "file", t->cache_path, "error", strerror(-rb));
	else
		log_info("netsetup", "rolled back; the namespace is as it was", NULL);
out:
	nsnl_close(c.sk);
	return ret;
}
