// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/proto.h"
#include "dhcp/reply.h"

size_t dhcp_reply_max_len(const struct dhcp_msg *req, uint16_t mtu)
{
	size_t max = DHCP_MIN_MAX_MSG, len;
	const uint8_t *v = dhcp_msg_opt(req, OPT_MAX_MSG_SIZE, &len);

	/*
	 * RFC 2132 9.10: "the maximum length DHCP message that it is willing
	 * to accept ... The minimum legal value is 576 octets", which is the
	 * IP datagram size of RFC 791; a smaller value is treated as 576.
	 */
	if (v && len == 2 && (size_t)(v[0] << 8 | v[1]) > max)
		max = (size_t)(v[0] << 8 | v[1]);
	/*
	 * The datagram is sent unfragmented: at most the link MTU, and when
	 * that is unknown the Ethernet 1500 (RFC 894), so a client announcing
	 * 9000 never gets a 1528-octet datagram on a 1500 link.
	 */
	if (mtu < DHCP_MIN_MAX_MSG)
		mtu = DHCP_MAX_MSG;
	if (max > mtu)
		max = mtu;
	max -= DHCP_IP_UDP_LEN;
	if (max > DHCP_MAX_MSG)
		max = DHCP_MAX_MSG;
	return max;
}

enum { FIELD_OPTIONS, FIELD_FILE, FIELD_SNAME, NFIELDS };

struct chunk {
	uint8_t code;
	uint8_t field;
	uint8_t len;
	const uint8_t *data;
};

#define MAX_CHUNKS (DHCP_MAX_OPTREFS * 8)

struct plan {
	size_t cap[NFIELDS], used[NFIELDS];
	struct chunk chunks[MAX_CHUNKS];
	size_t nchunks;
};

/*
 * The longest piece of o starting at off, at most max octets, that ends
 * on an item boundary of its kind; 0 when not even one item fits.
 */
static size_t cut(const struct dhcp_optref *o, size_t off, size_t max)
{
	size_t left = o->len - off, n = 0;

	switch (o->split) {
	case DHCP_SPLIT_ROUTES:
		/* RFC 3442: width octet, ceil(width/8) destination octets, router. */
		while (n < left) {
			size_t item = 1 + (o->data[off + n] + 7u) / 8u + 4;

			if (item > left - n)
				item = left - n; /* malformed tail: one item */
			if (n + item > max)
				break;
			n += item;
		}
		return n;
	case DHCP_SPLIT_ADDRS:
		if (left <= max)
			return left;
		return max - max % 4;
	default:
		return left < max ? left : max;
	}
}

static bool add_chunk(struct plan *p, const struct dhcp_optref *o, size_t field, size_t off,
		      size_t len)
{
	if (p->nchunks == MAX_CHUNKS)
		return false;
	p->chunks[p->nchunks++] =
		(struct chunk){ o->code, (uint8_t)field, (uint8_t)len, o->data + off };
	p->used[field] += 2 + len;
	return true;
}

/*
 * One option.  Whole, one instance, in the first field with room: a
 * client that does not concatenate (RFC 3396) then sees all of it.  When
 * no field holds it whole (or it is over 255 octets, which RFC 3396 4
 * says "MUST" be split, or 119, written for concatenation), it is cut
 * into instances filling the fields in order, each ending on an item
 * boundary of its kind (whole routes for 121/249: a client decoding an
 * instance alone must not see half a route).  Instances of one code go
 * into fields in non-decreasing order (options, file, sname), so a
 * client concatenating in the RFC 3396 5 order gets the value back
 * unchanged.
 */
