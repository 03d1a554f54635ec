/* SPDX-License-Identifier: MIT */
#ifndef DHCP_CONFIG_H
#define DHCP_CONFIG_H

/*
 * What the server hands out, read from the netsetup state cache
 * (netsetup/STATE-FORMAT.md) plus the command line's overrides.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "common/err.h"
#include "dhcp/optenc.h"

#define DHCP_MAX_ROUTES	   64
#define DHCP_MAX_DNS	   8
#define DHCP_MAX_SEARCH	   32
#define DHCP_MAX_NTP	   4
#define DHCP_MAX_EXTRA	   16
#define DHCP_EXTRA_MAX_LEN 1024

struct dhcp_extra {
	uint8_t code;
	uint16_t len;
	uint8_t data[DHCP_EXTRA_MAX_LEN];
};

struct dhcp_config {
	char iface[IF_NAMESIZE];
	char bridge[IF_NAMESIZE];
	bool l2_only;
	bool masquerade; /* binding.kind: guest behind NAT, binding.masq */
	uint8_t guest_mac[6];
	uint16_t mtu; /* 0: do not send option 26 */

	uint32_t server_id; /* network order: the bridge address */
	uint32_t addr;	    /* the pod IP handed to the guest */
	uint8_t prefix;
	uint32_t router; /* 0: no option 3 */

	struct dhcp_route routes[DHCP_MAX_ROUTES]; /* default route last */
	size_t nroutes;
	uint32_t dns[DHCP_MAX_DNS];
	size_t ndns;
	char search[DHCP_MAX_SEARCH][254];
	size_t nsearch;
	char hostname[64];
	uint32_t ntp[DHCP_MAX_NTP];
	size_t nntp;

	/* Command-line settings, kept across reloads by the caller. */
	uint32_t lease_time; /* seconds or DHCP_LEASE_INFINITE */
	struct dhcp_extra extra[DHCP_MAX_EXTRA];
	size_t nextra;
};

/*
 * Fill cfg's cache-derived fields from the state JSON text (the command-line
 * fields are left alone).  Search domains failing dhcp_domain_valid() are
 * skipped with a warning.  0 or -EINVAL with e saying what is wrong.
 */
int dhcp_config_from_json(struct dhcp_config *cfg, const char *text, size_t len, struct err *e);
/* Same from a file; -errno (e says which step) when it cannot be read. */
int dhcp_config_load(struct dhcp_config *cfg, const char *path, struct err *e);

/*
 * All of path (at most max octets: -EFBIG) into a malloc'd buffer with a
 * NUL after the len octets read (the caller frees it); 0 or -errno.
 */
int dhcp_file_read(const char *path, size_t max, char **out, size_t *len);

/* A state cache larger than this is refused (by both families' loaders). */
#define DHCP_CACHE_MAX (16u << 20)

/*
 * The one reader of the state cache: all of path, NUL-terminated, into a
 * malloc'd *text (the caller frees it).  0, or -errno with e saying why
 * (-EFBIG: over DHCP_CACHE_MAX).
 */
int dhcp_cache_read(const char *path, char **text, size_t *len, struct err *e);

/*
 * Check the --dhcp-option values against each other and the lease time
 * (at flag-parsing time, so a bad one exits 2): codes the server owns or
 * only a client sends are refused (dhcp_option_refused()), a code given
 * twice too (RFC 3396 would concatenate the two); 1, 26, 28, 51, 58 and
 * 59 must have their RFC 2132 sizes (1 a contiguous mask), 3/6/42 be
 * address lists, 121/249 whole RFC 3442 routes, and T1 < T2 < lease.
 * Option 51 sets *lease_time (refused with lease_given: --lease-time)
 * and leaves the list.  0 or -EINVAL with e saying which rule failed.
 */
int dhcp_extra_check(struct dhcp_extra *extra, size_t *n, uint32_t *lease_time, bool lease_given,
		     struct err *e);

/* A resolv.conf larger than this is refused rather than cut. */
#define DHCP_RESOLV_MAX (1u << 20)

/*
 * nameserver / search / domain lines of a resolv.conf text replace cfg's: IPv4 nameservers if any nameserver line is
 * there, the search list of the last search/domain line.  Lines of any
 * length; domains failing dhcp_domain_valid() (over 253 octets included)
 * are skipped whole with a warning, never cut.  0 or -ENOMEM.
 */
int dhcp_config_apply_resolv(struct dhcp_config *cfg, const char *text, size_t len);
/* Same from a file of at most DHCP_RESOLV_MAX octets; 0 or -errno (-EFBIG). */
int dhcp_config_load_resolv(struct dhcp_config *cfg, const char *path);

uint32_t dhcp_prefix_to_mask(uint8_t prefix); /* network order */

#endif
