// SPDX-License-Identifier: MIT
#include <string.h>

#include "dhcp/dhcp6_msg.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Walk the options in [p, p+len): RFC 8415 21.1, option-code and
 * option-len of 2 octets each, then option-len octets.  Calls fn per
 * option; a non-zero return stops the walk with that value.
 */
typedef int (*opt_fn)(void *ctx, uint16_t code, const uint8_t *v, uint16_t len);

static int walk(const uint8_t *p, size_t len, opt_fn fn, void *ctx)
{
	while (len) {
		uint16_t code, olen;
		int ret;

		if (len < 4)
			return DHCP6_PARSE_TRUNCATED;
		code = get16(p);
		olen = get16(p + 2);
		if (olen > len - 4)
			return DHCP6_PARSE_TRUNCATED;
		ret = fn(ctx, code, p + 4, olen);
		if (ret)
			return ret;
		p += 4 + olen;
		len -= 4 + (size_t)olen;
	}
	return DHCP6_PARSE_OK;
}

/* Inside IA_NA / IA_TA: RFC 8415 21.6 IAADDR, address then two lifetimes. */
static int ia_opt(void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct dhcp6_ia *ia = ctx;

	if (code != D6O_IAADDR)
		return 0;
	if (len < DHCP6_IAADDR_LEN)
		return DHCP6_PARSE_IAADDR;
	/* The IAADDR's own options (a status code) are of no use to a server. */
	if (ia->naddr < DHCP6_MAX_IAADDR)
		memcpy(&ia->addr[ia->naddr++], v, 16);
	return 0;
}

static int top_opt(void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct dhcp6_msg *m = ctx;
	struct dhcp6_ia *ia;

	switch (code) {
	case D6O_CLIENTID:
	case D6O_SERVERID:
		/*
		 * RFC 8415 11.1: a DUID is a 2-octet type plus at most 128
		 * octets.  Two of the same identifier make the message
		 * ambiguous: refused.
		 */
		if (len < 2 || len > DHCP6_DUID_MAX)
			return DHCP6_PARSE_DUID;
		if (code == D6O_CLIENTID) {
			if (m->clientid)
				return DHCP6_PARSE_DUID;
			m->clientid = v;
			m->clientid_len = len;
		} else {
			if (m->serverid)
				return DHCP6_PARSE_DUID;
			m->serverid = v;
			m->serverid_len = len;
		}
		return 0;
	case D6O_RAPID_COMMIT:
		/* RFC 8415 21.14: option-len is 0. */
		if (len)
			return DHCP6_PARSE_OPTLEN;
		m->rapid_commit = true;
		return 0;
	case D6O_ORO:
		/* RFC 8415 21.7: a list of 2-octet codes. */
		if (len & 1)
			return DHCP6_PARSE_OPTLEN;
		m->oro = v;
		m->oro_len = len;
		return 0;
	case D6O_IA_NA:
	case D6O_IA_TA:
	case D6O_IA_PD: {
		/* RFC 8415 21.4 / 21.5 / 21.21: IAID (+ T1, T2 for NA and PD). */
		size_t fixed = code == D6O_IA_TA ? DHCP6_IA_TA_LEN : DHCP6_IA_NA_LEN;
		int ret;

		if (len < fixed)
			return DHCP6_PARSE_IA;
		if (m->nia >= DHCP6_MAX_IA) {
			m->ia_ignored++;
			return 0;
		}
		ia = &m->ia[m->nia];
		memset(ia, 0, sizeof(*ia));
		ia->code = code;
		memcpy(ia->iaid, v, 4);
		if (code != D6O_IA_TA) {
			ia->t1 = get32(v + 4);
			ia->t2 = get32(v + 8);
		}
		/* Prefixes asked for in an IA_PD are never delegated: not read. */
		if (code != D6O_IA_PD) {
			ret = walk(v + fixed, len - fixed, ia_opt, ia);
			if (ret)
				return ret;
		}
		m->nia++;
		return 0;
	}
	default:
		return 0;
	}
}

int dhcp6_msg_parse(struct dhcp6_msg *m, const uint8_t *buf, size_t len)
{
	memset(m, 0, sizeof(*m));
	if (len < DHCP6_HDR_LEN)
		return DHCP6_PARSE_SHORT;
	m->type = buf[0];
	memcpy(m->xid, buf + 1, 3);
	/* RFC 8415 9: relay messages have another layout; the caller drops them by type. */
	if (m->type == DHCP6_RELAY_FORW || m->type == DHCP6_RELAY_REPL)
		return DHCP6_PARSE_OK;
	return walk(buf + DHCP6_HDR_LEN, len - DHCP6_HDR_LEN, top_opt, m);
}

const char *dhcp6_parse_err_name(int err)
{
	static const char *const names[DHCP6_PARSE__MAX] = {
		[DHCP6_PARSE_OK] = "ok",
		[DHCP6_PARSE_SHORT] = "short",
		[DHCP6_PARSE_TRUNCATED] = "truncated_option",
		[DHCP6_PARSE_DUID] = "bad_duid",
		[DHCP6_PARSE_IA] = "bad_ia",
		[DHCP6_PARSE_IAADDR] = "bad_iaaddr",
		[DHCP6_PARSE_OPTLEN] = "bad_option_length",
	};
	return err >= 0 && err < DHCP6_PARSE__MAX ? names[err] : "unknown";
}

bool dhcp6_msg_requested(const struct dhcp6_msg *m, uint16_t code)
{
	for (size_t i = 0; i + 1 < m->oro_len; i += 2)
		if (get16(m->oro + i) == code)
			return true;
	return false;
}

void dhcp6_w_init(struct dhcp6_writer *w, uint8_t *buf, size_t cap, uint8_t type,
		  const uint8_t xid[3])
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->overflow = cap < DHCP6_HDR_LEN;
	if (w->overflow)
		return;
	buf[0] = type;
	memcpy(buf + 1, xid, 3);
	w->len = DHCP6_HDR_LEN;
}

void dhcp6_w_raw(struct dhcp6_writer *w, const void *data, size_t len)
{
	if (w->overflow || len > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	if (len)
		memcpy(w->buf + w->len, data, len);
	w->len += len;
}

void dhcp6_w_u32(struct dhcp6_writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	dhcp6_w_raw(w, b, 4);
}

size_t dhcp6_w_begin(struct dhcp6_writer *w, uint16_t code)
{
	uint8_t h[4] = { (uint8_t)(code >> 8), (uint8_t)code, 0, 0 };
	size_t mark = w->len;

	dhcp6_w_raw(w, h, 4);
	return mark;
}

void dhcp6_w_end(struct dhcp6_writer *w, size_t mark)
{
	size_t len;

	if (w->overflow)
		return;
	len = w->len - mark - 4;
	if (len > 0xffff) {
		w->overflow = true;
		return;
	}
	w->buf[mark + 2] = (uint8_t)(len >> 8);
	w->buf[mark + 3] = (uint8_t)len;
}

void dhcp6_w_opt(struct dhcp6_writer *w, uint16_t code, const void *data, size_t len)
{
	size_t mark = dhcp6_w_begin(w, code);

	dhcp6_w_raw(w, data, len);
	dhcp6_w_end(w, mark);
}

void dhcp6_w_status(struct dhcp6_writer *w, uint16_t status, const char *msg)
{
	uint8_t c[2] = { (uint8_t)(status >> 8), (uint8_t)status };
	size_t mark = dhcp6_w_begin(w, D6O_STATUS_CODE);

	dhcp6_w_raw(w, c, 2);
	dhcp6_w_raw(w, msg, strlen(msg));
	dhcp6_w_end(w, mark);
}
