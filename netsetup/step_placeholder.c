// SPDX-License-Identifier: MIT
/* Steps creating the placeholder that keeps the pod's name, MAC and addresses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/steps.h"

/*
 * The placeholder keeps the pod's name, MAC, MTU and addresses so kubelet
 * and CNI CHECK still find the pod IP (KubeVirt #2076).  A dummy link is the
 * natural choice, but kernels may lack the driver (the build machines do),
 * so the fallback is a bridge with no ports, kept down: built in wherever
 * this binding works at all (it needs a bridge anyway), one link rather
 * than a veth pair's two, and with no lower device it can never pass a
 * frame.  Neither kind needs a per-device setting: a down link receives
 * nothing (a dummy never receives at all), ARP for its IPv4 addresses comes
 * in on the bridge (see bridge_conf in step_bridge.c), and IPv6 neighbour discovery
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
	return steps_del_named(c, c->st->binding.placeholder, "dummy", "bridge");
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

		if (ns_addr_kernels(a) || (a->family == AF_INET6 && a->scope == RT_SCOPE_LINK))
			continue; /* the kernel's own; it comes back with the nic */
		ret = nsnl_addr_add(c->sk, idx, a);
		if (ret == -ETIME)
			continue; /* expired: the kernel would have removed it too */
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
	return 0; /* the addresses leave with the placeholder itself */
}
