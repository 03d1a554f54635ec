// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <jansson.h>

#include "common/log.h"
#include "common/mac.h"
#include "dhcp/config.h"
#include "dhcp/proto.h"

uint32_t dhcp_prefix_to_mask(uint8_t prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

static int parse_v4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

static bool same_net(uint32_t a, uint32_t b, uint8_t prefix)
{
	uint32_t m = dhcp_prefix_to_mask(prefix);

	return (a & m) == (b & m);
}

/*
 * Routes through the pod interface become option 121 entries.  The route
 * to the pod's own subnet without a gateway is what option 1 already says
 * (KubeVirt drops it too); everything else is kept, on-link routes with
 * router 0.0.0.0 (RFC 3442), and the default route moved last so clients
 * that stop at the first default keep the specific ones (KubeVirt #1434).
 */
static int load_routes(struct dhcp_config *cfg, json_t *routes)
{
	struct dhcp_route deflt;
	bool have_default = false;
	size_t i;
	json_t *r;

	cfg->nroutes = 0;
	cfg->router = 0;
	/*
	 * RFC 2131 4.4.5: in RENEWING the client unicasts to the server
	 * identifier.  The bridge address is not in the pod's subnet, so
	 * without an on-link host route the guest sends renewals to its
	 * gateway, past the bridge, and they are lost (KubeVirt #4678).
	 */
	if (cfg->server_id)
		cfg->routes[cfg->nroutes++] = (struct dhcp_route){ cfg->server_id, 32, 0 };
	json_array_foreach(routes, i, r) {
		struct dhcp_route rt = { 0 };
		json_t *gw = json_object_get(r, "gateway");
		json_t *table = json_object_get(r, "table");
		json_int_t prefix = json_integer_value(json_object_get(r, "prefix"));

		if (json_integer_value(json_object_get(r, "family")) != 4)
			continue;
		if (json_is_integer(table) && json_integer_value(table) != 254)
			continue;
		/*
		 * Via an IPv6 next hop (RFC 5549): options 3 and 121 carry IPv4
		 * routers only, so DHCPv4 cannot say it; left out.
		 */
		if (json_object_get(r, "gateway_family"))
			continue;
		if (prefix < 0 || prefix > 32 ||
		    parse_v4(json_string_value(json_object_get(r, "dst")), &rt.dst))
			return -EINVAL;
		rt.prefix = (uint8_t)prefix;
		rt.dst &= dhcp_prefix_to_mask(rt.prefix);
		if (json_is_string(gw) && parse_v4(json_string_value(gw), &rt.gateway))
			return -EINVAL;
		if (!rt.gateway && rt.prefix == cfg->prefix && rt.prefix &&
		    same_net(rt.dst, cfg->addr, cfg->prefix))
			continue;
		if (rt.prefix == 0) {
			if (!have_default) {
				deflt = rt;
				have_default = true;
			}
			continue;
		}
		if (cfg->nroutes >= DHCP_MAX_ROUTES - 1)
			return -E2BIG;
		cfg->routes[cfg->nroutes++] = rt;
	}
	if (have_default) {
		cfg->routes[cfg->nroutes++] = deflt;
		cfg->router = deflt.gateway;
	}
	return 0;
}

/*
 * The masquerade binding: the guest gets the private address behind NAT
 * (binding.masq.ipv4), the gateway on the bridge as router (option 3)
 * and as the one route of option 121 (RFC 3442: a client that gets 121
 * ignores 3).  The server identifier is the gateway itself, inside the
 * guest's subnet, so renewals need no host route.
 */
static int load_masq(struct dhcp_config *cfg, json_t *v4)
{
	json_int_t prefix = json_integer_value(json_object_get(v4, "prefix"));
	uint32_t gw;

	if (parse_v4(json_string_value(json_object_get(v4, "guest")), &cfg->addr) ||
	    parse_v4(json_string_value(json_object_get(v4, "gateway")), &gw) || prefix < 1 ||
	    prefix > 30 || !same_net(cfg->addr, gw, (uint8_t)prefix))
		return -EINVAL;
	cfg->prefix = (uint8_t)prefix;
	cfg->router = gw;
	cfg->routes[0] = (struct dhcp_route){ 0, 0, gw };
	cfg->nroutes = 1;
	return 0;
}

int dhcp_config_from_json(struct dhcp_config *cfg, const char *text, size_t len, struct err *e)
{
	const char *why;
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err);
	json_t *pod, *binding, *ipv4, *dns, *a;
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

	s = json_string_value(json_object_get(root, "iface"));
	snprintf(cfg->iface, sizeof(cfg->iface), "%s", s ? s : "");
	cfg->l2_only = json_is_true(json_object_get(binding, "l2_only"));
	why = "bad binding.bridge";
	s = json_string_value(json_object_get(binding, "bridge"));
	if (!s || strlen(s) >= sizeof(cfg->bridge))
		goto out;
	snprintf(cfg->bridge, sizeof(cfg->bridge), "%s", s);
	why = "bad binding.guest_mac";
	if (mac_parse(json_string_value(json_object_get(binding, "guest_mac")), cfg->guest_mac))
		goto out;
	/*
	 * No IPv4 on the pod (l2_only, or an IPv6-only pod): nothing for
	 * DHCPv4 to serve; the IPv6 side has its own loader (config6.c).
	 */
	a = json_object_get(pod, "ipv4");
	if (json_is_array(a) && !json_array_size(a))
		cfg->l2_only = true;
	if (cfg->l2_only) {
		ret = 0;
		goto out;
	}
	why = "bad binding.bridge_addr";
	if (parse_v4(json_string_value(json_object_get(binding, "bridge_addr")), &cfg->server_id))
		goto out;

	json_int_t mtu = json_integer_value(json_object_get(binding, "mtu"));
	if (!mtu)
		mtu = json_integer_value(json_object_get(pod, "mtu"));
	/* RFC 2132 5.1: 68 is the smallest legal MTU. */
	cfg->mtu = (mtu >= 68 && mtu <= 65535) ? (uint16_t)mtu : 0;

	s = json_string_value(json_object_get(binding, "kind"));
	cfg->masquerade = s && !strcmp(s, "masquerade");
	if (cfg->masquerade) {
		why = "bad binding.masq";
		if (load_masq(cfg, json_object_get(json_object_get(binding, "masq"), "ipv4")))
			goto out;
		goto dns;
	}
	why = "no pod.ipv4 address";
	ipv4 = json_array_get(json_object_get(pod, "ipv4"), 0);
	json_int_t prefix = json_integer_value(json_object_get(ipv4, "prefix"));
	if (!ipv4 || parse_v4(json_string_value(json_object_get(ipv4, "address")), &cfg->addr) ||
	    prefix < 0 || prefix > 32)
		goto out;
	cfg->prefix = (uint8_t)prefix;

	why = "bad pod.routes";
	if (load_routes(cfg, json_object_get(pod, "routes")))
		goto out;

dns:
	dns = json_object_get(pod, "dns");
	cfg->ndns = 0;
	json_array_foreach(json_object_get(dns, "nameservers"), i, a) {
		uint32_t ns;

		/* IPv6 nameservers cannot go in option 6. */
		if (cfg->ndns < DHCP_MAX_DNS && !parse_v4(json_string_value(a), &ns))
			cfg->dns[cfg->ndns++] = ns;
	}
	cfg->nsearch = 0;
	json_array_foreach(json_object_get(dns, "search"), i, a) {
		s = json_string_value(a);
		if (!s || !dhcp_domain_valid(s)) {
			/* KubeVirt #3187/#4541: a bad domain must never be fatal. */
			log_warn(
				"dhcp",
				"search domain skipped: not a domain name (RFC 1035 2.3.1, RFC 1123 2.1)",
				"{s:s}", "domain", s ? s : "(not a string)");
			continue;
		}
		if (cfg->nsearch >= DHCP_MAX_SEARCH) {
			log_warn("dhcp", "search domain skipped: too many", "{s:s}", "domain", s);
			continue;
		}
		snprintf(cfg->search[cfg->nsearch], sizeof(cfg->search[0]), "%s", s);
		size_t l = strlen(cfg->search[cfg->nsearch]);
		if (l && cfg->search[cfg->nsearch][l - 1] == '.')
			cfg->search[cfg->nsearch][l - 1] = 0;
		cfg->nsearch++;
	}
	s = json_string_value(json_object_get(pod, "hostname"));
	cfg->hostname[0] = 0;
	if (s)
		dhcp_hostname_sanitize(s, cfg->hostname, sizeof(cfg->hostname));
	ret = 0;
out:
	json_decref(root);
	return ret ? err_set(e, ret, "%s", why) : 0;
}

