// SPDX-License-Identifier: MIT
#define _GNU_SOURCE /* setresuid, getresuid */
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/num.h"
#include "common/user.h"

int user_spec_parse(const char *s, uid_t *uid, gid_t *gid, bool *has_gid)
{
	unsigned long long u, g = 0;
	const char *colon = strchr(s, ':');
	char buf[16];
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (num_parse(buf, 0, UINT32_MAX - 1, &u) ||
	    (colon && num_parse(colon + 1, 0, UINT32_MAX - 1, &g)))
		return -EINVAL;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	*has_gid = colon != NULL;
	return 0;
}

int user_spec_parse_unprivileged(const char *s, uid_t *uid, gid_t *gid)
{
	bool has_gid;

	if (user_spec_parse(s, uid, gid, &has_gid))
		return -EINVAL;
	if (!has_gid)
		*gid = (gid_t)*uid;
	return *uid && *gid ? 0 : -EPERM;
}

int user_switch(uid_t uid, gid_t gid)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	/* Groups first: once the uid changes, CAP_SETGID is gone. */
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	/* glibc applies set*id to every thread; check the result anyway. */
	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid ||
	    getgroups(0, NULL) != 0)
		return -EPERM;
	return 0;
}
