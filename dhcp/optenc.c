// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "common/num.h"
#include "dhcp/optenc.h"
#include "dhcp/proto.h"

int dhcp_encode_routes(const struct dhcp_route *r, size_t n, uint8_t *out, size_t cap)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t w = r[i].prefix;
		size_t sig = (w + 7u) / 8u;
		uint32_t mask, dst;

		if (w > 32)
			return -EINVAL;
		mask = w ? htonl(~0u << (32 - w)) : 0;
		dst = r[i].dst & mask;
		if (len + 1 + sig + 4 > cap)
			return -ENOSPC;
		/* RFC 3442: width, then only the significant octets. */
		out[len++] = w;
		memcpy(out + len, &dst, sig);
		len += sig;
		memcpy(out + len, &r[i].gateway, 4);
		len += 4;
	}
	return (int)len;
}

bool dhcp_domain_valid(const char *name)
{
	size_t total = strlen(name), label = 0;
	bool numeric = true; /* the current label has only digits so far */

	if (total && name[total - 1] == '.')
		total--;
	if (total == 0 || total > 253)
		return false;
	for (size_t i = 0; i <= total; i++) {
		char c = i < total ? name[i] : '.';

		if (c == '.') {
			if (label == 0 || label > 63 || name[i - 1] == '-')
				return false;
			label = 0;
			if (i < total)
				numeric = true;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return false;
		if (label == 0 && c == '-')
			return false;
		if (!isdigit((unsigned char)c))
			numeric = false;
		label++;
	}
	/*
	 * RFC 1123 2.1: "a valid host name can never have the dotted-decimal
	 * form #.#.#.#, since at least the highest-level component label will
	 * be alphabetic" (RFC 3696 2: a TLD is never all-numeric).  An
	 * address in a search list (10.1.2.3) is a mistake, not a domain.
	 */
	return !numeric;
}

/* Compare the wire name at buf[p] (following pointers) with labels[0..n). */
static bool wire_equals(const uint8_t *buf, size_t len, size_t p, const char *const *labels,
			const uint8_t *lens, size_t n)
{
	size_t i = 0;
	int hops = 0;

	while (p < len) {
		uint8_t l = buf[p];

		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len || ++hops > 64)
				return false;
			p = (size_t)(l & 0x3f) << 8 | buf[p + 1];
			continue;
		}
		if (l == 0)
			return i == n;
		if (i == n || l != lens[i] || p + 1 + l > len ||
		    strncasecmp((const char *)buf + p + 1, labels[i], l))
			return false;
		p += 1 + l;
		i++;
	}
	return false;
}

int dhcp_encode_search(const char *const *names, size_t n, uint8_t *out, size_t cap)
{
	/* Offsets of every label written so far: compression targets. */
	uint16_t starts[512];
	size_t nstarts = 0, len = 0;

	for (size_t k = 0; k < n; k++) {
		const char *labels[128];
		uint8_t lens[128];
		size_t nl = 0;
		const char *s = names[k];

		while (*s && nl < 128) {
			const char *dot = strchr(s, '.');
			size_t l = dot ? (size_t)(dot - s) : strlen(s);

			if (l == 0 || l > 63)
				return -EINVAL;
			labels[nl] = s;
			lens[nl++] = (uint8_t)l;
			s += l + (dot ? 1 : 0);
		}
		/*
		 * RFC 1035 4.1.4: a name is a sequence of labels ending in a
		 * zero octet or a pointer; reuse the longest suffix already
		 * in the option (RFC 3397 2 allows pointers within the option).
		 */
		size_t split = nl;
		size_t target = 0;
		for (size_t i = 0; i < nl && split == nl; i++) {
			for (size_t j = 0; j < nstarts; j++) {
				if (wire_equals(out, len, starts[j], labels + i, lens + i,
						nl - i)) {
					split = i;
					target = starts[j];
					break;
				}
			}
		}
		for (size_t i = 0; i < split; i++) {
			if (len + 1 + lens[i] > cap)
				return -ENOSPC;
			if (len <= 0x3fff && nstarts < 512)
				starts[nstarts++] = (uint16_t)len;
			out[len++] = lens[i];
			for (size_t c = 0; c < lens[i]; c++)
				out[len++] = (uint8_t)tolower((unsigned char)labels[i][c]);
		}
		if (split < nl) {
			if (len + 2 > cap)
				return -ENOSPC;
			out[len++] = (uint8_t)(0xc0 | target >> 8);
			out[len++] = (uint8_t)(target & 0xff);
		} else {
			if (len + 1 > cap)
				return -ENOSPC;
			out[len++] = 0;
		}
	}
	return (int)len;
}

