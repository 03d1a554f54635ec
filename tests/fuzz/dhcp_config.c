// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the state cache as the server reads it (dhcp_config_from_json
 * then dhcp_server_configure): whatever the file holds, loading either
 * fails cleanly or yields options that encode.  The same bytes as a
 * resolv.conf (--resolv-conf): only whole, valid domains come out.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "dhcp/server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_fd(open("/dev/null", O_WRONLY));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_config c;
	static struct dhcp_server s;
	struct err e;

	memset(&c, 0, sizeof(c));
	c.lease_time = DHCP_LEASE_INFINITE;
	if (dhcp_config_apply_resolv(&c, (const char *)data, size))
		abort();
	if (c.ndns > DHCP_MAX_DNS || c.nsearch > DHCP_MAX_SEARCH)
		abort();
	for (size_t i = 0; i < c.nsearch; i++)
		if (!dhcp_domain_valid(c.search[i]) || strlen(c.search[i]) > 253)
			abort();
	if (dhcp_server_configure(&s, &c))
		abort();

	memset(&c, 0, sizeof(c));
	c.lease_time = DHCP_LEASE_INFINITE;
	if (dhcp_config_from_json(&c, (const char *)data, size, &e))
		return 0;
	if (c.nroutes > DHCP_MAX_ROUTES || c.ndns > DHCP_MAX_DNS || c.nsearch > DHCP_MAX_SEARCH)
		abort();
	if (!c.l2_only && dhcp_server_configure(&s, &c))
		abort();
	return 0;
}
