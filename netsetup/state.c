// SPDX-License-Identifier: MIT
/* The state cache as JSON (netsetup/STATE-FORMAT.md): encode and decode only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "common/mac.h"
#include "common/util.h"
#include "netsetup/netsetup.h"

struct name_val {
	const char *name;
	int val;
};

static const struct name_val scopes[] = {
	{ "universe", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE },
	{ "link", RT_SCOPE_LINK },	   { "host", RT_SCOPE_HOST },
	{ "nowhere", RT_SCOPE_NOWHERE },   { NULL, 0 },
};

/* Address scopes as iproute2 prints them ("global", as STATE-FORMAT.md shows). */
static const struct name_val addr_scopes[] = {
	{ "global", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE },	  { "link", RT_SCOPE_LINK },
	{ "host", RT_SCOPE_HOST },	 { "nowhere", RT_SCOPE_NOWHERE }, { NULL, 0 },
};

static const struct name_val protos[] = {
	{ "unspec", RTPROT_UNSPEC }, { "redirect", RTPROT_REDIRECT },
	{ "kernel", RTPROT_KERNEL }, { "boot", RTPROT_BOOT },
	{ "static", RTPROT_STATIC }, { "ra", RTPROT_RA },
	{ "dhcp", RTPROT_DHCP },     { NULL, 0 },
};

/* RFC 4191 2.1 route preferences, as ICMPV6_ROUTER_PREF_* and iproute2 name them. */
static const struct name_val prefs[] = {
	{ "medium", 0 }, { "high", 1 }, { "low", 3 }, { "invalid", 2 }, { NULL, 0 },
};

/* RTAX_* as iproute2 names them (index = RTAX id; RTAX_CC_ALGO is a string). */
static const char *const metric_names[NS_MAX_METRICS] = {
	[RTAX_LOCK] = "lock",
	[RTAX_MTU] = "mtu",
	[RTAX_WINDOW] = "window",
	[RTAX_RTT] = "rtt",
	[RTAX_RTTVAR] = "rttvar",
	[RTAX_SSTHRESH] = "ssthresh",
	[RTAX_CWND] = "cwnd",
	[RTAX_ADVMSS] = "advmss",
	[RTAX_REORDERING] = "reordering",
	[RTAX_HOPLIMIT] = "hoplimit",
	[RTAX_INITCWND] = "initcwnd",
	[RTAX_FEATURES] = "features",
	[RTAX_RTO_MIN] = "rto_min",
	[RTAX_INITRWND] = "initrwnd",
	[RTAX_QUICKACK] = "quickack",
	[RTAX_FASTOPEN_NO_COOKIE] = "fastopen_no_cookie",
};

static const char *metric_name(int id)
{
	return id > 0 && id < NS_MAX_METRICS && metric_names[id] ? metric_names[id] : "?";
}

static const char *const phases[] = {
	[NS_PHASE_DISCOVERED] = "discovered",
	[NS_PHASE_IN_PROGRESS] = "in-progress",
	[NS_PHASE_DONE] = "done",
};

const char *ns_phase_name(enum ns_phase p)
{
	return phases[p];
}

/* Known values by name, others as their number ("42"), so nothing is lost. */
static json_t *enum_to_json(const struct name_val *t, int v)
{
	char buf[16];

	for (; t->name; t++)
		if (t->val == v)
			return json_string(t->name);
	snprintf(buf, sizeof(buf), "%d", v);
	return json_string(buf);
}

