// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "netsetup/netsetup.h"

/*
 * The binding is decided completely before anything changes, so that the
 * cache written ahead of the first step already says what will exist (the
 * nic's new MAC included) and a later run after SIGKILL undoes exactly that.
 */
int ns_plan_build(struct ns_state *st, const struct ns_opts *o, const uint8_t nic_mac[6],
		  struct err *e)
{
	struct ns_binding *b = &st->binding;
	const struct ns_pod *pod = &st->pod;

	memset(b, 0, sizeof(*b));
	if (o->binding == NS_BINDING_MASQUERADE)
		return ns_masq_plan(st, o, e);
	if (snprintf(b->bridge, IFNAMSIZ, "k6t-%s", pod->iface) >= IFNAMSIZ ||
	    snprintf(b->nic, IFNAMSIZ, "%s-nic", pod->iface) >= IFNAMSIZ) {
		return err_set(e, ENAMETOOLONG,
			       "interface name %s too long for k6t-%s/%s-nic (max %d)", pod->iface,
			       pod->iface, pod->iface, IFNAMSIZ - 1 - 4);
	}
	snprintf(b->placeholder, IFNAMSIZ, "%s", pod->iface);
	snprintf(b->tap, IFNAMSIZ, "%s", o->tap_name);
	if (!strcmp(b->tap, b->bridge) || !strcmp(b->tap, b->nic) ||
	    !strcmp(b->tap, b->placeholder)) {
		return err_set(e, EINVAL, "tap name %s clashes with the binding's links", b->tap);
	}
	snprintf(b->bridge_addr, sizeof(b->bridge_addr), "%s", o->bridge_addr);
	memcpy(b->nic_mac, nic_mac, 6);
	if (!memcmp(b->nic_mac, pod->mac, 6)) {
		return err_set(e, EINVAL, "new nic MAC equals the pod MAC");
	}
	memcpy(b->guest_mac, o->has_guest_mac ? o->guest_mac : pod->mac, 6);
	if (!memcmp(b->nic_mac, b->guest_mac, 6))
		return err_set(e, EINVAL, "new nic MAC equals the guest MAC");
	b->queues = o->queues > 0 ? o->queues : 1;
	b->mtu = o->mtu > 0 ? o->mtu : pod->mtu;
	b->has_owner = o->has_owner;
	b->tap_uid = o->tap_uid;
	b->tap_gid = o->tap_gid;
	/*
	 * L2-only: nothing for `podlaunch dhcp` to hand out, neither an IPv4
	 * address (DHCPv4) nor a global IPv6 one (DHCPv6 + RAs).
	 */
	b->l2_only = true;
	for (int i = 0; i < pod->n_addrs; i++)
		if (pod->addrs[i].family == AF_INET ||
		    (pod->addrs[i].family == AF_INET6 && pod->addrs[i].scope == RT_SCOPE_UNIVERSE))
			b->l2_only = false;
	return 0;
}