static bool place(struct plan *p, size_t nfields, const struct dhcp_optref *o)
{
	size_t off = 0, field = 0;

	if (o->len <= 255 && (o->split != DHCP_SPLIT_ANY || o->len == 0)) {
		for (size_t f = 0; f < nfields; f++)
			if (p->used[f] + 2 + o->len <= p->cap[f])
				return add_chunk(p, o, f, 0, o->len);
		if (o->split == DHCP_SPLIT_NONE || o->len == 0)
			return false;
	}
	while (off < o->len) {
		size_t room, n;

		if (field == nfields)
			return false;
		room = p->cap[field] - p->used[field];
		if (room < 3) {
			field++;
			continue;
		}
		n = cut(o, off, room - 2 > 255 ? 255 : room - 2);
		if (n == 0) {
			field++;
			continue;
		}
		if (!add_chunk(p, o, field, off, n))
			return false;
		off += n;
	}
	return true;
}

/*
 * Place every option, most important first.  An option that fits nowhere
 * is left out whole (a truncated option is never sent) and the next ones
 * are still tried, so a smaller, less important option may go in after a
 * larger one was left out.
 */
static int plan_place(struct plan *p, size_t nfields, const struct dhcp_optref *opts, size_t nopts,
		      struct dhcp_build_info *info)
{
	info->ndropped = 0;
	p->nchunks = 0;
	for (size_t f = 0; f < NFIELDS; f++)
		p->used[f] = 0;

	for (size_t i = 0; i < nopts; i++) {
		size_t saved_used[NFIELDS], saved_n = p->nchunks;

		memcpy(saved_used, p->used, sizeof(saved_used));
		if (place(p, nfields, &opts[i]))
			continue;
		memcpy(p->used, saved_used, sizeof(saved_used));
		p->nchunks = saved_n;
		if (opts[i].required)
			return -ENOSPC;
		info->dropped[info->ndropped++] = opts[i].code;
	}
	return 0;
}

static size_t write_field(uint8_t *out, const struct plan *p, int field)
{
	size_t len = 0;

	for (size_t i = 0; i < p->nchunks; i++) {
		const struct chunk *c = &p->chunks[i];

		if (c->field != field)
			continue;
		out[len++] = c->code;
		out[len++] = c->len;
		memcpy(out + len, c->data, c->len);
		len += c->len;
	}
	out[len++] = OPT_END;
	return len;
}

int dhcp_reply_build(uint8_t *out, size_t max_len, const struct dhcp_msg *req, uint8_t type,
		     uint32_t yiaddr, const struct dhcp_optref *opts, size_t nopts,
		     struct dhcp_build_info *info)
{
	static __thread struct plan p;
	uint32_t magic = htonl(DHCP_MAGIC);
	size_t len;
	uint8_t overload = 0;
	int ret;

	if (max_len > DHCP_MAX_MSG)
		max_len = DHCP_MAX_MSG;
	if (max_len < DHCP_OPTIONS_OFF + 8 || nopts > DHCP_MAX_OPTREFS)
		return -EINVAL;

	/* The message type goes first; one octet is kept for END. */
	p.cap[FIELD_OPTIONS] = max_len - DHCP_OPTIONS_OFF - 1;
	p.cap[FIELD_FILE] = DHCP_FILE_LEN - 1;
	p.cap[FIELD_SNAME] = DHCP_SNAME_LEN - 1;
	info->overloaded = false;
	ret = plan_place(&p, 1, opts, nopts, info);
	if (ret || info->ndropped) {
		/*
		 * RFC 2132 9.3: the file and sname fields may carry options
		 * when option 52 says so; use them before dropping anything.
		 * Option 52 itself takes three octets of the options field.
		 */
		p.cap[FIELD_OPTIONS] -= 3;
		ret = plan_place(&p, NFIELDS, opts, nopts, info);
		if (ret)
			return ret;
		if (p.used[FIELD_FILE])
			overload |= DHCP_OVERLOAD_FILE;
		if (p.used[FIELD_SNAME])
			overload |= DHCP_OVERLOAD_SNAME;
		info->overloaded = overload != 0;
		if (!overload) {
			/*
			 * Nothing went to file or sname after all: no option
			 * 52, so its 3 octets are the options field's again,
			 * and the first plan (with them) is the one sent.
			 */
			p.cap[FIELD_OPTIONS] += 3;
			ret = plan_place(&p, 1, opts, nopts, info);
			if (ret)
				return ret;
		}
	}

