/* SPDX-License-Identifier: MIT */
#ifndef PODLAUNCH_COMMANDS_H
#define PODLAUNCH_COMMANDS_H

/*
 * podlaunch subcommands.  Each returns the process exit status:
 * 0 success, 1 runtime failure (logged), 2 usage error (flag named).
 */
int cmd_discover(int argc, char **argv);
int cmd_setup(int argc, char **argv);
int cmd_teardown(int argc, char **argv);
int cmd_run(int argc, char **argv);
/* The DHCP server in the foreground (dhcp/ module, cmd/podlaunch/cmd_dhcp.c). */
int cmd_dhcp(int argc, char **argv);

#endif
