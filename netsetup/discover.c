// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "common/log.h"
#include "netsetup/netsetup.h"
#include "netsetup/nl.h"

int ns_discover(const char *iface, const char *resolv_conf, struct ns_pod *pod, int flags,
		struct err *e)
{
	struct nl_sock *sk;
	struct nsnl_link l;
	struct err re = { 0 };
	int ret;

	memset(pod, 0, sizeof(*pod));
	ret = nsnl_open(&sk);
	if (ret)
		return ret;
	ret = nsnl_link_get(sk, 0, iface, &l);
	if (ret)
		goto out;
	snprintf(pod->iface, IFNAMSIZ, "%s", l.name);
	pod->ifindex = l.ifindex;
	memcpy(pod->mac, l.mac, 6);
	pod->mtu = l.mtu;
	pod->up = l.up;
	ret = nsnl_addr_list(sk, l.ifindex, pod->addrs, NS_MAX_ADDRS, &pod->n_addrs);
	if (ret)
		goto out;
	pod->all_tables = true;
	ret = nsnl_route_list(sk, l.ifindex, pod->routes, NS_MAX_ROUTES, &pod->n_routes,
			      (flags & NS_DISCOVER_SKIP_UNRESTORABLE) ? &pod->n_unrestorable : NULL,
			      &re);
	if (ret) {
		if (e)
			*e = re;
		goto out;
	}
	if (pod->n_unrestorable)
		snprintf(pod->unrestorable, sizeof(pod->unrestorable), "%s", re.msg);
	ret = ns_resolv_read(resolv_conf, &pod->dns);
	if (ret)
		goto out;
	if (gethostname(pod->hostname, sizeof(pod->hostname) - 1))
		pod->hostname[0] = '\0';
out:
	nsnl_close(sk);
	return ret;
}
