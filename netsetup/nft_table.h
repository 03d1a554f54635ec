/* SPDX-License-Identifier: MIT */
#ifndef NETSETUP_NFT_TABLE_H
#define NETSETUP_NFT_TABLE_H

/*
 * The masquerade binding's nftables table (family inet, name
 * binding.masq.table), built with libnftnl as one NFNETLINK batch
 * (netsetup/nft_table.c, pure: no socket) and sent over libmnl
 * (netsetup/nft_io.c).  The kernel applies a batch atomically: the table
 * with all its chains and rules appears at once or not at all.
 *
 *   chain prerouting  (nat, prerouting, -100): iifname <pod iface>
 *       <pod IP> [proto/ports] -> dnat to the guest
 *   chain output      (nat, output, -100): to the pod IP or 127.0.0.1
 *       [proto/ports] -> dnat to the guest (the pod's own probes)
 *   chain postrouting (nat, postrouting, 100): from the guest out of the
 *       pod iface -> masquerade; from 127.0.0.1 to the guest -> snat to
 *       the gateway (the guest could not answer 127.0.0.1)
 */

#include <stddef.h>
#include <stdint.h>

#include "netsetup/netsetup.h"

struct ns_nft_batch {
	char *buf;
	size_t len;
	int n_ack; /* messages in it that the kernel acknowledges */
};

/* The whole table in one batch; NLM_F_EXCL, so an existing table fails it. */
int ns_nft_batch_table(const struct ns_state *st, uint32_t seq, struct ns_nft_batch *out);
/* Deleting the table (with its chains and rules) in one batch. */
int ns_nft_batch_delete(const char *table, uint32_t seq, struct ns_nft_batch *out);
void ns_nft_batch_free(struct ns_nft_batch *b);

/* I/O (netsetup/nft_io.c), all 0 or -errno. */
int ns_nft_send(const struct ns_nft_batch *b);
int ns_nft_table_install(const struct ns_state *st);
/* 0 when deleted or absent. */
int ns_nft_table_delete(const char *table);
/* 1 present, 0 absent, or -errno. */
int ns_nft_table_exists(const char *table);

#endif
