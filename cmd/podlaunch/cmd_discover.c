// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/podlaunch/commands.h"
#include "cmd/podlaunch/opts_common.h"
#include "common/log.h"

int cmd_discover(int argc, char **argv)
{
	struct ns_opts o;
	struct err e = { 0 };
	struct ns_pod *pod;
	json_t *j;
	char *text;
	int ret = podlaunch_opts(NS_CMD_DISCOVER, argc, argv, &o);

	if (ret >= 0)
		return ret;
	pod = calloc(1, sizeof(*pod));
	if (!pod)
		return 1;
	ret = ns_discover(o.iface, o.resolv_conf, pod, 0, &e);
	if (ret) {
		if (!e.code)
			err_set(&e, ret, NULL);
		err_log("discover", "discovery failed", &e, "{s:s, s:s}", "step", "discover",
			"iface", o.iface);
		free(pod);
		return 1;
	}
	j = ns_pod_to_json(pod);
	json_object_set_new(j, "iface", json_string(pod->iface));
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	free(pod);
	if (!text)
		return 1;
	puts(text);
	free(text);
	return fflush(stdout) ? 1 : 0;
}
