// SPDX-License-Identifier: MIT
/* --net fd=N[:N...]|tap=NAME,mac=MAC[,mtu=N][,vhost=auto|on|off][,queues=N] */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/mac.h"
#include "common/num.h"
#include "vmm/virtio/net/net.h"

/* A number that is the first len bytes of s (the SPEC is not split). */
static int parse_uint(const char *s, size_t len, long min, long max, long *out)
{
	unsigned long long v;
	char buf[16];

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (num_parse(buf, (unsigned long long)min, (unsigned long long)max, &v))
		return -EINVAL;
	*out = (long)v;
	return 0;
}

static int parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	if (mac_parse_len(s, len, mac))
		return -EINVAL;
	/* A NIC address must be unicast and not all zeros. */
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EINVAL;
	return 0;
}

static int parse_fds(const char *s, size_t len, struct net_spec *spec)
{
	const char *end = s + len;

	spec->nr_fds = 0;
	while (s < end) {
		const char *colon = memchr(s, ':', (size_t)(end - s));
		size_t n = colon ? (size_t)(colon - s) : (size_t)(end - s);
		long fd;

		if (spec->nr_fds == NET_QUEUE_PAIRS_MAX || parse_uint(s, n, 0, INT_MAX, &fd))
			return -EINVAL;
		spec->fds[spec->nr_fds++] = (int)fd;
		s += n + (colon ? 1 : 0);
		if (colon && s == end)
			return -EINVAL;
	}
	return spec->nr_fds ? 0 : -EINVAL;
}

#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(p, k, klen))

int net_spec_parse(const char *arg, struct net_spec *spec, struct err *e)
{
	const char *p = arg, *key = "net"; /* the key being read */
	bool have_mac = false, have_queues = false;
	long v;

	memset(spec, 0, sizeof(*spec));
	for (int i = 0; i < NET_QUEUE_PAIRS_MAX; i++)
		spec->fds[i] = -1;
	spec->vhost = NET_VHOST_AUTO;
	if (!arg || !*arg)
		goto invalid;

	while (*p) {
		const char *comma = strchr(p, ','), *eq;
		size_t len = comma ? (size_t)(comma - p) : strlen(p), klen, vlen;
		const char *val;

		eq = memchr(p, '=', len);
		if (!eq) {
			key = "net";
			goto invalid;
		}
		klen = (size_t)(eq - p);
		val = eq + 1;
		vlen = len - klen - 1;
		if (p == arg && !KEY("fd") && !KEY("tap")) {
			key = "fd|tap";
			goto invalid;
		}
		if (KEY("fd") && p == arg) {
			key = "fd";
			if (parse_fds(val, vlen, spec))
				goto invalid;
		} else if (KEY("tap") && p == arg) {
			key = "tap";
			if (!vlen || vlen >= sizeof(spec->tap) || memchr(val, '/', vlen))
				goto invalid;
			memcpy(spec->tap, val, vlen);
		} else if (KEY("mac")) {
			key = "mac";
			if (parse_mac(val, vlen, spec->mac))
				goto invalid;
			have_mac = true;
		} else if (KEY("mtu")) {
			key = "mtu";
			if (parse_uint(val, vlen, 68, 65535, &v))
				goto invalid;
			spec->mtu = (uint32_t)v;
		} else if (KEY("vhost")) {
			key = "vhost";
			if (vlen == 4 && !memcmp(val, "auto", 4))
				spec->vhost = NET_VHOST_AUTO;
			else if (vlen == 2 && !memcmp(val, "on", 2))
				spec->vhost = NET_VHOST_ON;
			else if (vlen == 3 && !memcmp(val, "off", 3))
				spec->vhost = NET_VHOST_OFF;
			else
				goto invalid;
		} else if (KEY("queues")) {
			key = "queues";
			if (parse_uint(val, vlen, 1, NET_QUEUE_PAIRS_MAX, &v))
				goto invalid;
			spec->queues = (int)v;
			have_queues = true;
		} else {
			key = "net"; /* unknown key */
			goto invalid;
		}
		p += len + (comma ? 1 : 0);
		if (comma && !*p) {
			key = "net";
			goto invalid;
		}
	}
	if (!have_mac) {
		key = "mac";
		goto invalid;
	}
	/* One fd per queue pair: the two must agree when both are given. */
	if (spec->nr_fds) {
		if (have_queues && spec->queues != spec->nr_fds) {
			key = "queues";
			goto invalid;
		}
		spec->queues = spec->nr_fds;
	} else if (!have_queues) {
		spec->queues = 1;
	}
	return 0;
invalid:
	return err_set(e, EINVAL, "invalid or missing \"%s\" in the spec", key);
}
