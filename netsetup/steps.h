/* SPDX-License-Identifier: MIT */
#ifndef NETSETUP_STEPS_H
#define NETSETUP_STEPS_H

/*
 * The steps of the bridge binding (netsetup/txn.c runs them): each has an
 * optional prep (saves what its undo needs, before the journal is
 * written), an act, and an idempotent undo that works from the cached
 * pre-binding state and is a no-op for a step that never acted.
 */

#include "netsetup/netsetup.h"
#include "netsetup/nl.h"

struct step_ctx {
	struct ns_state *st;
	struct nl_sock *sk;
	bool retry; /* see struct ns_txn */
};

struct step {
	const char *name;
	int (*prep)(struct step_ctx *c, struct ns_journal_entry *je);
	int (*act)(struct step_ctx *c);
	int (*undo)(struct step_ctx *c, const struct ns_journal_entry *je);
};

/* netsetup/txn.c: helpers the steps share. */
/* ifindex of a link by name, or a negative errno (-ENODEV when absent). */
int steps_ifindex(struct step_ctx *c, const char *name);
/*
 * Delete the link called name if it is of kind kind1 (or kind2, may be
 * NULL) and is not the pod interface; 0 when there is none.
 */
int steps_del_named(struct step_ctx *c, const char *name, const char *kind1, const char *kind2);

/* netsetup/step_pod_iface.c: the pod interface. */
int step_pod_down_act(struct step_ctx *c);
int step_pod_down_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_pod_flush_act(struct step_ctx *c);
int step_pod_flush_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_pod_rename_act(struct step_ctx *c);
int step_pod_rename_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_pod_mac_act(struct step_ctx *c);
int step_pod_mac_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_pod_mtu_act(struct step_ctx *c);
int step_pod_mtu_undo(struct step_ctx *c, const struct ns_journal_entry *je);

/* netsetup/step_bridge.c: the bridge. */
int step_bridge_create_act(struct step_ctx *c);
int step_bridge_create_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_bridge_conf_act(struct step_ctx *c);
int step_bridge_conf_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_bridge_addr_act(struct step_ctx *c);
int step_bridge_addr_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_bridge_up_act(struct step_ctx *c);
int step_bridge_up_undo(struct step_ctx *c, const struct ns_journal_entry *je);
/* netsetup/step_bridge_port.c: the nic as a bridge port. */
int step_nic_enslave_act(struct step_ctx *c);
int step_nic_enslave_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_nic_learning_act(struct step_ctx *c);
int step_nic_learning_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_nic_up_act(struct step_ctx *c);
int step_nic_up_undo(struct step_ctx *c, const struct ns_journal_entry *je);
/* netsetup/step_tap.c: the tap. */
int step_tap_create_act(struct step_ctx *c);
int step_tap_create_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_tap_attach_act(struct step_ctx *c);
int step_tap_attach_undo(struct step_ctx *c, const struct ns_journal_entry *je);
/* netsetup/step_placeholder.c: the placeholder. */
int step_placeholder_create_act(struct step_ctx *c);
int step_placeholder_create_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_placeholder_addr_act(struct step_ctx *c);
int step_placeholder_addr_undo(struct step_ctx *c, const struct ns_journal_entry *je);

/* netsetup/step_masq.c: the masquerade binding's own steps. */
int step_guest_bridge_conf_act(struct step_ctx *c);
int step_guest_bridge_conf_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_guest_bridge_addr_act(struct step_ctx *c);
int step_guest_bridge_addr_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_pod_forwarding_prep(struct step_ctx *c, struct ns_journal_entry *je);
int step_pod_forwarding_act(struct step_ctx *c);
int step_pod_forwarding_undo(struct step_ctx *c, const struct ns_journal_entry *je);
int step_nft_table_act(struct step_ctx *c);
int step_nft_table_undo(struct step_ctx *c, const struct ns_journal_entry *je);

#endif
