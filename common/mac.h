/* SPDX-License-Identifier: MIT */
#ifndef COMMON_MAC_H
#define COMMON_MAC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Ethernet (IEEE 802) MAC addresses as text: the one parser and the one
 * formatter of the tree, so a MAC written by one program (the state cache,
 * podvmm's --net, the DHCP server's config) reads back the same everywhere.
 */

#define MAC_LEN	     6
#define MAC_STR_SIZE 18 /* "xx:xx:xx:xx:xx:xx" and its NUL */

/*
 * Exactly six colon-separated pairs of hex digits, either case, nothing
 * before or after: "02:00:5E:10:00:01".  "1:2:3:4:5:6", "02-00-...", a
 * sign, a space or a 0x prefix are refused.  Any address is accepted
 * (multicast and all zeros too): policy is the caller's.  0, or -EINVAL
 * (also for NULL).
 */
int mac_parse(const char *s, uint8_t mac[MAC_LEN]);
/* The same over the first len bytes of s (a value inside a longer spec). */
int mac_parse_len(const char *s, size_t len, uint8_t mac[MAC_LEN]);

/* Lower-case "xx:xx:xx:xx:xx:xx" into out; returns out. */
char *mac_format(const uint8_t mac[MAC_LEN], char out[MAC_STR_SIZE]);

#endif
