// SPDX-License-Identifier: MIT
/* podlaunch: the VM-in-pod entrypoint; dispatches to its subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmd/podlaunch/commands.h"
#include "common/util.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} cmds[] = {
	{ "discover", cmd_discover, "print the pod interface's configuration as JSON" },
	{ "setup", cmd_setup, "bind the pod interface to a bridge and a tap (transactional)" },
	{ "teardown", cmd_teardown, "undo setup from the state cache" },
	{ "run", cmd_run, "setup, start the DHCP server, drop privileges, exec the VMM" },
	{ "dhcp", cmd_dhcp, "serve the guest its pod identity over DHCP (foreground)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: podlaunch COMMAND [flags]   (podlaunch COMMAND --help)\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].what);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "podlaunch: unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}