	/* RFC 2131 table 3: header fields of a server reply. */
	memset(out, 0, DHCP_OPTIONS_OFF);
	out[0] = BOOTREPLY;
	out[1] = req->htype;
	out[2] = req->hlen;
	memcpy(out + 4, &req->xid, 4);
	/* flags: "from client" for every reply type. */
	out[10] = (uint8_t)(req->flags >> 8);
	out[11] = (uint8_t)req->flags;
	/* ciaddr: "'ciaddr' from DHCPREQUEST or 0" (ACK); 0 otherwise. */
	if (type == DHCPACK)
		memcpy(out + 12, &req->ciaddr, 4);
	memcpy(out + 16, &yiaddr, 4);
	memcpy(out + 24, &req->giaddr, 4);
	memcpy(out + 28, req->chaddr, 16);
	memcpy(out + DHCP_FIXED_LEN, &magic, 4);

	len = DHCP_OPTIONS_OFF;
	if (overload) {
		out[len++] = OPT_OVERLOAD;
		out[len++] = 1;
		out[len++] = overload;
	}
	len += write_field(out + len, &p, FIELD_OPTIONS);
	if (overload & DHCP_OVERLOAD_FILE)
		write_field(out + DHCP_FILE_OFF, &p, FIELD_FILE);
	if (overload & DHCP_OVERLOAD_SNAME)
		write_field(out + DHCP_SNAME_OFF, &p, FIELD_SNAME);

	/* RFC 1542 2.1: pad to the 300-octet BOOTP minimum. */
	if (len < DHCP_MIN_REPLY_LEN) {
		memset(out + len, 0, DHCP_MIN_REPLY_LEN - len);
		len = DHCP_MIN_REPLY_LEN;
	}
	return (int)len;
}

void dhcp_reply_dest(const struct dhcp_msg *req, uint8_t reply_type, uint32_t yiaddr,
		     struct dhcp_dest *d)
{
	memcpy(d->mac, req->chaddr, 6);
	/*
	 * RFC 2131 4.1: "In all cases, when 'giaddr' is zero, the server
	 * broadcasts any DHCPNAK messages to 0xffffffff."
	 */
	if (reply_type == DHCPNAK) {
		d->kind = DHCP_DEST_BROADCAST;
		d->ip = INADDR_BROADCAST;
		d->why = "nak";
		return;
	}
	/*
	 * "If the 'giaddr' field is zero and the 'ciaddr' field is nonzero,
	 * then the server unicasts DHCPOFFER and DHCPACK messages to the
	 * address in 'ciaddr'." (also 4.3.5 for the ACK to a DHCPINFORM)
	 */
	if (req->ciaddr) {
		d->kind = DHCP_DEST_UNICAST;
		d->ip = req->ciaddr;
		d->why = "ciaddr";
		return;
	}
	/*
	 * "If 'giaddr' is zero and 'ciaddr' is zero, and the broadcast bit is
	 * set, then the server broadcasts DHCPOFFER and DHCPACK messages to
	 * 0xffffffff."
	 */
	if (req->flags & DHCP_FLAG_BROADCAST || !yiaddr) {
		d->kind = DHCP_DEST_BROADCAST;
		d->ip = INADDR_BROADCAST;
		d->why = "broadcast_flag";
		return;
	}
	/*
	 * "If the broadcast bit is not set and 'giaddr' is zero and 'ciaddr'
	 * is zero, then the server unicasts DHCPOFFER and DHCPACK messages to
	 * the client's hardware address and 'yiaddr' address."
	 */
	d->kind = DHCP_DEST_UNICAST;
	d->ip = yiaddr;
	d->why = "chaddr";
}
