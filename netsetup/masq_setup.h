/* SPDX-License-Identifier: MIT */
#ifndef NETSETUP_MASQ_SETUP_H
#define NETSETUP_MASQ_SETUP_H

/* What binding.c asks of the masquerade binding before and after its transaction. */

#include "netsetup/netsetup.h"

enum ns_masq_live { NS_MASQ_LIVE, NS_MASQ_ABSENT, NS_MASQ_PARTIAL };

/* Serve IPv6 only where the namespace forwards it; logs what is missing. */
void ns_masq_ipv6_gate(struct ns_state *st);
/* -EEXIST (logged) when a table with the binding's name is already there. */
int ns_masq_preflight(const struct ns_state *st, struct err *e);
/* Is the cached "done" masquerade binding what the namespace holds? */
int ns_masq_binding_state(const struct ns_state *st);

#endif
