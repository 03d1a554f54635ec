/* SPDX-License-Identifier: MIT */
#ifndef PODLAUNCH_OPTS_COMMON_H
#define PODLAUNCH_OPTS_COMMON_H

#include "netsetup/netsetup.h"

/*
 * Parse a subcommand's flags.  Returns -1 to go on, else the exit status:
 * 0 after --help, 2 (message naming the flag on stderr) for a bad flag.
 */
int podlaunch_opts(enum ns_cmd cmd, int argc, char **argv, struct ns_opts *o);

/*
 * The one log line of a failed ns_setup/ns_teardown: e (its step and
 * message) with the interface and the cache file.  Returns 1, the exit
 * status.
 */
int podlaunch_binding_failed(const char *msg, const struct ns_opts *o, const char *cache_path,
			     const struct err *e);

#endif
