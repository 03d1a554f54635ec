// SPDX-License-Identifier: MIT
/*
 * Linked only while cmd/podlaunch/cmd_dhcp.c (the DHCP server, dhcp/ module)
 * does not exist, so `podlaunch run` fails clearly instead of pretending.
 */
#include "cmd/podlaunch/commands.h"
#include "common/log.h"

int cmd_dhcp(int argc, char **argv)
{
	log_error("dhcp", "dhcp server not built", NULL);
	return 1;
}
