// SPDX-License-Identifier: MIT
/* Minimal DHCPv4 client (RFC 2131 section 3.1, options RFC 2132/3442/3397). */
#include "guest_io.h"
#include "gnet.h"

#define CLIENT_PORT 68
#define SERVER_PORT 67
#define MAGIC	    0x63825363u

static uint8_t pkt[600];

/* Ethernet + IPv4 + UDP around a payload already at pkt + 42. */
static uint32_t frame_wrap(const uint8_t *mac, uint32_t plen)
{
	uint8_t *e = pkt, *ip = pkt + 14, *u = pkt + 34;

	memset(e, 0xff, 6);
	memcpy(e + 6, mac, 6);
	put_be16(e + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(20 + 8 + plen));
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4); /* 0.0.0.0 -> 255.255.255.255 */
	put_be16(ip + 10, ip_csum(ip, 20, 0));
	put_be16(u, CLIENT_PORT);
	put_be16(u + 2, SERVER_PORT);
	put_be16(u + 4, (uint16_t)(8 + plen));
	put_be16(u + 6, 0); /* no UDP checksum (RFC 768) */
	return 42 + plen;
}

static uint32_t dhcp_build(const uint8_t *mac, uint32_t xid, uint8_t type,
			   const struct lease *offer)
{
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 26, 28, 51, 54, 119, 121 };
	uint8_t *d = pkt + 42, *o;

	memset(d, 0, 240);
	d[0] = 1; /* BOOTREQUEST */
	d[1] = 1; /* Ethernet */
	d[2] = 6;
	put_be32(d + 4, xid);
	put_be16(d + 10, 0x8000); /* broadcast replies: no IP yet */
	memcpy(d + 28, mac, 6);
	put_be32(d + 236, MAGIC);
	o = d + 240;
	*o++ = 53;
	*o++ = 1;
	*o++ = type;
	*o++ = 61;
	*o++ = 7;
	*o++ = 1;
	memcpy(o, mac, 6);
	o += 6;
	*o++ = 57;
	*o++ = 2;
	put_be16(o, 1500);
	o += 2;
	*o++ = 55;
	*o++ = sizeof(prl);
	memcpy(o, prl, sizeof(prl));
	o += sizeof(prl);
	if (type == 3) {
		*o++ = 50;
		*o++ = 4;
		put_be32(o, offer->ip);
		o += 4;
		*o++ = 54;
		*o++ = 4;
		put_be32(o, offer->server);
		o += 4;
	}
	*o++ = 255;
	while (o < d + 300)
		*o++ = 0; /* BOOTP minimum size */
	return frame_wrap(mac, (uint32_t)(o - d));
}

static void copy_str(char *dst, const uint8_t *src, int len, int cap)
{
	if (len > cap - 1)
		len = cap - 1;
	memcpy(dst, src, (size_t)len);
	dst[len] = 0;
}

/* Parses a reply for us; returns its message type or 0. */
static int dhcp_parse(const uint8_t *f, uint32_t len, const uint8_t *mac, uint32_t xid,
		      struct lease *l)
{
	const uint8_t *ip = f + 14, *u, *d, *o, *end;
	uint32_t ihl;
	int type = 0;

	if (len < 14 + 20 + 8 + 240 || be16(f + 12) != 0x0800 || ip[9] != 17)
		return 0;
	ihl = (ip[0] & 15) * 4u;
	u = ip + ihl;
	if (ihl < 20 || 14 + ihl + 8 + 240 > len || be16(u + 2) != CLIENT_PORT)
		return 0;
	d = u + 8;
	if (d[0] != 2 || be32(d + 4) != xid || memcmp(d + 28, mac, 6) || be32(d + 236) != MAGIC)
		return 0;
	memset(l, 0, sizeof(*l));
	l->ip = be32(d + 16);
	end = f + len;
	if (14 + ihl + be16(u + 4) < len)
		end = u + be16(u + 4);
	for (o = d + 240; o < end && *o != 255;) {
		uint8_t code = *o, n;

		if (code == 0) {
			o++;
			continue;
		}
		if (o + 2 > end || o + 2 + o[1] > end)
			break;
		n = o[1];
		const uint8_t *v = o + 2;

		switch (code) {
		case 53:
			if (n >= 1)
				type = v[0];
			break;
		case 1:
			if (n == 4)
				l->mask = be32(v);
			break;
		case 3:
			if (n >= 4)
				l->gw = be32(v);
			break;
		case 54:
			if (n == 4)
				l->server = be32(v);
			break;
		case 26:
			if (n == 2)
				l->mtu = be16(v);
			break;
		case 6:
			for (int i = 0; i + 4 <= n && l->ndns < 4; i += 4)
				l->dns[l->ndns++] = be32(v + i);
			break;
		case 12:
			copy_str(l->hostname, v, n, sizeof(l->hostname));
			break;
		case 15:
			copy_str(l->domain, v, n, sizeof(l->domain));
			break;
		case 121:
			if (n <= sizeof(l->routes)) {
				memcpy(l->routes, v, n);
				l->routes_len = n;
			}
			break;
		case 119:
			/* RFC 3396: long options may be split; concatenate. */
			if (l->search_len + n <= (int)sizeof(l->search)) {
				memcpy(l->search + l->search_len, v, n);
				l->search_len += n;
			}
			break;
		}
		o += 2 + n;
	}
	return type;
}