size_t dhcp_hostname_sanitize(const char *in, char *out, size_t cap)
{
	size_t len = 0;

	if (cap)
		out[0] = 0;
	/*
	 * The kernel's "(none)" (UTS_NODENAME) means no hostname was set:
	 * sending "none" would name every such guest alike.
	 */
	if (!strcmp(in, "(none)"))
		return 0;
	/*
	 * RFC 2132 3.14 allows a qualified name, but option 12 is the host
	 * name: only its first label is sent, as dnsmasq and KubeVirt do.
	 * The domain goes in 15/119; a pod with setHostnameAsFQDN has a
	 * hostname of up to 64 characters, which cut at 63 would end
	 * mid-label, while one label always fits; and clients set the
	 * kernel hostname from 12 (dhclient-script, systemd-networkd), which
	 * in a guest is the short name.
	 */
	while (*in && !isalnum((unsigned char)*in))
		in++;
	for (; *in && *in != '.'; in++) {
		unsigned char c = (unsigned char)tolower((unsigned char)*in);

		/* RFC 1123 2.1 / RFC 952: letters, digits and hyphens. */
		if (!isalnum(c) || !isascii(c))
			c = '-';
		/* RFC 1035 2.3.4: a label is 63 octets at most; a longer one is no name. */
		if (len == 63 || len + 1 >= cap) {
			if (cap)
				out[0] = 0;
			return 0;
		}
		out[len++] = (char)c;
	}
	/* RFC 952: no hyphen at the end of a label (the start was skipped above). */
	while (len && out[len - 1] == '-')
		len--;
	if (cap)
		out[len] = 0;
	return len;
}

int dhcp_parse_lease_time(const char *arg, uint32_t *secs)
{
	unsigned long long v;

	if (!strcmp(arg, "infinite")) {
		*secs = DHCP_LEASE_INFINITE;
		return 0;
	}
	if (num_parse(arg, 10, DHCP_LEASE_INFINITE - 1, &v))
		return -EINVAL;
	*secs = (uint32_t)v;
	return 0;
}

const char *dhcp_option_refused(uint8_t code)
{
	switch (code) {
	case OPT_PAD:
	case OPT_END:
		return "0 and 255 are not options";
	/* RFC 2131 table 3: MUST NOT in an OFFER or ACK (client-only options). */
	case OPT_REQUESTED_IP:
	case OPT_PARAM_REQ:
	case OPT_MAX_MSG_SIZE:
		return "a client's option: RFC 2131 table 3 forbids it in a reply";
	case OPT_OVERLOAD:
		return "the server decides overload itself (RFC 2132 9.3)";
	case OPT_MSG_TYPE:
		return "the message type is the server's";
	/*
	 * Renewals are unicast to the server identifier (RFC 2131 4.4.5);
	 * only the bridge address answers ARP for it on the bridge
	 * (KubeVirt #4678), so it is not configurable.
	 */
	case OPT_SERVER_ID:
		return "the server identifier is the bridge address (renewals go to it)";
	/* RFC 6842 3: the client's own 61 is returned unaltered. */
	case OPT_CLIENT_ID:
		return "the client identifier is the client's, echoed unaltered (RFC 6842)";
	}
	return NULL;
}

int dhcp_parse_option_arg(const char *arg, uint8_t *code, uint8_t *val, size_t cap, size_t *len)
{
	char *end;
	long c = strtol(arg, &end, 10);
	size_t n = 0;

	if (end == arg || *end != ':' || c < 1 || c > 254)
		return -EINVAL;
	*code = (uint8_t)c;
	if (dhcp_option_refused(*code))
		return -EPERM;
	for (const char *p = end + 1; *p;) {
		int hi, lo;

		if (*p == ':' || *p == ' ') {
			p++;
			continue;
		}
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return -EINVAL;
		hi = isdigit((unsigned char)p[0]) ? p[0] - '0' :
						    (tolower((unsigned char)p[0]) - 'a' + 10);
		lo = isdigit((unsigned char)p[1]) ? p[1] - '0' :
						    (tolower((unsigned char)p[1]) - 'a' + 10);
		if (n >= cap)
			return -EINVAL;
		val[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	*code = (uint8_t)c;
	*len = n;
	return 0;
}
