// SPDX-License-Identifier: MIT
#include <stdio.h>

#include "cmd/podlaunch/opts_common.h"

int podlaunch_opts(enum ns_cmd cmd, int argc, char **argv, struct ns_opts *o)
{
	struct err e = { 0 };

	if (ns_opts_parse(cmd, argc, argv, o, &e)) {
		fprintf(stderr, "podlaunch %s: %s\n", argv[0], e.msg);
		ns_opts_usage(cmd, stderr);
		return 2;
	}
	if (o->help) {
		ns_opts_usage(cmd, stdout);
		return 0;
	}
	return -1;
}