static int enum_from_json(const struct name_val *t, json_t *j, int max, int *out)
{
	const char *s = json_string_value(j);
	char *end;
	long v;

	if (!s)
		return -EINVAL;
	for (; t->name; t++)
		if (!strcmp(t->name, s)) {
			*out = t->val;
			return 0;
		}
	v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static json_t *str_or_null(const char *s)
{
	return *s ? json_string(s) : json_null();
}

static json_t *mac_json(const uint8_t m[6])
{
	char buf[MAC_STR_SIZE];

	mac_format(m, buf);
	return json_string(buf);
}

json_t *ns_pod_to_json(const struct ns_pod *pod)
{
	json_t *o = json_object(), *v4 = json_array(), *v6 = json_array();
	json_t *routes = json_array(), *ns = json_array(), *search = json_array();
	json_t *opts = json_array();

	for (int i = 0; i < pod->n_addrs; i++) {
		const struct ns_addr *a = &pod->addrs[i];
		json_t *e = json_pack("{s:s, s:i, s:o, s:I}", "address", a->addr, "prefix",
				      a->prefix, "scope", enum_to_json(addr_scopes, a->scope),
				      "flags", (json_int_t)a->flags);

		if (a->family == AF_INET) {
			json_object_set_new(e, "broadcast", str_or_null(a->broadcast));
			json_object_set_new(e, "label", str_or_null(a->label));
		}
		json_object_set_new(e, "peer", str_or_null(a->peer));
		json_object_set_new(e, "valid_lft", json_integer(a->valid_lft));
		json_object_set_new(e, "preferred_lft", json_integer(a->preferred_lft));
		json_object_set_new(e, "lft_at", json_integer(a->lft_at));
		json_object_set_new(e, "metric", json_integer(a->metric));
		json_object_set_new(e, "proto", json_integer(a->proto));

		json_array_append_new(a->family == AF_INET ? v4 : v6, e);
	}
	for (int i = 0; i < pod->n_routes; i++) {
		const struct ns_route *r = &pod->routes[i];
		json_t *e = json_pack(
			"{s:i, s:s, s:i, s:o, s:o, s:o, s:I, s:o, s:I, s:i, s:i, s:I}", "family",
			r->family == AF_INET ? 4 : 6, "dst", r->dst, "prefix", r->prefix, "gateway",
			str_or_null(r->gateway), "scope", enum_to_json(scopes, r->scope), "src",
			str_or_null(r->src), "metric", (json_int_t)r->metric, "protocol",
			enum_to_json(protos, r->protocol), "table", (json_int_t)r->table, "type",
			r->type, "tos", r->tos, "nh_flags", (json_int_t)r->nh_flags);
		json_t *m = json_object(), *nhs = json_array();

		/* Only where it is not the route's own family: RFC 5549 routes. */
		if (r->gw_family == AF_INET6 && r->family == AF_INET)
			json_object_set_new(e, "gateway_family", json_integer(6));
		json_object_set_new(e, "from", str_or_null(r->from));
		json_object_set_new(e, "from_prefix", json_integer(r->from_prefix));
		json_object_set_new(e, "pref",
				    r->family == AF_INET6 ? enum_to_json(prefs, r->pref) :
							    json_null());
		json_object_set_new(e, "realms", json_integer(r->realms));
		for (int k = 1; k < NS_MAX_METRICS; k++)
			if (r->metrics_mask & BIT(k))
				json_object_set_new(m, metric_name(k), json_integer(r->metrics[k]));
		if (r->cc_algo[0])
			json_object_set_new(m, "cc_algo", json_string(r->cc_algo));
		json_object_set_new(e, "metrics", m);
		for (int k = 0; k < r->n_nexthops; k++) {
			const struct ns_nexthop *nh = &r->nexthops[k];

			json_t *h = json_pack("{s:o, s:i, s:I, s:i}", "gateway",
					      str_or_null(nh->gateway), "ifindex", nh->ifindex,
					      "flags", (json_int_t)nh->flags, "weight", nh->weight);

			if (nh->gw_family == AF_INET6 && r->family == AF_INET)
				json_object_set_new(h, "gateway_family", json_integer(6));
			json_array_append_new(nhs, h);
		}
		json_object_set_new(e, "nexthops", nhs);
		json_array_append_new(routes, e);
	}
	for (int i = 0; i < pod->dns.n_nameservers; i++)
		json_array_append_new(ns, json_string(pod->dns.nameservers[i]));
	for (int i = 0; i < pod->dns.n_search; i++)
		json_array_append_new(search, json_string(pod->dns.search[i]));
	for (int i = 0; i < pod->dns.n_options; i++)
		json_array_append_new(opts, json_string(pod->dns.options[i]));

	json_object_set_new(o, "ifindex", json_integer(pod->ifindex));
	json_object_set_new(o, "mac", mac_json(pod->mac));
	json_object_set_new(o, "mtu", json_integer(pod->mtu));
	json_object_set_new(o, "up", json_boolean(pod->up));
	json_object_set_new(o, "ipv4", v4);
	json_object_set_new(o, "ipv6", v6);
	json_object_set_new(o, "routes", routes);
	json_object_set_new(o, "route_tables", json_string(pod->all_tables ? "all" : "main"));
	json_object_set_new(o, "dns",
			    json_pack("{s:o, s:o, s:o}", "nameservers", ns, "search", search,
				      "options", opts));
	json_object_set_new(o, "hostname", json_string(pod->hostname));
	return o;
}

json_t *ns_state_to_json(const struct ns_state *st)
{
	const struct ns_binding *b = &st->binding;
	json_t *undo = json_array(), *bind;

	for (int i = 0; i < st->n_journal; i++) {
		json_t *e = json_pack("{s:s}", "step", st->journal[i].step);

		if (st->journal[i].old[0])
			json_object_set_new(e, "old", json_string(st->journal[i].old));
		json_array_append_new(undo, e);
	}
	bind = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:i, s:i, s:o, s:b}", "bridge",
			 b->bridge, "bridge_addr", b->bridge_addr, "nic", b->nic, "nic_mac",
			 mac_json(b->nic_mac), "placeholder", b->placeholder, "placeholder_kind",
			 b->placeholder_kind, "tap", b->tap, "queues", b->queues, "mtu", b->mtu,
			 "guest_mac", mac_json(b->guest_mac), "l2_only", b->l2_only);
	json_object_set_new(bind, "kind", json_string(ns_binding_kind_name(b->kind)));
	if (b->kind == NS_BINDING_MASQUERADE)
		json_object_set_new(bind, "masq", ns_masq_to_json(&b->masq));
	if (b->has_owner)
		json_object_set_new(bind, "tap_owner",
				    json_pack("{s:I, s:I}", "uid", (json_int_t)b->tap_uid, "gid",
					      b->tap_gid == (gid_t)-1 ? -1 :
									(json_int_t)b->tap_gid));
	return json_pack("{s:i, s:s, s:s, s:o, s:o, s:o}", "version", st->version, "phase",
			 phases[st->phase], "iface", st->pod.iface, "pod", ns_pod_to_json(&st->pod),
			 "binding", bind, "undo", undo);
}

