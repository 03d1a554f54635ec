// SPDX-License-Identifier: MIT
/* Reading and atomically replacing the state cache file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "netsetup/netsetup.h"

int ns_cache_path(const char *dir, const char *iface, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s/%s.json", dir, iface) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int mkdir_p(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int ns_cache_write(const char *path, const struct ns_state *st)
{
	char tmp[4200], dir[4096];
	json_t *j = ns_state_to_json(st);
	char *text;
	size_t len, off = 0;
	int fd, ret = 0;

	if (!j)
		return -ENOMEM;
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	if (!text)
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s", path);
	ret = mkdir_p(dirname(dir));
	if (ret)
		goto out;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	len = strlen(text);
	text[len++] = '\n'; /* json_dumps left room: the NUL */
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		off += n;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, path))
		ret = -errno;
	/*
	 * No fsync of the directory: rename() is atomic against a crash of
	 * this process, which is what the cache guards against; a machine
	 * crash takes the pod's network namespace (and /var/run) with it.
	 */
	if (ret)
		unlink(tmp);
out:
	free(text);
	return ret;
}

int ns_cache_read(const char *path, struct ns_state *st, struct err *e)
{
	struct err why = { 0 };
	json_error_t jerr;
	json_t *j;
	int ret;

	if (access(path, F_OK))
		return errno == ENOENT ? -ENOENT :
					 err_at(e, "cache", err_sys(e, errno, "state cache"));
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return err_at(e, "cache",
			      err_set(e, EINVAL,
				      "state cache is corrupt; not touching "
				      "it: line %d: %s",
				      jerr.line, jerr.text));
	ret = ns_state_from_json(j, st, &why);
	json_decref(j);
	if (ret)
		err_at(e, "cache",
		       err_set(e, ret, "state cache %s; not touching it: %s",
			       ret == -EPROTO ? "has a foreign version" : "is corrupt", why.msg));
	return ret;
}

int ns_cache_remove(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int ns_cache_lock(const char *path)
{
	char lock[4200], dir[4096];
	int fd, ret;

	snprintf(dir, sizeof(dir), "%s", path);
	ret = mkdir_p(dirname(dir));
	if (ret)
		return ret;
	snprintf(lock, sizeof(lock), "%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			close(fd);
			return ret;
		}
	}
	return fd;
}

int ns_cache_set_aside(const char *path)
{
	char stale[4200];

	snprintf(stale, sizeof(stale), "%s.stale", path);
	return rename(path, stale) ? -errno : 0;
}
