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
 * Place every option, most important first.  An option longer than 255
 * octets is split into instances (RFC 3396 4: "the agent MUST ... split
 * it into multiple instances").  Instances of one code go into fields in
 * non-decreasing order (options, file, sname) so that a client
 * concatenating in the RFC 3396 5 order gets the value back unchanged.
 * Options marked splittable (those whose RFCs are written for RFC 3396
 * concatenation, like 119) may be cut at any octet to fill a field; the
 * others move whole to the next field with room.  An option that does not
 * fit is left out whole: a truncated option is never sent.
 */
static int plan_place(struct plan *p, size_t nfields, const struct dhcp_optref *opts,
		      size_t nopts, struct dhcp_build_info *info)
{
	info->ndropped = 0;
	p->nchunks = 0;
	for (size_t f = 0; f < NFIELDS; f++)
		p->used[f] = 0;

	for (size_t i = 0; i < nopts; i++) {
		size_t saved_used[NFIELDS], saved_n = p->nchunks, off = 0, field = 0;
		bool ok = true;

		memcpy(saved_used, p->used, sizeof(saved_used));
		do {
			size_t l = opts[i].len - off;

			if (l > 255)
				l = 255;
			if (opts[i].splittable) {
				/* Fill what is left of a field, at least one octet. */
				while (field < nfields && p->used[field] + 3 > p->cap[field])
					field++;
				if (field < nfields && p->used[field] + 2 + l > p->cap[field])
					l = p->cap[field] - p->used[field] - 2;
			}
			while (field < nfields && p->used[field] + 2 + l > p->cap[field])
				field++;
			if (field == nfields || p->nchunks == MAX_CHUNKS) {
				ok = false;
				break;
			}
			p->chunks[p->nchunks++] = (struct chunk){
				opts[i].code, (uint8_t)field, (uint8_t)l, opts[i].data + off };
			p->used[field] += 2 + l;
			off += l;
		} while (off < opts[i].len);

		if (!ok) {
			memcpy(p->used, saved_used, sizeof(saved_used));
			p->nchunks = saved_n;
			if (opts[i].required)
				return -ENOSPC;
			info->dropped[info->ndropped++] = opts[i].code;
		}
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

int dhcp_reply_build(uint8_t *out, size_t max_len, const struct dhcp_msg *req,
		     uint8_t type, uint32_t yiaddr, const struct dhcp_optref *opts,
		     size_t nopts, struct dhcp_build_info *info)
{
	static __thread struct plan p;
	uint32_t magic = htonl(DHCP_MAGIC);
	size_t nfields = 1, len;
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
	ret = plan_place(&p, nfields, opts, nopts, info);
	if (ret || info->ndropped) {
		/*
		 * RFC 2132 9.3: the file and sname fields may carry options
		 * when option 52 says so; use them before dropping anything.
		 * Option 52 itself takes three octets of the options field.
		 */
		p.cap[FIELD_OPTIONS] -= 3;
		nfields = NFIELDS;
		ret = plan_place(&p, nfields, opts, nopts, info);
		if (ret)
			return ret;
		if (p.used[FIELD_FILE])
			overload |= DHCP_OVERLOAD_FILE;
		if (p.used[FIELD_SNAME])
			overload |= DHCP_OVERLOAD_SNAME;
		info->overloaded = overload != 0;
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
