// SPDX-License-Identifier: MIT
/*
 * The masquerade binding's nftables table as a libnftnl batch: pure (the
 * unit tests parse the messages back), the socket is in nft_io.c.  The
 * rules are the ones `nft` would make of
 *
 *   table inet podlaunch-eth0 {
 *     chain prerouting { type nat hook prerouting priority dstnat;
 *       iifname "eth0" ip daddr POD meta l4proto tcp [th dport A-B] dnat ip to GUEST ... }
 *     chain output { type nat hook output priority -100;
 *       ip daddr { POD, 127.0.0.1 } meta l4proto tcp [th dport A-B] dnat ip to GUEST ... }
 *     chain postrouting { type nat hook postrouting priority srcnat;
 *       oifname "eth0" ip saddr GUEST masquerade
 *       oifname "k6t-eth0" ip saddr 127.0.0.1 ip daddr GUEST snat ip to GATEWAY }
 *   }
 *
 * (and the ip6 counterparts, without ::1, when IPv6 is served), written out
 * expression by expression, since libnftnl has no parser.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "netsetup/nft_table.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#define BATCH_LIMIT (256u * 1024)

struct builder {
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	int n_ack;
	int err;
};

static char *cur(struct builder *bl)
{
	return mnl_nlmsg_batch_current(bl->b);
}

static void next(struct builder *bl)
{
	if (!mnl_nlmsg_batch_next(bl->b) && !bl->err)
		bl->err = -E2BIG;
}

/* ---- expressions ---- */

static int add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static int meta_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	return add(r, e);
}

static int payload_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	return add(r, e);
}

static int cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	return add(r, e);
}

/* iifname/oifname as nft compares them: the name with its NUL. */
static int match_ifname(struct nftnl_rule *r, uint32_t key, const char *name)
{
	return meta_load(r, key) ?: cmp(r, NFT_CMP_EQ, name, strlen(name) + 1);
}

static int match_u8(struct nftnl_rule *r, uint32_t key, uint8_t v)
{
	return meta_load(r, key) ?: cmp(r, NFT_CMP_EQ, &v, 1);
}

/* One family's address: ip/ip6 saddr (src) or daddr. */
static int match_addr(struct nftnl_rule *r, int family, bool src, const void *a)
{
	uint32_t off = family == AF_INET ? (src ? 12 : 16) : (src ? 8 : 24);
	uint32_t len = family == AF_INET ? 4 : 16;

	return payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, len) ?: cmp(r, NFT_CMP_EQ, a, len);
}

/* th dport A[-B]: the destination port sits at offset 2 in TCP, UDP and SCTP. */
static int match_dport(struct nftnl_rule *r, uint16_t lo, uint16_t hi)
{
	uint16_t blo = htons(lo), bhi = htons(hi);
	int ret = payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);

	if (ret)
		return ret;
	if (lo == hi)
		return cmp(r, NFT_CMP_EQ, &blo, 2);
	return cmp(r, NFT_CMP_GTE, &blo, 2) ?:
					      (payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2) ?:
						       cmp(r, NFT_CMP_LTE, &bhi, 2));
}

/* dnat/snat <family> to addr (address only: ports are kept). */
static int nat_to(struct nftnl_rule *r, uint32_t type, int family, const void *a)
{
	struct nftnl_expr *imm = nftnl_expr_alloc("immediate"), *nat;

	if (!imm)
		return -ENOMEM;
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(imm, NFTNL_EXPR_IMM_DATA, a, family == AF_INET ? 4 : 16);
	nftnl_rule_add_expr(r, imm);
	nat = nftnl_expr_alloc("nat");
	if (!nat)
		return -ENOMEM;
	nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_TYPE, type);
	nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_FAMILY,
			   family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	return add(r, nat);
}

/* ---- objects into the batch ---- */

static void put_rule(struct builder *bl, const char *table, const char *chain, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nlh = nftnl_nlmsg_build_hdr(cur(bl), NFT_MSG_NEWRULE, NFPROTO_INET,
				    NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, bl->seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	bl->n_ack++;
	next(bl);
}

static void put_chain(struct builder *bl, const char *table, const char *name, uint32_t hook,
		      int32_t prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c) {
		bl->err = bl->err ?: -ENOMEM;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "nat");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_nlmsg_build_hdr(cur(bl), NFT_MSG_NEWCHAIN, NFPROTO_INET,
				    NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, bl->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	bl->n_ack++;
	next(bl);
}

struct fam {
	int family; /* AF_INET, AF_INET6 */
	uint8_t nfproto;
	unsigned char pod[16], guest[16], gateway[16];
};

/* The port selection: each --ports entry, or each protocol whole. */
static int n_selectors(const struct ns_masq *m)
{
	return m->n_ports ? m->n_ports : 3;
}

static void selector(const struct ns_masq *m, int i, struct ns_port_range *out)
{
	static const uint8_t all[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };

	if (m->n_ports)
		*out = m->ports[i];
	else
		*out = (struct ns_port_range){ all[i], 0, 0 };
}

/* One DNAT rule: [ifname] nfproto daddr l4proto [dport] dnat to guest. */
static void dnat_rule(struct builder *bl, const struct ns_state *st, const char *chain,
		      const struct fam *f, const void *daddr, const struct ns_port_range *p)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	int ret;

	if (!r) {
		bl->err = bl->err ?: -ENOMEM;
		return;
	}
	ret = (!strcmp(chain, "prerouting") ? match_ifname(r, NFT_META_IIFNAME, st->pod.iface) : 0) ?:
		      match_u8(r, NFT_META_NFPROTO, f->nfproto)	 ?:
		      match_addr(r, f->family, false, daddr)	 ?:
		      match_u8(r, NFT_META_L4PROTO, p->proto)	 ?:
		      (p->lo ? match_dport(r, p->lo, p->hi) : 0) ?:
		      nat_to(r, NFT_NAT_DNAT, f->family, f->guest);
	if (ret)
		bl->err = bl->err ?: ret;
	else
		put_rule(bl, st->binding.masq.table, chain, r);
	nftnl_rule_free(r);
}

