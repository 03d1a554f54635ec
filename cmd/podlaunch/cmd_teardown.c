// SPDX-License-Identifier: MIT
#include "cmd/podlaunch/commands.h"
#include "cmd/podlaunch/opts_common.h"

int cmd_teardown(int argc, char **argv)
{
	struct ns_opts o;
	struct err e = { 0 };
	char path[4096];
	int ret = podlaunch_opts(NS_CMD_TEARDOWN, argc, argv, &o);

	if (ret >= 0)
		return ret;
	if (ns_teardown(&o, path, sizeof(path), &e))
		return podlaunch_binding_failed(
			"teardown failed; the cache is kept for another try", &o, path, &e);
	return 0;
}
