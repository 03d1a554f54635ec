// SPDX-License-Identifier: MIT
/* Steps creating the binding's own links: bridge, tap, placeholder; the nic as a port. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/steps.h"

int steps_ifindex(struct step_ctx *c, const char *name)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, 0, name, &l);

	return ret ? ret : l.ifindex;
}

/* ---- the bridge ---- */

int step_bridge_create_act(struct step_ctx *c)
{
	return nsnl_link_add(c->sk, c->st->binding.bridge, "bridge", NULL, c->st->binding.mtu);
}

static int del_named(struct step_ctx *c, const char *name, const char *kind1, const char *kind2)
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

int step_bridge_create_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return del_named(c, c->st->binding.bridge, "bridge", NULL);
}

/*
 * The pod IP stays on the placeholder, so this namespace's stack takes it
 * for a local address even with the placeholder down (its local route
 * stays).  Two consequences, both about what arrives on the bridge, whose
 * in_device is the one the kernel consults:
 *  - arp_ignore=1: with 0, arp_process() answers an ARP request for any
 *    local address, so the bridge would answer for the guest's IP with its
 *    own MAC (IN_DEV_ARP_IGNORE() is max(conf.all, conf.<bridge>), so the
 *    bridge's own value is enough: conf.all is left alone);
 *  - accept_local=1: fib_validate_source() drops as martians packets whose
 *    source is local unless the receiving device accepts local sources
 *    (IN_DEV_ACCEPT_LOCAL() is conf.all || conf.<bridge>), which would
 *    drop the guest's unicast DHCP renewals (RFC 2131 4.4.5: source =
 *    ciaddr = the pod IP) and anything else it sends to the bridge address.
 * Set over rtnetlink with CAP_NET_ADMIN only: pods get /proc/sys read-only.
 * Both leave with the bridge, so nothing is saved for the undo.
 */
static const struct nsnl_devconf bridge_conf[] = {
	{ IPV4_DEVCONF_ARP_IGNORE, 1 },
	{ IPV4_DEVCONF_ACCEPT_LOCAL, 1 },
};

int step_bridge_conf_act(struct step_ctx *c)
{
	int idx = steps_ifindex(c, c->st->binding.bridge);

	return idx < 0 ? idx : nsnl_inet_conf_set(c->sk, idx, bridge_conf,
						  (int)(sizeof(bridge_conf) / sizeof(bridge_conf[0])));
}

int step_bridge_conf_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return 0;	/* the settings are the bridge's own; bridge_create's undo deletes it */
}

static int bridge_addr_of(struct step_ctx *c, struct ns_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	snprintf(a->addr, sizeof(a->addr), "%s", c->st->binding.bridge_addr);
	a->prefix = 32;
	a->scope = RT_SCOPE_UNIVERSE;
	return steps_ifindex(c, c->st->binding.bridge);
}

int step_bridge_addr_act(struct step_ctx *c)
{
	struct ns_addr a;
	int idx = bridge_addr_of(c, &a);

	return idx < 0 ? idx : nsnl_addr_add(c->sk, idx, &a);
}

int step_bridge_addr_undo(struct step_ctx *c, const struct ns_journal_entry *je)
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

static int set_up_named(struct step_ctx *c, const char *name, int up, bool missing_ok)
{
	int idx = steps_ifindex(c, name);

	if (idx == -ENODEV && missing_ok)
		return 0;
	return idx < 0 ? idx : nsnl_link_set(c->sk, idx, NULL, NULL, NSNL_KEEP, up, NSNL_KEEP);
}

int step_bridge_up_act(struct step_ctx *c)
{
	return set_up_named(c, c->st->binding.bridge, 1, false);
}

int step_bridge_up_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return set_up_named(c, c->st->binding.bridge, 0, true);
}

/* ---- the nic (the renamed pod interface) as a bridge port ---- */

int step_nic_enslave_act(struct step_ctx *c)
{
	int br = steps_ifindex(c, c->st->binding.bridge);

	return br < 0 ? br : nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP,
					   NSNL_KEEP, br);
}

int step_nic_enslave_undo(struct step_ctx *c, const struct ns_journal_entry *je)
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
int step_nic_learning_act(struct step_ctx *c)
{
	return nsnl_port_learning(c->st->pod.ifindex, false);
}

int step_nic_learning_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, c->st->pod.ifindex, NULL, &l);

	if (ret || !l.master)
		return ret;	/* not a port any more: the flag went with it */
	return nsnl_port_learning(l.ifindex, true);
}

int step_nic_up_act(struct step_ctx *c)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, 1, NSNL_KEEP);
}

int step_nic_up_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, 0, NSNL_KEEP);
}

/* ---- the tap ---- */

int step_tap_create_act(struct step_ctx *c)
{
	const struct ns_binding *b = &c->st->binding;

	return ns_tap_create(b->tap, b->queues, b->has_owner, b->tap_uid, b->tap_gid);
}

int step_tap_create_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	int ret = ns_tap_destroy(c->st->binding.tap);

	return ret == -ENODEV ? 0 : ret;
}

int step_tap_attach_act(struct step_ctx *c)
{
	int tap = steps_ifindex(c, c->st->binding.tap), br = steps_ifindex(c, c->st->binding.bridge);

	if (tap < 0 || br < 0)
		return tap < 0 ? tap : br;
	return nsnl_link_set(c->sk, tap, NULL, NULL, c->st->binding.mtu, 1, br);
}

int step_tap_attach_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	int tap = steps_ifindex(c, c->st->binding.tap);

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
 * frame.  Neither kind needs a per-device setting: a down link receives
 * nothing (a dummy never receives at all), ARP for its IPv4 addresses comes
 * in on the bridge (see bridge_conf above), and IPv6 neighbour discovery
 * only answers for addresses on the receiving link itself.
 */
int step_placeholder_create_act(struct step_ctx *c)
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

int step_placeholder_create_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return del_named(c, c->st->binding.placeholder, "dummy", "bridge");
}

int step_placeholder_addr_act(struct step_ctx *c)
{
	const struct ns_pod *pod = &c->st->pod;
	int idx = steps_ifindex(c, c->st->binding.placeholder);

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
				 "{s:s, s:s}", "address", a->addr, "error", strerror(-ret));
	}
	return 0;
}

int step_placeholder_addr_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return 0;	/* the addresses leave with the placeholder itself */
}
