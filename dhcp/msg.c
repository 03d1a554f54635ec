// SPDX-License-Identifier: MIT
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/msg.h"

/*
 * RFC 2132 gives these options an exact length.  Busybox CVE-2018-20679 and
 * CVE-2019-5747 came from trusting such lengths, so the options the server
 * acts on are held to it strictly.  The others are skipped by their length
 * octet like any option the server does not know (RFC 2131 4.1: "options
 * not understood are ignored"): a client's odd hostname or lease time is
 * no reason to refuse it a lease.
 *
 * REJECT: the message is dropped (its meaning depends on the value):
 * 50/54 pick the RFC 2131 4.3.2 state and the answer, 53 the message,
 * 52 where the options are.
 */
static const uint8_t reject_len[256] = {
	[OPT_REQUESTED_IP] = 4,
	[OPT_OVERLOAD] = 1,
	[OPT_MSG_TYPE] = 1,
	[OPT_SERVER_ID] = 4,
};

/*
 * IGNORE: advisory options with a wrong length are treated as absent.
 * 57 only raises the size limit above 576 (RFC 2132 9.10), so without it
 * the reply still fits every client.
 */
static const uint8_t ignore_len[256] = {
	[OPT_MAX_MSG_SIZE] = 2,
};

/*
 * RFC 2132 9.14: the client identifier is at least 2 octets; it is echoed
 * (RFC 6842), so a shorter one makes the message invalid.  55 is read
 * octet by octet, any length is fine.
 */
static const uint8_t min_len[256] = {
	[OPT_CLIENT_ID] = 2,
};

struct inst {
	uint8_t code;
	uint8_t len;
	uint16_t off; /* offset in the packet */
};

/* Each instance needs at least two octets, so this bounds the count. */
#define MAX_INST (DHCP_MAX_MSG / 2)

struct scan {
	struct inst inst[MAX_INST];
	unsigned int n;
};

/*
 * Walk one option area [off, off+len) of buf.  RFC 2131 4.1: options end at
 * END (255); PAD (0) is a single octet.  A missing END at the end of the
 * area is tolerated (common in the wild); an option whose length octet or
 * value lies past the area is not.
 */
static int scan_area(struct scan *s, const uint8_t *buf, size_t off, size_t len)
{
	size_t i = off, end = off + len;

	while (i < end) {
		uint8_t code = buf[i];

		if (code == OPT_END)
			return 0;
		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 1 >= end)
			return DHCP_PARSE_TRUNCATED;
		uint8_t olen = buf[i + 1];
		if (i + 2 + olen > end)
			return DHCP_PARSE_TRUNCATED;
		if (s->n >= MAX_INST)
			return DHCP_PARSE_TRUNCATED;
		s->inst[s->n++] = (struct inst){ code, olen, (uint16_t)(i + 2) };
		i += 2 + (size_t)olen;
	}
	return 0;
}

static inline void set_present(struct dhcp_msg *m, uint8_t c)
{
	m->opt_present[c >> 3] |= (uint8_t)(1u << (c & 7));
}

bool dhcp_msg_has(const struct dhcp_msg *m, uint8_t code)
{
	return m->opt_present[code >> 3] & (1u << (code & 7));
}

