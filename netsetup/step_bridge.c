// SPDX-License-Identifier: MIT
/* Steps building the bridge that joins the pod side to the tap. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "common/util.h"
#include "netsetup/steps.h"

int step_bridge_create_act(struct step_ctx *c)
{
	return nsnl_link_add(c->sk, c->st->binding.bridge, "bridge", NULL, c->st->binding.mtu);
}

int step_bridge_create_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return steps_del_named(c, c->st->binding.bridge, "bridge", NULL);
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

	return idx < 0 ?
		       idx :
		       nsnl_inet_conf_set(c->sk, idx, bridge_conf, (int)(ARRAY_SIZE(bridge_conf)));
}

int step_bridge_conf_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	return 0; /* the settings are the bridge's own; bridge_create's undo deletes it */
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
