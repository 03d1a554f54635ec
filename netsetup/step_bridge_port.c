// SPDX-License-Identifier: MIT
/* Steps making the nic (the renamed pod interface) a port of the bridge. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "netsetup/steps.h"

int step_nic_enslave_act(struct step_ctx *c)
{
	int br = steps_ifindex(c, c->st->binding.bridge);

	return br < 0 ? br :
			nsnl_link_set(c->sk, c->st->pod.ifindex, NULL, NULL, NSNL_KEEP, NSNL_KEEP,
				      br);
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
		return ret; /* not a port any more: the flag went with it */
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