/* ---- decoding: every field checked, since the file may be anything ---- */

struct dec {
	struct err *e;
	int err;
	bool v1; /* a version 1 cache: the keys version 2 added may be absent */
};

static bool fail(struct dec *d, const char *what)
{
	if (!d->err)
		d->err = err_set(d->e, EINVAL, "%s", what);
	return false;
}

static bool get_str(struct dec *d, json_t *o, const char *key, char *out, size_t len, bool nullable)
{
	json_t *v = json_object_get(o, key);
	char what[96];

	if (nullable && json_is_null(v)) {
		out[0] = '\0';
		return true;
	}
	if (!json_is_string(v) || json_string_length(v) >= len) {
		snprintf(what, sizeof(what), "bad or missing \"%s\"", key);
		return fail(d, what);
	}
	strcpy(out, json_string_value(v));
	return true;
}

static bool get_int(struct dec *d, json_t *o, const char *key, long long min, long long max,
		    long long *out)
{
	json_t *v = json_object_get(o, key);
	char what[96];

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(what, sizeof(what), "bad or missing \"%s\"", key);
		return fail(d, what);
	}
	*out = json_integer_value(v);
	return true;
}

static bool get_mac(struct dec *d, json_t *o, const char *key, uint8_t mac[6])
{
	char buf[24], what[96];

	if (!get_str(d, o, key, buf, sizeof(buf), false))
		return false;
	if (mac_parse(buf, mac)) {
		snprintf(what, sizeof(what), "bad MAC in \"%s\"", key);
		return fail(d, what);
	}
	return true;
}

static bool get_strs(struct dec *d, json_t *arr, char *base, size_t stride, int max, int *n)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || (int)json_array_size(arr) > max)
		return fail(d, "bad string list");
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || json_string_length(v) >= stride)
			return fail(d, "bad string in list");
		strcpy(base + i * stride, json_string_value(v));
	}
	*n = json_array_size(arr);
	return true;
}

