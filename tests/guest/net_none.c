// SPDX-License-Identifier: MIT
/* Linked when tests/guest/net/ does not exist. */
#include "io.h"
#include "net.h"

int guest_net_main(const struct boot_params *bp)
{
	(void)bp;
	con_puts("net: no NIC support built\n");
	return -1;
}
