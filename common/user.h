/* SPDX-License-Identifier: MIT */
#ifndef COMMON_USER_H
#define COMMON_USER_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * "UID[:GID]", both numeric (a container image need not have a passwd
 * database), each from 0 to 2^32 - 2 ((uid_t)-1 means "unchanged" to the
 * kernel).  *has_gid says whether GID was given.  0 or -EINVAL.
 */
int user_spec_parse(const char *s, uid_t *uid, gid_t *gid, bool *has_gid);

/*
 * "UID[:GID]" for a process to become: GID defaults to UID (never root's
 * group); a zero UID or GID is refused, since becoming root gains nothing
 * and hides a mistake.  0, -EINVAL (malformed) or -EPERM (zero).
 */
int user_spec_parse_unprivileged(const char *s, uid_t *uid, gid_t *gid);

/*
 * Become uid/gid for good: no supplementary groups, real, effective and
 * saved ids all set, verified afterwards.  Needs CAP_SETUID and
 * CAP_SETGID; the kernel clears the permitted, effective and ambient
 * capability sets on the switch away from uid 0.  0 or a negative errno.
 */
int user_switch(uid_t uid, gid_t gid);

#endif
