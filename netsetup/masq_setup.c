// SPDX-License-Identifier: MIT
/* The masquerade binding's checks around its transaction (I/O). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/ip.h>

#include "common/log.h"
#include "netsetup/masq_setup.h"
#include "netsetup/nft_table.h"
#include "netsetup/nl.h"

#define V6_FORWARDING "/proc/sys/net/ipv6/conf/all/forwarding"

/*
 * IPv6 has no per-device forwarding switch that rtnetlink can set (the
 * AF_INET6 part of RTM_SETLINK takes only the token and addr_gen_mode),
 * and ip6_forward() drops what arrives for another host unless
 * conf.all.forwarding is on (or, since Linux 6.17, a device's
 * force_forwarding, also a sysctl).  Reading /proc/sys works in a pod;
 * writing it does not.  So IPv6 is served where the pod spec grants it.
 */
void ns_masq_ipv6_gate(struct ns_state *st)
{
	char buf[8] = "";
	int fd;
	bool on = false;

	if (st->binding.kind != NS_BINDING_MASQUERADE || !st->binding.masq.v6.pod[0])
		return;
	fd = open(V6_FORWARDING, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		on = n > 0 && buf[0] == '1';
		close(fd);
	}
	if (!on)
		log_error("netsetup",
			  "IPv6 masquerade needs net.ipv6.conf.all.forwarding=1, which "
			  "a pod cannot set (no netlink knob; /proc/sys is read-only): add it to "
			  "the pod's securityContext.sysctls (an unsafe sysctl: allow it with "
			  "kubelet --allowed-unsafe-sysctls). Serving IPv4 only",
			  "{s:s, s:s, s:s}", "step", "ipv6", "missing",
			  "net.ipv6.conf.all.forwarding", "pod_ipv6", st->binding.masq.v6.pod);
	ns_masq_plan_ipv6(st, on);
}

int ns_masq_preflight(const struct ns_state *st, struct err *e)
{
	const char *table = st->binding.masq.table;
	int ret = ns_nft_table_exists(table);

	if (ret == 1)
		return err_at(e, "preflight",
			      err_set(e, EEXIST,
				      "an nftables table with the "
				      "binding's name already exists: %s",
				      table));
	if (ret < 0)
		return err_at(e, "preflight",
			      err_sys(e, ret, "cannot read the nftables ruleset (table %s)",
				      table));
	return 0;
}

static bool has_addr(struct nl_sock *sk, int ifindex, int family, const char *addr, int prefix)
{
	static struct ns_addr addrs[NS_MAX_ADDRS];
	int n;

	if (nsnl_addr_list(sk, ifindex, addrs, NS_MAX_ADDRS, &n))
		return false;
	for (int i = 0; i < n; i++)
		if (addrs[i].family == family && addrs[i].prefix == prefix &&
		    !strcmp(addrs[i].addr, addr))
			return true;
	return false;
}

/*
 * Live: every piece is there and set.  Absent: none of ours is, and the
 * pod interface by its name no longer carries the cached pod IP at the
 * cached ifindex (a recreated sandbox; CNI gave it anew).  Otherwise
 * partial: rolled back from the cache and done again.
 */
int ns_masq_binding_state(const struct ns_state *st)
{
	const struct ns_binding *b = &st->binding;
	const struct ns_masq *m = &b->masq;
	struct nsnl_link br, tap, pod;
	struct nl_sock *sk;
	bool have_br, have_tap, pod_same, live;
	uint32_t fwd_br = 0, fwd_pod = 0, rl = 0;
	int table, ret = nsnl_open(&sk), pod_prefix = 32;

	if (ret)
		return ret;
	for (int i = 0; i < st->pod.n_addrs; i++)
		if (!strcmp(st->pod.addrs[i].addr, m->v4.pod))
			pod_prefix = st->pod.addrs[i].prefix;
	table = ns_nft_table_exists(m->table);
	have_br = !nsnl_link_get(sk, 0, b->bridge, &br) && !strcmp(br.kind, "bridge");
	have_tap = !nsnl_link_get(sk, 0, b->tap, &tap) && !strcmp(tap.kind, "tun");
	pod_same = !nsnl_link_get(sk, 0, st->pod.iface, &pod) && pod.ifindex == st->pod.ifindex &&
		   has_addr(sk, pod.ifindex, AF_INET, m->v4.pod, pod_prefix);
	live = table == 1 && have_br && have_tap && pod_same && br.up && tap.up &&
	       tap.master == br.ifindex && tap.mtu == b->mtu &&
	       has_addr(sk, br.ifindex, AF_INET, m->v4.gateway, m->v4.prefix) &&
	       (!m->ipv6 || has_addr(sk, br.ifindex, AF_INET6, m->v6.gateway, m->v6.prefix)) &&
	       !nsnl_inet_conf_get(sk, br.ifindex, IPV4_DEVCONF_FORWARDING, &fwd_br) && fwd_br &&
	       !nsnl_inet_conf_get(sk, br.ifindex, IPV4_DEVCONF_ROUTE_LOCALNET, &rl) && rl &&
	       !nsnl_inet_conf_get(sk, pod.ifindex, IPV4_DEVCONF_FORWARDING, &fwd_pod) && fwd_pod;
	nsnl_close(sk);
	if (table < 0)
		return table;
	if (live)
		return NS_MASQ_LIVE;
	if (!table && !have_br && !have_tap && !pod_same)
		return NS_MASQ_ABSENT;
	return NS_MASQ_PARTIAL;
}