static void postrouting_rules(struct builder *bl, const struct ns_state *st, const struct fam *f)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	int ret;

	if (!r) {
		bl->err = bl->err ?: -ENOMEM;
		return;
	}
	/* RFC 3022 NAPT: the guest leaves by the pod interface as the pod IP. */
	ret = match_ifname(r, NFT_META_OIFNAME, st->pod.iface)	?:
		      match_u8(r, NFT_META_NFPROTO, f->nfproto) ?:
		      match_addr(r, f->family, true, f->guest)	?:
								  add(r, nftnl_expr_alloc("masq"));
	if (ret)
		bl->err = bl->err ?: ret;
	else
		put_rule(bl, st->binding.masq.table, "postrouting", r);
	nftnl_rule_free(r);
	if (f->family != AF_INET)
		return;
	/* Probes to 127.0.0.1: the guest answers the gateway instead. */
	r = nftnl_rule_alloc();
	if (!r) {
		bl->err = bl->err ?: -ENOMEM;
		return;
	}
	ret = match_ifname(r, NFT_META_OIFNAME, st->binding.bridge) ?:
		      match_u8(r, NFT_META_NFPROTO, f->nfproto)	    ?:
		      match_addr(r, f->family, true, &lo)	    ?:
		      match_addr(r, f->family, false, f->guest)	    ?:
		      nat_to(r, NFT_NAT_SNAT, f->family, f->gateway);
	if (ret)
		bl->err = bl->err ?: ret;
	else
		put_rule(bl, st->binding.masq.table, "postrouting", r);
	nftnl_rule_free(r);
}

static int fam_of(const struct ns_masq_net *n, int family, struct fam *f)
{
	memset(f, 0, sizeof(*f));
	f->family = family;
	f->nfproto = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	if (inet_pton(family, n->pod, f->pod) != 1 || inet_pton(family, n->guest, f->guest) != 1 ||
	    inet_pton(family, n->gateway, f->gateway) != 1)
		return -EINVAL;
	return 0;
}

static int start(struct builder *bl, uint32_t seq, struct ns_nft_batch *out)
{
	memset(out, 0, sizeof(*out));
	/* mnl_nlmsg_batch_next() may step one message past the limit. */
	out->buf = calloc(1, 2 * BATCH_LIMIT);
	if (!out->buf)
		return -ENOMEM;
	bl->b = mnl_nlmsg_batch_start(out->buf, BATCH_LIMIT);
	bl->seq = seq;
	bl->n_ack = 0;
	bl->err = 0;
	nftnl_batch_begin(cur(bl), bl->seq++);
	next(bl);
	return 0;
}

static int finish(struct builder *bl, struct ns_nft_batch *out)
{
	nftnl_batch_end(cur(bl), bl->seq++);
	next(bl);
	out->len = mnl_nlmsg_batch_size(bl->b);
	out->n_ack = bl->n_ack;
	mnl_nlmsg_batch_stop(bl->b);
	if (bl->err)
		ns_nft_batch_free(out);
	return bl->err;
}

static void put_table(struct builder *bl, const char *name, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t) {
		bl->err = bl->err ?: -ENOMEM;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlh = nftnl_nlmsg_build_hdr(cur(bl), type, NFPROTO_INET, flags | NLM_F_ACK, bl->seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	bl->n_ack++;
	next(bl);
}

int ns_nft_batch_table(const struct ns_state *st, uint32_t seq, struct ns_nft_batch *out)
{
	const struct ns_masq *m = &st->binding.masq;
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct fam fams[2];
	struct builder bl;
	int nf = 0, ret;

	if (st->binding.kind != NS_BINDING_MASQUERADE)
		return -EINVAL;
	ret = fam_of(&m->v4, AF_INET, &fams[nf++]);
	if (!ret && m->ipv6)
		ret = fam_of(&m->v6, AF_INET6, &fams[nf++]);
	if (ret)
		return ret;
	ret = start(&bl, seq, out);
	if (ret)
		return ret;
	put_table(&bl, m->table, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	/* NF_IP_PRI_NAT_DST (-100) and NF_IP_PRI_NAT_SRC (100): nft's dstnat/srcnat. */
	put_chain(&bl, m->table, "prerouting", NF_INET_PRE_ROUTING, -100);
	put_chain(&bl, m->table, "output", NF_INET_LOCAL_OUT, -100);
	put_chain(&bl, m->table, "postrouting", NF_INET_POST_ROUTING, 100);
	for (int k = 0; k < nf; k++) {
		for (int i = 0; i < n_selectors(m); i++) {
			struct ns_port_range p;

			selector(m, i, &p);
			dnat_rule(&bl, st, "prerouting", &fams[k], fams[k].pod, &p);
			dnat_rule(&bl, st, "output", &fams[k], fams[k].pod, &p);
			if (fams[k].family == AF_INET)
				dnat_rule(&bl, st, "output", &fams[k], &lo, &p);
		}
		postrouting_rules(&bl, st, &fams[k]);
	}
	return finish(&bl, out);
}

int ns_nft_batch_delete(const char *table, uint32_t seq, struct ns_nft_batch *out)
{
	struct builder bl;
	int ret = start(&bl, seq, out);

	if (ret)
		return ret;
	put_table(&bl, table, NFT_MSG_DELTABLE, 0);
	return finish(&bl, out);
}

void ns_nft_batch_free(struct ns_nft_batch *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = 0;
}
