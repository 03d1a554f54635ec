// SPDX-License-Identifier: MIT
/* Steps creating the tap the VMM reads and attaching it to the bridge. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/steps.h"

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
	int tap = steps_ifindex(c, c->st->binding.tap),
	    br = steps_ifindex(c, c->st->binding.bridge);

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
