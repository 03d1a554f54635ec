/* SPDX-License-Identifier: MIT */
#ifndef DHCP_DNSNAME_H
#define DHCP_DNSNAME_H

/*
 * A list of domain names in RFC 1035 3.1 wire form without compression:
 * what DHCPv6 option 24 (RFC 3646 4, RFC 8415 10) and the RA DNSSL option
 * (RFC 8106 5.2) require.  Names must have passed dhcp_domain_valid().
 */

#include <stddef.h>
#include <stdint.h>

/* Names that do not fit in cap are left out whole; returns the length used. */
size_t dns_names_encode(const char *const *names, size_t n, uint8_t *out, size_t cap);

#endif
