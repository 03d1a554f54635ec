// SPDX-License-Identifier: MIT
/* nftables batches to the kernel over NETLINK_NETFILTER (libmnl). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "netsetup/nft_table.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>

static int sock_open(struct mnl_socket **out)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;

		mnl_socket_close(nl);
		return e;
	}
	*out = nl;
	return 0;
}

/*
 * Read replies until want acknowledgements came, or the first error: the
 * kernel aborts a batch at its first failing message (nothing of it stays)
 * and answers only the messages before it and the failing one.
 */
static int wait_acks(struct mnl_socket *nl, int want, bool *saw_reply)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(nl);
	int acks = 0;

	while (acks < want) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const void *)buf;
		int len = (int)n;

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_pid != portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error)
					return e->error;
				acks++;
			} else if (saw_reply) {
				*saw_reply = true;
			}
		}
	}
	return 0;
}

int ns_nft_send(const struct ns_nft_batch *b)
{
	struct mnl_socket *nl;
	int ret = sock_open(&nl);

	if (ret)
		return ret;
	if (mnl_socket_sendto(nl, b->buf, b->len) < 0)
		ret = -errno;
	else
		ret = wait_acks(nl, b->n_ack, NULL);
	mnl_socket_close(nl);
	return ret;
}

static uint32_t seq0(void)
{
	return (uint32_t)time(NULL);
}

int ns_nft_table_install(const struct ns_state *st)
{
	struct ns_nft_batch b;
	int ret = ns_nft_batch_table(st, seq0(), &b);

	if (ret)
		return ret;
	ret = ns_nft_send(&b);
	ns_nft_batch_free(&b);
	return ret;
}

int ns_nft_table_delete(const char *table)
{
	struct ns_nft_batch b;
	int ret = ns_nft_batch_delete(table, seq0(), &b);

	if (ret)
		return ret;
	ret = ns_nft_send(&b);
	ns_nft_batch_free(&b);
	return ret == -ENOENT ? 0 : ret;
}

int ns_nft_table_exists(const char *table)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_table *t = nftnl_table_alloc();
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	bool seen = false;
	int ret;

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK, seq0());
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	ret = sock_open(&nl);
	if (ret)
		return ret;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		ret = -errno;
	else
		ret = wait_acks(nl, 1, &seen);
	mnl_socket_close(nl);
	if (ret == -ENOENT)
		return 0;
	return ret ? ret : seen;
}
