// SPDX-License-Identifier: MIT
#include "cmd/podlaunch/commands.h"
#include "cmd/podlaunch/opts_common.h"

int cmd_teardown(int argc, char **argv)
{
	struct ns_opts o;
	int ret = podlaunch_opts(NS_CMD_TEARDOWN, argc, argv, &o);

	if (ret >= 0)
		return ret;
	return ns_teardown(&o) ? 1 : 0;
}
