// SPDX-License-Identifier: MIT
/* The masquerade binding in the state cache (netsetup/STATE-FORMAT.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/netsetup.h"

static json_t *net_json(const struct ns_masq_net *n)
{
	return json_pack("{s:s, s:s, s:i, s:s}", "guest", n->guest, "gateway", n->gateway, "prefix",
			 n->prefix, "pod", n->pod);
}

json_t *ns_masq_to_json(const struct ns_masq *m)
{
	json_t *ports = json_array();

	for (int i = 0; i < m->n_ports; i++)
		json_array_append_new(ports, json_pack("{s:s, s:i, s:i}", "proto",
						       ns_proto_name(m->ports[i].proto), "from",
						       m->ports[i].lo, "to", m->ports[i].hi));
	return json_pack("{s:s, s:o, s:o, s:o}", "table", m->table, "ipv4", net_json(&m->v4),
			 "ipv6", m->ipv6 ? net_json(&m->v6) : json_null(), "ports", ports);
}

static int str_field(json_t *o, const char *key, char *out, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || json_string_length(v) >= len)
		return -EINVAL;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int net_from_json(json_t *o, int family, struct ns_masq_net *n)
{
	unsigned char buf[sizeof(struct in6_addr)];
	json_t *p = json_object_get(o, "prefix");
	int max = family == AF_INET ? 30 : 126;

	if (!json_is_object(o) || str_field(o, "guest", n->guest, sizeof(n->guest)) ||
	    str_field(o, "gateway", n->gateway, sizeof(n->gateway)) ||
	    str_field(o, "pod", n->pod, sizeof(n->pod)) || !json_is_integer(p) ||
	    json_integer_value(p) < 1 || json_integer_value(p) > max ||
	    inet_pton(family, n->guest, buf) != 1 || inet_pton(family, n->gateway, buf) != 1 ||
	    inet_pton(family, n->pod, buf) != 1)
		return -EINVAL;
	n->prefix = (int)json_integer_value(p);
	return 0;
}

int ns_masq_from_json(json_t *j, struct ns_masq *m, struct err *e)
{
	json_t *ports, *pe, *v6;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!json_is_object(j))
		return err_set(e, EINVAL, "bad or missing \"binding.masq\"");
	if (str_field(j, "table", m->table, sizeof(m->table)) ||
	    strncmp(m->table, "podlaunch-", 10))
		return err_set(e, EINVAL, "bad \"binding.masq.table\"");
	if (net_from_json(json_object_get(j, "ipv4"), AF_INET, &m->v4))
		return err_set(e, EINVAL, "bad \"binding.masq.ipv4\"");
	v6 = json_object_get(j, "ipv6");
	if (!json_is_null(v6)) {
		if (net_from_json(v6, AF_INET6, &m->v6))
			return err_set(e, EINVAL, "bad \"binding.masq.ipv6\"");
		m->ipv6 = true;
	}
	ports = json_object_get(j, "ports");
	if (!json_is_array(ports) || json_array_size(ports) > NS_MAX_PORTS)
		return err_set(e, EINVAL, "bad \"binding.masq.ports\"");
	json_array_foreach(ports, i, pe) {
		struct ns_port_range *p = &m->ports[i];
		json_t *lo = json_object_get(pe, "from"), *hi = json_object_get(pe, "to");

		if (!json_is_string(json_object_get(pe, "proto")) ||
		    ns_proto_parse(json_string_value(json_object_get(pe, "proto")), &p->proto) ||
		    !json_is_integer(lo) || !json_is_integer(hi) || json_integer_value(lo) < 1 ||
		    json_integer_value(hi) > 65535 ||
		    json_integer_value(lo) > json_integer_value(hi))
			return err_set(e, EINVAL, "bad \"binding.masq.ports\"");
		p->lo = (uint16_t)json_integer_value(lo);
		p->hi = (uint16_t)json_integer_value(hi);
	}
	m->n_ports = (int)json_array_size(ports);
	return 0;
}
