// SPDX-License-Identifier: MIT
/*
 * The masquerade binding decided before anything changes (pure): names,
 * the guest subnet, the pod addresses NAT'ed to the guest, the ports.  The
 * pod interface itself is not part of the plan: nothing on it changes but
 * its IPv4 "forwarding" setting, which the pod_forwarding step saves.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "netsetup/netsetup.h"

/* network + host (host < 2^(32-prefix)) as text. */
static void v4_host(struct in_addr net, uint32_t host, char *out, size_t len)
{
	struct in_addr a = { htonl(ntohl(net.s_addr) + host) };

	inet_ntop(AF_INET, &a, out, len);
}

static void v6_host(const struct in6_addr *net, uint8_t host, char *out, size_t len)
{
	struct in6_addr a = *net;

	a.s6_addr[15] |= host; /* prefix <= 126: the last two bits are host bits */
	inet_ntop(AF_INET6, &a, out, len);
}

/* Do A/pa and B/pb share an address? (One contains the other's network.) */
static bool v4_overlap(struct in_addr a, int pa, struct in_addr b, int pb)
{
	int p = pa < pb ? pa : pb;
	uint32_t m = p ? ~0u << (32 - p) : 0;

	return (ntohl(a.s_addr) & m) == (ntohl(b.s_addr) & m);
}

static bool v6_overlap(const struct in6_addr *a, int pa, const struct in6_addr *b, int pb)
{
	int p = pa < pb ? pa : pb;

	for (int bit = 0; bit < p; bit++) {
		uint8_t m = 0x80 >> (bit % 8);

		if ((a->s6_addr[bit / 8] & m) != (b->s6_addr[bit / 8] & m))
			return false;
	}
	return true;
}

int ns_masq_plan(struct ns_state *st, const struct ns_opts *o, struct err *e)
{
	struct ns_binding *b = &st->binding;
	struct ns_masq *m = &b->masq;
	const struct ns_pod *pod = &st->pod;
	const struct ns_masq_opts *mo = &o->masq;

	b->kind = NS_BINDING_MASQUERADE;
	if (snprintf(b->bridge, IFNAMSIZ, "k6t-%s", pod->iface) >= IFNAMSIZ) {
		return err_set(e, ENAMETOOLONG, "interface name %s too long for k6t-%s (max %d)",
			       pod->iface, pod->iface, IFNAMSIZ - 1 - 4);
	}
	snprintf(b->tap, IFNAMSIZ, "%s", o->tap_name);
	if (!strcmp(b->tap, b->bridge) || !strcmp(b->tap, pod->iface)) {
		return err_set(e, EINVAL, "tap name %s clashes with the binding's links", b->tap);
	}
	snprintf(m->table, sizeof(m->table), "podlaunch-%s", pod->iface);
	memcpy(b->guest_mac, o->has_guest_mac ? o->guest_mac : pod->mac, 6);
	b->queues = o->queues > 0 ? o->queues : 1;
	b->mtu = o->mtu > 0 ? o->mtu : pod->mtu;
	b->has_owner = o->has_owner;
	b->tap_uid = o->tap_uid;
	b->tap_gid = o->tap_gid;
	b->l2_only = false;

	v4_host(mo->net4, 2, m->v4.guest, sizeof(m->v4.guest));
	v4_host(mo->net4, 1, m->v4.gateway, sizeof(m->v4.gateway));
	m->v4.prefix = mo->prefix4;
	v6_host(&mo->net6, 2, m->v6.guest, sizeof(m->v6.guest));
	v6_host(&mo->net6, 1, m->v6.gateway, sizeof(m->v6.gateway));
	m->v6.prefix = mo->prefix6;
	/* The bridge address doubles as the DHCP server identifier. */
	snprintf(b->bridge_addr, sizeof(b->bridge_addr), "%s", m->v4.gateway);

	for (int i = 0; i < pod->n_addrs; i++) {
		const struct ns_addr *a = &pod->addrs[i];
		struct in6_addr a6;
		struct in_addr a4;

		if (a->scope != RT_SCOPE_UNIVERSE)
			continue;
		if (a->family == AF_INET && inet_pton(AF_INET, a->addr, &a4) == 1) {
			if (v4_overlap(a4, a->prefix, mo->net4, mo->prefix4)) {
				return err_set(e, EINVAL,
					       "guest subnet %s/%d overlaps the pod's %s/%d "
					       "(choose another --guest-cidr)",
					       m->v4.gateway, mo->prefix4, a->addr, a->prefix);
			}
			if (!m->v4.pod[0])
				snprintf(m->v4.pod, sizeof(m->v4.pod), "%s", a->addr);
		} else if (a->family == AF_INET6 && inet_pton(AF_INET6, a->addr, &a6) == 1) {
			if (v6_overlap(&a6, a->prefix, &mo->net6, mo->prefix6)) {
				return err_set(e, EINVAL,
					       "guest subnet %s/%d overlaps the pod's %s/%d "
					       "(choose another --guest-cidr6)",
					       m->v6.gateway, mo->prefix6, a->addr, a->prefix);
			}
			if (!m->v6.pod[0])
				snprintf(m->v6.pod, sizeof(m->v6.pod), "%s", a->addr);
		}
	}
	if (!m->v4.pod[0]) {
		return err_set(e, EINVAL, "masquerade binding needs a global IPv4 address on %s",
			       pod->iface);
	}
	m->ipv6 = false; /* ns_masq_plan_ipv6 decides */
	memcpy(m->ports, mo->ports, sizeof(m->ports));
	m->n_ports = mo->n_ports;
	return 0;
}

void ns_masq_plan_ipv6(struct ns_state *st, bool ipv6_forwarding)
{
	struct ns_masq *m = &st->binding.masq;

	m->ipv6 = m->v6.pod[0] && ipv6_forwarding;
	if (!m->ipv6)
		memset(&m->v6, 0, sizeof(m->v6));
}