/* RFC 3442 3: every entry complete, widths 0..32. */
static bool routes_valid(const uint8_t *v, size_t len)
{
	size_t i = 0;

	if (!len)
		return false;
	while (i < len) {
		if (v[i] > 32)
			return false;
		i += 1 + (v[i] + 7u) / 8u + 4;
	}
	return i == len;
}

static bool mask_valid(const uint8_t *v)
{
	uint32_t m = (uint32_t)v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];

	/* contiguous ones: ~m + 1 is a power of two (or 0 for /0) */
	return ((~m + 1) & ~m) == 0;
}

static uint32_t get32(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

int dhcp_extra_check(struct dhcp_extra *extra, size_t *n, uint32_t *lease_time, bool lease_given,
		     struct err *err)
{
	const struct dhcp_extra *t1 = NULL, *t2 = NULL;
	size_t out = 0;

	for (size_t i = 0; i < *n; i++) {
		struct dhcp_extra *e = &extra[i];
		size_t l = e->len;

		const char *refused = dhcp_option_refused(e->code);

		if (refused)
			return err_set(err, EINVAL, "%s", refused);
		/* RFC 3396: a second instance would be concatenated with the first. */
		for (size_t j = 0; j < i; j++)
			if (extra[j].code == e->code)
				return err_set(err, EINVAL, "the same code is given twice");
		switch (e->code) {
		case OPT_SUBNET_MASK:
			if (l != 4 || !mask_valid(e->data))
				return err_set(
					err, EINVAL,
					"option 1 must be a 4-octet contiguous mask (RFC 2132 3.3)");
			break;
		case OPT_BROADCAST:
			if (l != 4)
				return err_set(err, EINVAL,
					       "option 28 must be 4 octets (RFC 2132 5.3)");
			break;
		case OPT_MTU:
			if (l != 2 || (e->data[0] << 8 | e->data[1]) < 68)
				return err_set(
					err, EINVAL,
					"option 26 must be 2 octets, at least 68 (RFC 2132 5.1)");
			break;
		case OPT_ROUTER:
		case OPT_DNS:
		case OPT_NTP:
			if (!l || l % 4)
				return err_set(
					err, EINVAL,
					"options 3, 6 and 42 are lists of 4-octet addresses (RFC 2132 3.5, 3.8, 8.3)");
			break;
		case OPT_HOSTNAME:
		case OPT_DOMAIN:
			if (!l)
				return err_set(
					err, EINVAL,
					"options 12 and 15 are at least 1 octet (RFC 2132 3.14, 3.17)");
			break;
		case OPT_CLASSLESS_ROUTE:
		case OPT_MS_CLASSLESS_ROUTE:
			if (!routes_valid(e->data, l))
				return err_set(err, EINVAL,
					       "options 121 and 249 must be whole RFC 3442 routes");
			break;
		case OPT_LEASE_TIME:
		case OPT_T1:
		case OPT_T2:
			if (l != 4)
				return err_set(
					err, EINVAL,
					"options 51, 58 and 59 must be 4 octets (RFC 2132 9.2, 9.11, 9.12)");
			break;
		}
		if (e->code == OPT_LEASE_TIME) {
			uint32_t v = get32(e->data);

			/* The same as --lease-time (one lease time, not two instances). */
			if (lease_given)
				return err_set(err, EINVAL, "option 51 and --lease-time both set");
			if (v < 10)
				return err_set(
					err, EINVAL,
					"option 51 must be 10..4294967294 seconds or ffffffff (infinite)");
			*lease_time = v;
			continue;
		}
		extra[out++] = *e;
	}
	*n = out;
	for (size_t i = 0; i < out; i++) {
		if (extra[i].code == OPT_T1)
			t1 = &extra[i];
		if (extra[i].code == OPT_T2)
			t2 = &extra[i];
	}
	/*
	 * RFC 2131 4.4.5: T1 (renewal) comes before T2 (rebinding), both
	 * before the lease ends.  The server's defaults (0.5 and 0.875 of a
	 * finite lease) stand in for the one not given.
	 */
	uint64_t lease = *lease_time;
	uint64_t v1 = t1 ? get32(t1->data) : lease / 2;
	uint64_t v2 = t2 ? get32(t2->data) : lease * 7 / 8;
	bool infinite = *lease_time == DHCP_LEASE_INFINITE;

	/* With an infinite lease no default T1/T2 is sent: nothing to order against. */
	if ((t1 && v1 >= lease) || (t2 && v2 >= lease) ||
	    ((t1 || t2) && ((t1 && t2) || !infinite) && v1 >= v2))
		return err_set(err, EINVAL,
			       "T1 (58) < T2 (59) < lease time (51, --lease-time) does not hold");
	return 0;
}

int dhcp_file_read(const char *path, size_t max, char **out, size_t *outlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		if (len + 1 >= cap) {
			char *n;

			cap = cap ? cap * 2 : 16384;
			if (cap > max * 2 || !(n = realloc(buf, cap))) {
				ret = cap > max * 2 ? -EFBIG : -ENOMEM;
				goto out;
			}
			buf = n;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			ret = -EFBIG;
			goto out;
		}
	}
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return ret;
}