static bool dec_addrs(struct dec *d, json_t *arr, int family, struct ns_pod *pod)
{
	size_t i;
	json_t *e;
	long long v;

	if (!json_is_array(arr))
		return fail(d, "bad address list");
	json_array_foreach(arr, i, e) {
		struct ns_addr *a;
		int scope;

		if (pod->n_addrs >= NS_MAX_ADDRS)
			return fail(d, "too many addresses");
		a = &pod->addrs[pod->n_addrs++];
		a->family = family;
		if (!get_str(d, e, "address", a->addr, sizeof(a->addr), false) ||
		    !get_int(d, e, "prefix", 0, family == AF_INET ? 32 : 128, &v))
			return false;
		a->prefix = v;
		if (enum_from_json(addr_scopes, json_object_get(e, "scope"), 255, &scope))
			return fail(d, "bad address scope");
		a->scope = scope;
		if (!get_int(d, e, "flags", 0, UINT32_MAX, &v))
			return false;
		a->flags = v;
		if (family == AF_INET &&
		    !get_str(d, e, "broadcast", a->broadcast, sizeof(a->broadcast), true))
			return false;
		a->valid_lft = a->preferred_lft = NS_LFT_FOREVER;
		if (d->v1) {
			/* Version 1 kept no proto: its IPv6 link-locals were the kernel's. */
			if (family == AF_INET6 && a->scope == RT_SCOPE_LINK)
				a->proto = IFAPROT_KERNEL_LL;
			continue;
		}
		if ((family == AF_INET &&
		     !get_str(d, e, "label", a->label, sizeof(a->label), true)) ||
		    !get_str(d, e, "peer", a->peer, sizeof(a->peer), true))
			return false;
		if (!get_int(d, e, "valid_lft", 0, UINT32_MAX, &v))
			return false;
		a->valid_lft = v;
		if (!get_int(d, e, "preferred_lft", 0, UINT32_MAX, &v))
			return false;
		a->preferred_lft = v;
		if (!get_int(d, e, "lft_at", 0, INT64_MAX, &v))
			return false;
		a->lft_at = v;
		if (!get_int(d, e, "metric", 0, UINT32_MAX, &v))
			return false;
		a->metric = v;
		if (!get_int(d, e, "proto", 0, 255, &v))
			return false;
		a->proto = v;
	}
	return true;
}

static bool dec_metrics(struct dec *d, json_t *m, struct ns_route *r)
{
	const char *key;
	json_t *v;

	if (!json_is_object(m))
		return fail(d, "bad route \"metrics\"");
	json_object_foreach(m, key, v) {
		int id = 0;

		if (!strcmp(key, "cc_algo")) {
			if (!json_is_string(v) || json_string_length(v) >= sizeof(r->cc_algo) ||
			    !json_string_length(v))
				return fail(d, "bad route metric \"cc_algo\"");
			strcpy(r->cc_algo, json_string_value(v));
			continue;
		}
		for (int k = 1; k < NS_MAX_METRICS; k++)
			if (metric_names[k] && !strcmp(metric_names[k], key))
				id = k;
		if (!id || !json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT32_MAX)
			return fail(d, "bad or unknown route metric");
		r->metrics[id] = json_integer_value(v);
		r->metrics_mask |= BIT(id);
	}
	return true;
}

/*
 * "gateway_family": absent (the route's family), or 6 on an IPv4 route
 * with a gateway: an IPv6 next hop (RTA_VIA, RFC 5549).
 */
static bool dec_gw_family(struct dec *d, json_t *o, const struct ns_route *r, const char *gw,
			  int *out)
{
	json_t *v = json_object_get(o, "gateway_family");

	*out = 0;
	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) != 6 || r->family != AF_INET || !gw[0])
		return fail(d, "bad route \"gateway_family\"");
	*out = AF_INET6;
	return true;
}

static bool dec_nexthops(struct dec *d, json_t *arr, struct ns_route *r)
{
	long long v;
	size_t i;
	json_t *e;

	if (!json_is_array(arr) || json_array_size(arr) > NS_MAX_NEXTHOPS)
		return fail(d, "bad route \"nexthops\"");
	json_array_foreach(arr, i, e) {
		struct ns_nexthop *nh = &r->nexthops[i];

		if (!get_str(d, e, "gateway", nh->gateway, sizeof(nh->gateway), true) ||
		    !dec_gw_family(d, e, r, nh->gateway, &nh->gw_family) ||
		    !get_int(d, e, "ifindex", 1, INT32_MAX, &v))
			return false;
		nh->ifindex = v;
		if (!get_int(d, e, "flags", 0, UINT32_MAX, &v))
			return false;
		nh->flags = v;
		if (!get_int(d, e, "weight", 1, 256, &v))
			return false;
		nh->weight = v;
	}
	r->n_nexthops = json_array_size(arr);
	return true;
}

