/* SPDX-License-Identifier: MIT */
#ifndef DHCP_OPTENC_H
#define DHCP_OPTENC_H

/* Encoders for the option values the server builds from the pod's state. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dhcp_route {
	uint32_t dst;	  /* network order; host bits are ignored */
	uint8_t prefix;	  /* 0..32 */
	uint32_t gateway; /* network order; 0 = on-link (RFC 3442) */
};

/*
 * Option 121/249 value (RFC 3442): per route the prefix width, the
 * ceil(width/8) significant destination octets and the 4-octet router.
 * Returns the length written or -ENOSPC / -EINVAL.
 */
int dhcp_encode_routes(const struct dhcp_route *r, size_t n, uint8_t *out, size_t cap);

/*
 * True when name is a valid RFC 1035 2.3.1 domain name (letters, digits and
 * hyphens, labels of 1..63 octets not starting or ending with a hyphen, a
 * digit first allowed per RFC 1123 2.1, at most 253 octets, one optional
 * trailing dot) and not all-numeric in its last label (RFC 1123 2.1: a
 * name never has the dotted-quad form).
 */
bool dhcp_domain_valid(const char *name);

/*
 * Option 119 value (RFC 3397): the names in RFC 1035 3.1 wire form with
 * RFC 1035 4.1.4 compression pointers.  Invalid names must have been
 * filtered with dhcp_domain_valid().  Returns the length or -ENOSPC.
 * The value may exceed 255 octets; the reply builder splits it (RFC 3396).
 */
int dhcp_encode_search(const char *const *names, size_t n, uint8_t *out, size_t cap);

/*
 * Option 12 (RFC 2132 3.14) from a pod hostname: its first label only
 * (the domain is in 15/119), lower-cased, characters other than RFC 1123
 * letters, digits and hyphens replaced by '-', leading and trailing '-'
 * trimmed.  Returns the length, 0 (out empty) when nothing usable is left,
 * for the kernel's "(none)", or when the label exceeds 63 octets (RFC 1035
 * 2.3.4) or cap - 1.
 */
size_t dhcp_hostname_sanitize(const char *in, char *out, size_t cap);

/*
 * --lease-time: "infinite" or 10..4294967294 seconds (RFC 2131 3.3:
 * 0xffffffff means infinite, so a finite lease stays below it; under 10 s
 * a client would do little but renew).  0 or -EINVAL.
 */
int dhcp_parse_lease_time(const char *arg, uint32_t *secs);

/*
 * Why --dhcp-option may not set code (50, 52-55, 57, 61, 0, 255: the
 * client's or the server's own), or NULL when it may.
 */
const char *dhcp_option_refused(uint8_t code);

/*
 * "CODE:HEX" (--dhcp-option) into code/value; 0, -EINVAL (syntax, code
 * outside 1-254, too long) or -EPERM (dhcp_option_refused()).
 */
int dhcp_parse_option_arg(const char *arg, uint8_t *code, uint8_t *val, size_t cap, size_t *len);

#endif
