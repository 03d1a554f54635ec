// SPDX-License-Identifier: MIT
/* podlaunch dhcp: the DHCPv4 server for the VM (placeholder until dhcp/ lands). */
#include <stdio.h>
#include <string.h>

#include "cmd/podlaunch/commands.h"
#include "common/log.h"

int cmd_dhcp(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: podlaunch dhcp [--iface IFACE] [--state-dir DIR]\n");
			return 0;
		}
	}
	log_error("dhcp", "server not built yet", NULL);
	return 1;
}
