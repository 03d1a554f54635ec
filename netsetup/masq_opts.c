// SPDX-License-Identifier: MIT
/* Values of the masquerade binding's flags: pure parsing, unit-tested. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "netsetup/masq.h"

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "sctp", IPPROTO_SCTP },
};

const char *ns_proto_name(uint8_t proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return "?";
}

int ns_proto_parse(const char *s, uint8_t *proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(protos[i].name, s)) {
			*proto = protos[i].proto;
			return 0;
		}
	return -EINVAL;
}

int ns_binding_kind_parse(const char *s, enum ns_binding_kind *out)
{
	if (!strcmp(s, "bridge"))
		*out = NS_BINDING_BRIDGE;
	else if (!strcmp(s, "masquerade"))
		*out = NS_BINDING_MASQUERADE;
	else
		return -EINVAL;
	return 0;
}

const char *ns_binding_kind_name(enum ns_binding_kind k)
{
	return k == NS_BINDING_MASQUERADE ? "masquerade" : "bridge";
}

/* Split "ADDR/P"; P a strict decimal in [lo, hi]. */
static int split_prefix(const char *s, char *addr, size_t len, int lo, int hi, int *prefix)
{
	const char *slash = strchr(s, '/');
	unsigned long long v;

	if (!slash || (size_t)(slash - s) >= len || num_parse(slash + 1, lo, hi, &v))
		return -EINVAL;
	memcpy(addr, s, slash - s);
	addr[slash - s] = '\0';
	*prefix = (int)v;
	return 0;
}

int ns_cidr4_parse(const char *s, struct in_addr *net, int *prefix)
{
	char a[INET_ADDRSTRLEN];
	uint32_t mask;

	if (split_prefix(s, a, sizeof(a), 1, 30, prefix) || inet_pton(AF_INET, a, net) != 1)
		return -EINVAL;
	mask = htonl(~0u << (32 - *prefix));
	return (net->s_addr & ~mask) ? -EINVAL : 0;
}

int ns_cidr6_parse(const char *s, struct in6_addr *net, int *prefix)
{
	char a[INET6_ADDRSTRLEN];

	if (split_prefix(s, a, sizeof(a), 1, 126, prefix) || inet_pton(AF_INET6, a, net) != 1)
		return -EINVAL;
	for (int bit = *prefix; bit < 128; bit++)
		if (net->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return -EINVAL;
	return 0;
}

int ns_ports_parse(const char *s, struct ns_port_range *out, int max, int *n)
{
	char buf[1024], *save = NULL, *item;

	if (!*s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	*n = 0;
	/* strtok_r would skip empty items ("tcp:80,,udp:53"): refuse them instead. */
	if (s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return -EINVAL;
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':'), *dash;
		unsigned long long lo, hi;
		struct ns_port_range *p;

		if (!colon || *n >= max)
			return -EINVAL;
		*colon = '\0';
		p = &out[*n];
		if (ns_proto_parse(item, &p->proto))
			return -EINVAL;
		dash = strchr(colon + 1, '-');
		if (dash)
			*dash = '\0';
		if (num_parse(colon + 1, 1, 65535, &lo))
			return -EINVAL;
		hi = lo;
		if (dash && num_parse(dash + 1, lo, 65535, &hi))
			return -EINVAL;
		p->lo = (uint16_t)lo;
		p->hi = (uint16_t)hi;
		(*n)++;
	}
	return 0;
}