static bool dec_route(struct dec *d, json_t *e, struct ns_route *r)
{
	long long v;
	int x;

	if (!get_int(d, e, "family", 4, 6, &v) || (v != 4 && v != 6))
		return fail(d, "bad route family");
	r->family = v == 4 ? AF_INET : AF_INET6;
	if (!get_str(d, e, "dst", r->dst, sizeof(r->dst), false) ||
	    !get_int(d, e, "prefix", 0, r->family == AF_INET ? 32 : 128, &v))
		return false;
	r->prefix = v;
	if (!get_str(d, e, "gateway", r->gateway, sizeof(r->gateway), true) ||
	    !dec_gw_family(d, e, r, r->gateway, &r->gw_family) ||
	    !get_str(d, e, "src", r->src, sizeof(r->src), true))
		return false;
	if (enum_from_json(scopes, json_object_get(e, "scope"), 255, &x))
		return fail(d, "bad route scope");
	r->scope = x;
	if (enum_from_json(protos, json_object_get(e, "protocol"), 255, &x))
		return fail(d, "bad route protocol");
	r->protocol = x;
	if (!get_int(d, e, "metric", 0, UINT32_MAX, &v))
		return false;
	r->metric = v;
	if (!get_int(d, e, "table", 0, UINT32_MAX, &v))
		return false;
	r->table = v;
	if (!get_int(d, e, "type", 0, 255, &v))
		return false;
	r->type = v;
	if (!get_int(d, e, "tos", 0, 255, &v))
		return false;
	r->tos = v;
	if (!get_int(d, e, "nh_flags", 0, UINT32_MAX, &v))
		return false;
	r->nh_flags = v;
	if (d->v1)
		return true;
	if (!get_str(d, e, "from", r->from, sizeof(r->from), true) ||
	    !get_int(d, e, "from_prefix", 0, r->family == AF_INET ? 32 : 128, &v))
		return false;
	r->from_prefix = v;
	if (r->family == AF_INET6) {
		if (enum_from_json(prefs, json_object_get(e, "pref"), 255, &x))
			return fail(d, "bad route pref");
		r->pref = x;
	} else if (!json_is_null(json_object_get(e, "pref"))) {
		return fail(d, "bad route pref");
	}
	if (!get_int(d, e, "realms", 0, UINT32_MAX, &v))
		return false;
	r->realms = v;
	return dec_metrics(d, json_object_get(e, "metrics"), r) &&
	       dec_nexthops(d, json_object_get(e, "nexthops"), r);
}

static bool dec_pod(struct dec *d, json_t *p, struct ns_pod *pod)
{
	json_t *routes = json_object_get(p, "routes"), *dns = json_object_get(p, "dns"), *e;
	long long v;
	size_t i;

	if (!json_is_object(p))
		return fail(d, "missing \"pod\"");
	if (!get_int(d, p, "ifindex", 1, INT32_MAX, &v))
		return false;
	pod->ifindex = v;
	if (!get_mac(d, p, "mac", pod->mac) || !get_int(d, p, "mtu", 68, 65535, &v))
		return false;
	pod->mtu = v;
	if (!json_is_boolean(json_object_get(p, "up")))
		return fail(d, "bad or missing \"up\"");
	pod->up = json_is_true(json_object_get(p, "up"));
	if (!dec_addrs(d, json_object_get(p, "ipv4"), AF_INET, pod) ||
	    !dec_addrs(d, json_object_get(p, "ipv6"), AF_INET6, pod))
		return false;
	if (!json_is_array(routes) || json_array_size(routes) > NS_MAX_ROUTES)
		return fail(d, "bad \"routes\"");
	pod->all_tables = !d->v1;
	if (!d->v1) {
		const char *t = json_string_value(json_object_get(p, "route_tables"));

		if (!t || (strcmp(t, "all") && strcmp(t, "main")))
			return fail(d, "bad or missing \"route_tables\"");
		pod->all_tables = !strcmp(t, "all");
	}
	json_array_foreach(routes, i, e)
		if (!dec_route(d, e, &pod->routes[pod->n_routes++]))
			return false;
	if (!json_is_object(dns))
		return fail(d, "bad \"dns\"");
	if (!get_strs(d, json_object_get(dns, "nameservers"), pod->dns.nameservers[0],
		      NS_ADDRSTRLEN, NS_MAX_NAMESERVERS, &pod->dns.n_nameservers) ||
	    !get_strs(d, json_object_get(dns, "search"), pod->dns.search[0], NS_DOMAINLEN,
		      NS_MAX_SEARCH, &pod->dns.n_search) ||
	    !get_strs(d, json_object_get(dns, "options"), pod->dns.options[0], 64, NS_MAX_OPTIONS,
		      &pod->dns.n_options))
		return false;
	return get_str(d, p, "hostname", pod->hostname, sizeof(pod->hostname), false);
}

