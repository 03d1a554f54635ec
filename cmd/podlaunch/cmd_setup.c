// SPDX-License-Identifier: MIT
#include <stdlib.h>

#include "cmd/podlaunch/commands.h"
#include "cmd/podlaunch/opts_common.h"

int cmd_setup(int argc, char **argv)
{
	struct ns_opts o;
	struct ns_state *st;
	struct err e = { 0 };
	char path[4096];
	int ret = podlaunch_opts(NS_CMD_SETUP, argc, argv, &o);

	if (ret >= 0)
		return ret;
	st = calloc(1, sizeof(*st));
	if (!st)
		return 1;
	ret = ns_setup(&o, st, path, sizeof(path), NULL, &e);
	free(st);
	return ret ? podlaunch_binding_failed("setup failed", &o, path, &e) : 0;
}