int dhcp_msg_parse(struct dhcp_msg *m, const uint8_t *buf, size_t len)
{
	/* Kept static to stay off the stack; the server is single-threaded. */
	static __thread struct scan s;
	uint32_t magic;
	int ret;

	memset(m->opt_present, 0, sizeof(m->opt_present));
	m->overload = 0;
	if (len < DHCP_OPTIONS_OFF)
		return DHCP_PARSE_SHORT;
	if (len > DHCP_MAX_MSG)
		return DHCP_PARSE_LONG;

	m->op = buf[0];
	m->htype = buf[1];
	m->hlen = buf[2];
	m->hops = buf[3];
	memcpy(&m->xid, buf + 4, 4);
	m->secs = (uint16_t)(buf[8] << 8 | buf[9]);
	m->flags = (uint16_t)(buf[10] << 8 | buf[11]);
	memcpy(&m->ciaddr, buf + 12, 4);
	memcpy(&m->yiaddr, buf + 16, 4);
	memcpy(&m->siaddr, buf + 20, 4);
	memcpy(&m->giaddr, buf + 24, 4);
	memcpy(m->chaddr, buf + 28, 16);
	memcpy(&magic, buf + DHCP_FIXED_LEN, 4);
	if (ntohl(magic) != DHCP_MAGIC)
		return DHCP_PARSE_MAGIC;
	if (m->htype != DHCP_HTYPE_ETHER || m->hlen != DHCP_HLEN_ETHER)
		return DHCP_PARSE_HTYPE;

	s.n = 0;
	ret = scan_area(&s, buf, DHCP_OPTIONS_OFF, len - DHCP_OPTIONS_OFF);
	if (ret)
		return ret;

	/*
	 * RFC 2132 9.3: option 52 in the options field says the file and/or
	 * sname fields carry options too.  RFC 3396 5: the aggregate buffer is
	 * the options field, then file, then sname, in that order.
	 */
	for (unsigned int i = 0; i < s.n; i++) {
		if (s.inst[i].code != OPT_OVERLOAD)
			continue;
		if (s.inst[i].len != 1)
			return DHCP_PARSE_OVERLOAD;
		m->overload = buf[s.inst[i].off];
		if (m->overload < 1 || m->overload > 3)
			return DHCP_PARSE_OVERLOAD;
	}
	if (m->overload & DHCP_OVERLOAD_FILE) {
		ret = scan_area(&s, buf, DHCP_FILE_OFF, DHCP_FILE_LEN);
		if (ret)
			return ret;
	}
	if (m->overload & DHCP_OVERLOAD_SNAME) {
		ret = scan_area(&s, buf, DHCP_SNAME_OFF, DHCP_SNAME_LEN);
		if (ret)
			return ret;
	}

	/*
	 * RFC 3396 5: all instances of one code are concatenated in order.
	 * Two passes (sizes, then copies) keep it linear and allocation free.
	 * The total cannot exceed len, which is at most sizeof(m->store).
	 */
	uint16_t total[256] = { 0 };
	for (unsigned int i = 0; i < s.n; i++)
		total[s.inst[i].code] += s.inst[i].len;
	uint16_t off = 0;
	for (unsigned int c = 1; c < 255; c++) {
		m->opt_off[c] = off;
		m->opt_len[c] = 0;
		off += total[c];
	}
	for (unsigned int i = 0; i < s.n; i++) {
		const struct inst *in = &s.inst[i];
		memcpy(m->store + m->opt_off[in->code] + m->opt_len[in->code], buf + in->off,
		       in->len);
		m->opt_len[in->code] += in->len;
		set_present(m, in->code);
	}

	for (unsigned int c = 1; c < 255; c++) {
		if (!dhcp_msg_has(m, (uint8_t)c))
			continue;
		if (reject_len[c] && m->opt_len[c] != reject_len[c])
			return DHCP_PARSE_OPTLEN;
		if (m->opt_len[c] < min_len[c])
			return DHCP_PARSE_OPTLEN;
		if (ignore_len[c] && m->opt_len[c] != ignore_len[c])
			m->opt_present[c >> 3] &= (uint8_t) ~(1u << (c & 7));
	}
	return DHCP_PARSE_OK;
}

const char *dhcp_parse_err_name(int err)
{
	static const char *const names[DHCP_PARSE__MAX] = {
		[DHCP_PARSE_OK] = "ok",
		[DHCP_PARSE_SHORT] = "short",
		[DHCP_PARSE_LONG] = "too_long",
		[DHCP_PARSE_MAGIC] = "bad_magic",
		[DHCP_PARSE_HTYPE] = "bad_htype",
		[DHCP_PARSE_TRUNCATED] = "truncated_option",
		[DHCP_PARSE_OPTLEN] = "bad_option_length",
		[DHCP_PARSE_OVERLOAD] = "bad_overload",
	};
	if (err < 0 || err >= DHCP_PARSE__MAX)
		return "unknown";
	return names[err];
}

const uint8_t *dhcp_msg_opt(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	if (!dhcp_msg_has(m, code))
		return NULL;
	*len = m->opt_len[code];
	return m->store + m->opt_off[code];
}

int dhcp_msg_type(const struct dhcp_msg *m)
{
	size_t len;
	const uint8_t *v = dhcp_msg_opt(m, OPT_MSG_TYPE, &len);

	return v ? v[0] : 0;
}

bool dhcp_msg_addr(const struct dhcp_msg *m, uint8_t code, uint32_t *addr)
{
	size_t len;
	const uint8_t *v = dhcp_msg_opt(m, code, &len);

	if (!v || len != 4)
		return false;
	memcpy(addr, v, 4);
	return true;
}

bool dhcp_msg_requested(const struct dhcp_msg *m, uint8_t code)
{
	size_t len;
	const uint8_t *v = dhcp_msg_opt(m, OPT_PARAM_REQ, &len);

	for (size_t i = 0; v && i < len; i++)
		if (v[i] == code)
			return true;
	return false;
}
