// SPDX-License-Identifier: MIT
#include <stdio.h>

#include "cmd/podlaunch/opts_common.h"
#include "common/err.h"

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

int podlaunch_binding_failed(const char *msg, const struct ns_opts *o, const char *cache_path,
			     const struct err *e)
{
	err_log("netsetup", msg, e, "{s:s, s:s}", "iface", o->iface, "file", cache_path);
	return 1;
}