static bool dec_binding(struct dec *d, json_t *o, struct ns_binding *b)
{
	json_t *owner;
	long long v;

	if (!json_is_object(o))
		return fail(d, "missing \"binding\"");
	if (!get_str(d, o, "bridge", b->bridge, IFNAMSIZ, false) ||
	    !get_str(d, o, "bridge_addr", b->bridge_addr, sizeof(b->bridge_addr), false) ||
	    !get_str(d, o, "nic", b->nic, IFNAMSIZ, false) ||
	    !get_mac(d, o, "nic_mac", b->nic_mac) ||
	    !get_str(d, o, "placeholder", b->placeholder, IFNAMSIZ, false) ||
	    !get_str(d, o, "placeholder_kind", b->placeholder_kind, sizeof(b->placeholder_kind),
		     false) ||
	    !get_str(d, o, "tap", b->tap, IFNAMSIZ, false) ||
	    !get_int(d, o, "queues", 1, NET_QUEUE_PAIRS_MAX, &v))
		return false;
	b->queues = v;
	if (!get_int(d, o, "mtu", 68, 65535, &v))
		return false;
	b->mtu = v;
	if (!get_mac(d, o, "guest_mac", b->guest_mac))
		return false;
	if (!json_is_boolean(json_object_get(o, "l2_only")))
		return fail(d, "bad or missing \"l2_only\"");
	b->l2_only = json_is_true(json_object_get(o, "l2_only"));
	/* No "kind": a cache from before the masquerade binding, a bridge one. */
	if (json_object_get(o, "kind")) {
		if (!json_is_string(json_object_get(o, "kind")) ||
		    ns_binding_kind_parse(json_string_value(json_object_get(o, "kind")), &b->kind))
			return fail(d, "bad \"binding.kind\"");
		if (b->kind == NS_BINDING_MASQUERADE && !d->err) {
			d->err = ns_masq_from_json(json_object_get(o, "masq"), &b->masq, d->e);
			if (d->err)
				return false;
		}
	}
	owner = json_object_get(o, "tap_owner");
	if (owner) {
		b->has_owner = true;
		if (!get_int(d, owner, "uid", 0, UINT32_MAX - 1, &v))
			return false;
		b->tap_uid = v;
		if (!get_int(d, owner, "gid", -1, UINT32_MAX - 1, &v))
			return false;
		b->tap_gid = v;
	}
	return true;
}

int ns_state_from_json(json_t *j, struct ns_state *st, struct err *err)
{
	struct dec d = { .e = err };
	json_t *undo, *e;
	char phase[16];
	long long v;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!json_is_object(j)) {
		return err_set(err, EINVAL, "not a JSON object");
	}
	if (!get_int(&d, j, "version", 0, INT32_MAX, &v))
		return d.err;
	if (v != NS_CACHE_VERSION && v != 1) {
		return err_set(err, EPROTO, "version %lld, expected %d (or 1)", v,
			       NS_CACHE_VERSION);
	}
	st->version = v;
	d.v1 = v == 1;
	if (!get_str(&d, j, "phase", phase, sizeof(phase), false))
		return d.err;
	for (i = 0; i < ARRAY_SIZE(phases); i++)
		if (!strcmp(phases[i], phase))
			break;
	if (i == ARRAY_SIZE(phases)) {
		fail(&d, "unknown phase");
		return d.err;
	}
	st->phase = i;
	if (!get_str(&d, j, "iface", st->pod.iface, IFNAMSIZ, false) ||
	    !dec_pod(&d, json_object_get(j, "pod"), &st->pod) ||
	    !dec_binding(&d, json_object_get(j, "binding"), &st->binding))
		return d.err;
	undo = json_object_get(j, "undo");
	if (!json_is_array(undo) || json_array_size(undo) > NS_MAX_JOURNAL) {
		fail(&d, "bad \"undo\"");
		return d.err;
	}
	json_array_foreach(undo, i, e) {
		struct ns_journal_entry *je = &st->journal[i];

		if (!get_str(&d, e, "step", je->step, sizeof(je->step), false))
			return d.err;
		if (json_object_get(e, "old") &&
		    !get_str(&d, e, "old", je->old, sizeof(je->old), false))
			return d.err;
	}
	st->n_journal = json_array_size(undo);
	return 0;
}