int dhcp_bind(struct gnic *nic, struct lease *l)
{
	uint32_t xid = (uint32_t)rdtsc() ^ be32(nic->mac + 2);
	struct lease offer;
	uint8_t want = 2; /* OFFER, then ACK */
	uint64_t sent = 0;
	unsigned int cad = 0, idle = 0;
	int tries = 0;

	for (;;) {
		const uint8_t *f;
		uint32_t len;

		/* Retransmit roughly every couple of seconds (RFC 2131 4.1). */
		if (!sent || rdtsc() - sent > 4000000000ull) {
			if (++tries > 30)
				return -1;
			if (want == 2)
				gnic_send(nic, pkt, dhcp_build(nic->mac, xid, 1, 0));
			else
				gnic_send(nic, pkt, dhcp_build(nic->mac, xid, 3, &offer));
			sent = rdtsc();
		}
		f = gnic_recv(nic, &len);
		if (!f) {
			if ((++idle & 63) == 0 && cad_poll(&cad)) {
				con_puts("net: got ctrl-alt-del, powering off\n");
				machine_poweroff();
			}
			continue;
		}
		int t = dhcp_parse(f, len, nic->mac, xid, want == 2 ? &offer : l);

		if (t == 2 && want == 2 && offer.ip && offer.server) {
			want = 5;
			sent = 0; /* REQUEST now */
			tries = 0;
		} else if (t == 5 && want == 5) {
			return 0;
		} else if (t == 6 && want == 5) {
			want = 2; /* NAK: start over */
			sent = 0;
		}
	}
}

static void put_ip(uint32_t a)
{
	con_printf("%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static int prefix_len(uint32_t mask)
{
	int n = 0;

	while (mask & 0x80000000u) {
		n++;
		mask <<= 1;
	}
	return n;
}

/* Option 119 names (RFC 1035 3.1 labels with 4.1.4 compression). */
static void print_search(const struct lease *l)
{
	int pos = 0, first = 1;

	while (pos < l->search_len) {
		int p = pos, jumped = 0, hops = 0, label_first = 1;

		if (!first)
			con_putc(',');
		first = 0;
		for (;;) {
			uint8_t n;

			if (p >= l->search_len || hops++ > 32)
				return;
			n = l->search[p];
			if (n == 0) {
				if (!jumped)
					pos = p + 1;
				break;
			}
			if ((n & 0xc0) == 0xc0) {
				if (p + 1 >= l->search_len)
					return;
				if (!jumped)
					pos = p + 2;
				jumped = 1;
				p = (n & 0x3f) << 8 | l->search[p + 1];
				continue;
			}
			if (p + 1 + n > l->search_len)
				return;
			if (!label_first)
				con_putc('.');
			label_first = 0;
			for (int i = 0; i < n; i++)
				con_putc((char)l->search[p + 1 + i]);
			p += 1 + n;
		}
	}
}

void lease_print(const struct lease *l)
{
	int p = 0, first = 1;

	con_puts("LEASE ip=");
	put_ip(l->ip);
	con_printf("/%d gw=", prefix_len(l->mask));
	put_ip(l->gw);
	con_puts(" routes=");
	/* RFC 3442: with option 121 present, option 3 is not a route. */
	while (p < l->routes_len) {
		int w = l->routes[p], nb = (w + 7) / 8;
		uint32_t dst = 0;

		if (w > 32 || p + 1 + nb + 4 > l->routes_len)
			break;
		for (int i = 0; i < nb; i++)
			dst |= (uint32_t)l->routes[p + 1 + i] << (24 - 8 * i);
		if (!first)
			con_putc(',');
		first = 0;
		put_ip(dst);
		con_printf("/%dvia", w);
		put_ip(be32(&l->routes[p + 1 + nb]));
		p += 1 + nb + 4;
	}
	if (first && l->gw) {
		con_puts("0.0.0.0/0via");
		put_ip(l->gw);
	}
	con_printf(" mtu=%u dns=", l->mtu ? l->mtu : 1500);
	for (int i = 0; i < l->ndns; i++) {
		if (i)
			con_putc(',');
		put_ip(l->dns[i]);
	}
	con_puts(" search=");
	if (l->search_len)
		print_search(l);
	else
		con_puts(l->domain);
	con_printf(" hostname=%s\n", l->hostname);
}
