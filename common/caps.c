// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/capability.h>

#include "common/caps.h"

int caps_keep(const cap_value_t *keep, int nkeep, bool ambient)
{
	cap_value_t last = cap_max_bits() - 1;
	cap_t caps;
	int ret = 0;

	/*
	 * Handed on to an execve: inheritable first, because capset(2) takes
	 * into the inheritable set only what the bounding set still holds;
	 * then they can leave the bounding set with the rest (a root caller's
	 * exec grants inheritable & the file's set, which is all of them).
	 * Without an exec the bounding set does not limit what is already
	 * permitted, so it is emptied either way.
	 */
	if (ambient && nkeep > 0) {
		caps = cap_get_proc();
		if (!caps)
			return -errno;
		if (cap_set_flag(caps, CAP_INHERITABLE, nkeep, keep, CAP_SET) ||
		    cap_set_proc(caps) < 0)
			ret = -errno;
		cap_free(caps);
		if (ret)
			return ret;
	}

	/*
	 * The bounding set first: dropping from it needs CAP_SETPCAP in the
	 * effective set, which the set_proc below may remove.  EPERM means we
	 * never had CAP_SETPCAP (a container's default set), which is fine:
	 * no_new_privs keeps the bounding set from mattering across exec.
	 */
	for (cap_value_t c = 0; c <= last; c++) {
		if (CAP_IS_SUPPORTED(c) && cap_get_bound(c) == 1 && cap_drop_bound(c) < 0 &&
		    errno != EPERM)
			return -errno;
	}

	caps = cap_init();
	if (!caps)
		return -errno;
	if (nkeep > 0 && (cap_set_flag(caps, CAP_EFFECTIVE, nkeep, keep, CAP_SET) ||
			  cap_set_flag(caps, CAP_PERMITTED, nkeep, keep, CAP_SET) ||
			  (ambient && cap_set_flag(caps, CAP_INHERITABLE, nkeep, keep, CAP_SET)))) {
		ret = -errno;
		goto out;
	}
	if (cap_set_proc(caps) < 0) {
		ret = -errno;
		goto out;
	}

	if (cap_reset_ambient() < 0 && errno != EINVAL) {
		ret = -errno;
		goto out;
	}
	for (int i = 0; ambient && i < nkeep; i++) {
		if (cap_set_ambient(keep[i], CAP_SET) < 0) {
			ret = -errno;
			goto out;
		}
	}
out:
	cap_free(caps);
	return ret;
}

int caps_drop_all(void)
{
	return caps_keep(NULL, 0, false);
}

int no_new_privs_set(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}