int dhcp_cache_read(const char *path, char **text, size_t *len, struct err *e)
{
	int ret = dhcp_file_read(path, DHCP_CACHE_MAX, text, len);

	if (ret == -EFBIG)
		return err_set(e, ret, "state cache over %u MiB", DHCP_CACHE_MAX >> 20);
	if (ret == -ENOMEM)
		return err_set(e, ret, "out of memory");
	return err_sys(e, ret, "cannot read the state cache");
}

int dhcp_config_load(struct dhcp_config *cfg, const char *path, struct err *e)
{
	char *buf;
	size_t len;
	int ret = dhcp_cache_read(path, &buf, &len, e);

	if (ret)
		return ret;
	ret = dhcp_config_from_json(cfg, buf, len, e);
	free(buf);
	return ret;
}

static char *next_word(char **p, char *end)
{
	char *s = *p, *w;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == 0))
		s++;
	if (s == end)
		return NULL;
	w = s;
	while (s < end && *s != ' ' && *s != '\t' && *s != '\r' && *s != 0)
		s++;
	*s = 0; /* end is a separator or the line's '\n' */
	*p = s + (s < end);
	return w;
}

/* text[len] must be writable: the last word is terminated there. */
static void apply_resolv(struct dhcp_config *cfg, char *text, size_t len)
{
	char *line = text, *stop = text + len;
	bool ns_seen = false;

	while (line < stop) {
		char *eol = memchr(line, '\n', (size_t)(stop - line)), *p = line, *kw, *w;

		if (!eol)
			eol = stop;
		/* Lines of any length: words are cut out in place, never copied. */
		kw = next_word(&p, eol);
		if (!kw || *kw == '#' || *kw == ';') {
			line = eol + 1;
			continue;
		}
		if (!strcmp(kw, "nameserver") && (w = next_word(&p, eol))) {
			struct in_addr a;

			if (!ns_seen)
				cfg->ndns = 0;
			ns_seen = true;
			/* IPv6 nameservers cannot go in option 6. */
			if (inet_pton(AF_INET, w, &a) == 1 && cfg->ndns < DHCP_MAX_DNS)
				cfg->dns[cfg->ndns++] = a.s_addr;
		} else if (!strcmp(kw, "search") || !strcmp(kw, "domain")) {
			bool full = false;

			/* resolv.conf(5): the last search/domain line wins. */
			cfg->nsearch = 0;
			while ((w = next_word(&p, eol))) {
				/* Whole names only: one over 253 octets is skipped, never cut. */
				if (!dhcp_domain_valid(w)) {
					log_warn("dhcp",
						 "search domain skipped: not a domain name "
						 "(RFC 1035 2.3.1, RFC 1123 2.1)",
						 "{s:s}", "domain", w);
					continue;
				}
				if (cfg->nsearch >= DHCP_MAX_SEARCH) {
					if (!full)
						log_warn("dhcp", "search domains skipped: too many",
							 "{s:s, s:i}", "first", w, "max",
							 DHCP_MAX_SEARCH);
					full = true;
					continue;
				}
				size_t n = strlen(w);
				if (w[n - 1] == '.')
					w[--n] = 0;
				for (char *c = w; *c; c++)
					*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
				memcpy(cfg->search[cfg->nsearch++], w, n + 1);
			}
		}
		line = eol + 1;
	}
}

int dhcp_config_apply_resolv(struct dhcp_config *cfg, const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	apply_resolv(cfg, copy, len);
	free(copy);
	return 0;
}

int dhcp_config_load_resolv(struct dhcp_config *cfg, const char *path)
{
	char *buf;
	size_t len;
	int ret = dhcp_file_read(path, DHCP_RESOLV_MAX, &buf, &len);

	if (ret)
		return ret;
	apply_resolv(cfg, buf, len); /* dhcp_file_read() left buf[len] */
	free(buf);
	return 0;
}
