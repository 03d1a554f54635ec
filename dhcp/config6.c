// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <jansson.h>

#include "common/err.h"
#include "common/log.h"
#include "common/mac.h"
#include "dhcp/config6.h"
#include "dhcp/ip6pkt.h"
#include "dhcp/optenc.h"
#include "dhcp/proto6.h"

/* An address, "%zone" suffix allowed (a link-local next hop may carry one). */
static int parse_v6(const char *s, struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	const char *pct;
	size_t n;

	if (!s)
		return -EINVAL;
	pct = strchr(s, '%');
	n = pct ? (size_t)(pct - s) : strlen(s);
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = 0;
	return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -EINVAL;
}

static void mask(struct in6_addr *a, unsigned int len)
{
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = len > 8 * i ? len - 8 * i : 0;

		if (bits < 8)
			a->s6_addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static bool is_global(const struct in6_addr *a)
{
	/* Neither link-local, multicast, loopback nor unspecified. */
	static const struct in6_addr any = IN6ADDR_ANY_INIT, lo = IN6ADDR_LOOPBACK_INIT;

	return !ip6_is_link_local(a) && a->s6_addr[0] != 0xff && memcmp(a, &any, 16) &&
	       memcmp(a, &lo, 16);
}

/*
 * A prefix is on-link for the guest only where the pod had it so: a
 * route to exactly that prefix without a gateway (the kernel's prefix
 * route, or a CNI's).  CNI ptp removes it and routes the subnet via the
 * gateway; Calico-style pods hold a /128 or a noprefixroute /64.
 */
static bool onlink(json_t *routes, const struct in6_addr *pfx, unsigned int len)
{
	size_t i;
	json_t *r;

	json_array_foreach(routes, i, r) {
		struct in6_addr dst;
		json_t *table = json_object_get(r, "table");

		if (json_integer_value(json_object_get(r, "family")) != 6 ||
		    (json_is_integer(table) && json_integer_value(table) != 254) ||
		    json_integer_value(json_object_get(r, "prefix")) != (json_int_t)len ||
		    json_is_string(json_object_get(r, "gateway")) ||
		    parse_v6(json_string_value(json_object_get(r, "dst")), &dst))
			continue;
		mask(&dst, len);
		if (!memcmp(&dst, pfx, 16))
			return true;
	}
	return false;
}

static void load_prefix(struct dhcp6_config *cfg, json_t *routes, const struct in6_addr *a,
			unsigned int len)
{
	struct dhcp6_prefix p = { .prefix = *a, .len = (uint8_t)len };
	struct in6_addr eui;

	mask(&p.prefix, len);
	for (size_t i = 0; i < cfg->npfx; i++)
		if (cfg->pfx[i].len == len && !memcmp(&cfg->pfx[i].prefix, &p.prefix, 16))
			return;
	p.onlink = onlink(routes, &p.prefix, len);
	/*
	 * RFC 4862 5.5.3: with A set the guest forms prefix + interface ID.
	 * Only when that is the pod address (a /64 and the modified EUI-64
	 * of the guest MAC, RFC 4291 appendix A) does it help; any other
	 * address would not be routed to the pod.  Guests using RFC 7217
	 * stable or RFC 8981 temporary IDs still form an extra address then
	 * (see dhcp/README.md).
	 */
	ip6_ll_from_mac(&eui, cfg->guest_mac);
	p.autonomous = len == 64 && !memcmp(a->s6_addr + 8, eui.s6_addr + 8, 8);
	cfg->pfx[cfg->npfx++] = p;
}

/*
 * The masquerade binding: the guest lives in the private subnet behind
 * NAT66 (binding.masq.ipv6), never on the pod's addresses.  null there
 * means setup did not serve IPv6 (no net.ipv6.conf.all.forwarding): then
 * nothing is served, since a pod address handed to the guest on the
 * private bridge would be neither routed nor NAT'ed.  Otherwise IA_NA
 * carries the guest address, the RA puts the subnet on-link (L, not A: a
 * prefix longer than /64 is no SLAAC prefix, RFC 4862 5.5.3 d) and makes
 * the bridge itself the default router (RFC 4861 6.2.1): it holds the
 * gateway address and forwards to the pod interface.
 */
static int load_masq6(struct dhcp6_config *cfg, json_t *v6)
{
	json_int_t plen = json_integer_value(json_object_get(v6, "prefix"));
	struct in6_addr guest, gw, a, b;

	if (json_is_null(v6)) {
		cfg->enabled = false;
		return 0;
	}
	if (parse_v6(json_string_value(json_object_get(v6, "guest")), &guest) ||
	    parse_v6(json_string_value(json_object_get(v6, "gateway")), &gw) || plen < 1 ||
	    plen > 126)
		return -EINVAL;
	a = guest;
	b = gw;
	mask(&a, (unsigned int)plen);
	mask(&b, (unsigned int)plen);
	if (memcmp(&a, &b, 16) || !memcmp(&guest, &gw, 16) || !is_global(&guest))
		return -EINVAL;
	cfg->addr[0] = guest;
	cfg->naddr = 1;
	cfg->pfx[0] = (struct dhcp6_prefix){ .prefix = a, .len = (uint8_t)plen, .onlink = true };
	cfg->npfx = 1;
	cfg->has_default = true;
	cfg->self_router = true;
	cfg->gateway = gw;
	cfg->enabled = true;
	return 0;
}

/*
 * RFC 4191: the RA can tell the guest about more-specific routes via the
 * router it speaks for.  Only routes via the default gateway qualify (the
 * RA's source is that gateway's link-local address; a route via another
 * next hop cannot be said in it), in the main table, of type unicast
 * (RTN_UNICAST = 1; blackhole and friends are the pod's own business).
 * Without a default route there is no router to speak for: none.
 */
static void load_routes(struct dhcp6_config *cfg, json_t *routes)
{
	static const char *const prefs[] = { "medium", "high", "low" };
	static const uint8_t prf[] = { 0, 1, 3 };
	size_t i;
	json_t *r;

	cfg->nroutes = cfg->routes_skipped = 0;
	if (!cfg->has_default)
		return;
	json_array_foreach(routes, i, r) {
		json_t *table = json_object_get(r, "table"), *type = json_object_get(r, "type");
		json_int_t plen = json_integer_value(json_object_get(r, "prefix"));
		const char *pref = json_string_value(json_object_get(r, "pref"));
		struct dhcp6_route rt = { 0 };
		struct in6_addr gw;

		if (json_integer_value(json_object_get(r, "family")) != 6 ||
		    (json_is_integer(table) && json_integer_value(table) != 254) ||
		    (json_is_integer(type) && json_integer_value(type) != 1) || plen < 1 ||
		    plen > 128 || !json_is_string(json_object_get(r, "gateway")) ||
		    parse_v6(json_string_value(json_object_get(r, "dst")), &rt.prefix))
			continue;
		if (parse_v6(json_string_value(json_object_get(r, "gateway")), &gw) ||
		    memcmp(&gw, &cfg->gateway, 16) || cfg->nroutes >= DHCP6_MAX_ROUTES) {
			cfg->routes_skipped++;
			continue;
		}
		rt.len = (uint8_t)plen;
		mask(&rt.prefix, rt.len);
		for (size_t k = 0; pref && k < sizeof(prf); k++)
			if (!strcmp(pref, prefs[k]))
				rt.pref = prf[k];
		cfg->route[cfg->nroutes++] = rt;
	}
}

int dhcp6_config_from_json(struct dhcp6_config *cfg, const char *text, size_t len, struct err *e)
{
	const char *why;
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err);
	json_t *pod, *binding, *routes, *a;
	const char *s;
	size_t i;
	int ret = -EINVAL;

	why = "not JSON";
	if (!root)
		return err_set(e, EINVAL, "%s", why);
	pod = json_object_get(root, "pod");
	binding = json_object_get(root, "binding");
	why = "missing pod or binding object";
	if (!json_is_object(pod) || !json_is_object(binding))
		goto out;
	why = "bad binding.bridge";
	s = json_string_value(json_object_get(binding, "bridge"));
	if (!s || !*s || strlen(s) >= sizeof(cfg->bridge))
		goto out;
	snprintf(cfg->bridge, sizeof(cfg->bridge), "%s", s);
	why = "bad binding.guest_mac";
	if (mac_parse(json_string_value(json_object_get(binding, "guest_mac")), cfg->guest_mac))
		goto out;

	json_int_t mtu = json_integer_value(json_object_get(binding, "mtu"));
	if (!mtu)
		mtu = json_integer_value(json_object_get(pod, "mtu"));
	/* RFC 8200 5: below 1280 is not an IPv6 link; no MTU option then. */
	cfg->mtu = (mtu >= IP6_MIN_MTU && mtu <= 65535) ? (uint16_t)mtu : 0;

	routes = json_object_get(pod, "routes");
	cfg->naddr = cfg->npfx = 0;
	cfg->has_default = cfg->self_router = false;
	/* Behind masquerade the RA speaks for the bridge, not the pod's
	 * gateway: no Route Information options there. */
	cfg->nroutes = cfg->routes_skipped = 0;
	s = json_string_value(json_object_get(binding, "kind"));
	if (s && !strcmp(s, "masquerade")) {
		why = "bad binding.masq.ipv6";
		if (load_masq6(cfg, json_object_get(json_object_get(binding, "masq"), "ipv6")))
			goto out;
		goto dns;
	}
	why = "bad pod.ipv6 entry";
	json_array_foreach(json_object_get(pod, "ipv6"), i, a) {
		struct in6_addr addr;
		json_int_t plen = json_integer_value(json_object_get(a, "prefix"));

		if (parse_v6(json_string_value(json_object_get(a, "address")), &addr) || plen < 1 ||
		    plen > 128)
			goto out;
		if (!is_global(&addr) || cfg->naddr >= DHCP6_MAX_ADDRS)
			continue;
		cfg->addr[cfg->naddr++] = addr;
		load_prefix(cfg, routes, &addr, (unsigned int)plen);
	}
	cfg->enabled = cfg->naddr > 0;

	why = "bad pod.routes entry";
	json_array_foreach(routes, i, a) {
		json_t *table = json_object_get(a, "table");
		struct in6_addr dst;

		if (json_integer_value(json_object_get(a, "family")) != 6 ||
		    (json_is_integer(table) && json_integer_value(table) != 254) ||
		    json_integer_value(json_object_get(a, "prefix")) != 0 ||
		    !json_is_string(json_object_get(a, "gateway")))
			continue;
		if (parse_v6(json_string_value(json_object_get(a, "dst")), &dst) ||
		    parse_v6(json_string_value(json_object_get(a, "gateway")), &cfg->gateway))
			goto out;
		cfg->has_default = true;
		break;
	}
	load_routes(cfg, routes);

dns:;
	json_t *dns = json_object_get(pod, "dns");
	cfg->ndns = 0;
	json_array_foreach(json_object_get(dns, "nameservers"), i, a) {
		struct in6_addr ns;

		if (cfg->ndns < DHCP_MAX_DNS && !parse_v6(json_string_value(a), &ns) &&
		    !strchr(json_string_value(a), '%') && is_global(&ns))
			cfg->dns[cfg->ndns++] = ns;
	}
	cfg->nsearch = 0;
	json_array_foreach(json_object_get(dns, "search"), i, a) {
		s = json_string_value(a);
		/* The v4 loader logs the skipped ones; the same rule here, silently. */
		if (!s || !dhcp_domain_valid(s) || cfg->nsearch >= DHCP_MAX_SEARCH)
			continue;
		snprintf(cfg->search[cfg->nsearch], sizeof(cfg->search[0]), "%s", s);
		size_t l = strlen(cfg->search[cfg->nsearch]);
		if (l && cfg->search[cfg->nsearch][l - 1] == '.')
			cfg->search[cfg->nsearch][l - 1] = 0;
		cfg->nsearch++;
	}
	ret = 0;
out:
	json_decref(root);
	return ret ? err_set(e, ret, "%s", why) : 0;
}

int dhcp6_config_load_resolv(struct dhcp6_config *cfg, const char *path)
{
	char *buf, *line, *save_line;
	bool seen = false;
	size_t len;
	int ret = dhcp_file_read(path, DHCP_RESOLV_MAX, &buf, &len); /* the v4 side's cap */

	if (ret)
		return ret;
	for (line = strtok_r(buf, "\n", &save_line); line;
	     line = strtok_r(NULL, "\n", &save_line)) {
		char *save, *kw = strtok_r(line, " \t\r", &save), *w;
		struct in6_addr a;

		if (!kw || strcmp(kw, "nameserver") || !(w = strtok_r(NULL, " \t\r", &save)))
			continue;
		if (!seen)
			cfg->ndns = 0;
		seen = true;
		if (cfg->ndns < DHCP_MAX_DNS && !parse_v6(w, &a) && !strchr(w, '%') &&
		    is_global(&a))
			cfg->dns[cfg->ndns++] = a;
	}
	free(buf);
	return 0;
}
