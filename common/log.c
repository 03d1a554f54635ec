// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/log.h"

static int log_fd = STDERR_FILENO;
static int log_level = -1;

static const char *const level_names[] = {
	[LOG_LVL_DEBUG] = "debug",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_ERROR] = "error",
};

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level log_get_level(void)
{
	if (log_level < 0) {
		const char *env = getenv("PODLAUNCH_LOG_LEVEL");

		bool known = !env;

		log_level = LOG_LVL_INFO;
		for (int i = 0; env && i <= LOG_LVL_ERROR; i++) {
			if (!strcmp(env, level_names[i])) {
				log_level = i;
				known = true;
			}
		}
		if (!known)
			log_emit(LOG_LVL_WARN, "log", "unknown PODLAUNCH_LOG_LEVEL, using info",
				 "{s:s, s:s}", "value", env, "want", "debug|info|warn|error");
	}
	return log_level;
}

void log_set_fd(int fd)
{
	log_fd = fd < 0 ? STDERR_FILENO : fd;
}

static void log_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000) % 1000000);
}

void log_emit_json(enum log_level lvl, const char *component, const char *msg, json_t *fields)
{
	int saved_errno = errno;
	json_t *obj;
	char when[64];
	char *line;

	if ((int)lvl < (int)log_get_level())
		goto out;

	log_time(when, sizeof(when));
	obj = json_pack("{s:s, s:s, s:s, s:s}", "time", when,
			"level", level_names[lvl], "component",
			component ? component : "podlaunch", "msg", msg ? msg : "");
	if (!obj)
		goto out;
	if (fields)
		json_object_update(obj, fields);

	line = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (line) {
		/* One write per line so concurrent processes do not interleave. */
		struct iovec iov[2] = {
			{ .iov_base = line, .iov_len = strlen(line) },
			{ .iov_base = "\n", .iov_len = 1 },
		};
		ssize_t r = writev(log_fd, iov, 2);
		(void)r;
		free(line);
	}
	json_decref(obj);
out:
	json_decref(fields);
	errno = saved_errno;
}

void log_emit(enum log_level lvl, const char *component, const char *msg,
	      const char *fields_fmt, ...)
{
	int saved_errno = errno;
	json_t *fields = NULL;

	if ((int)lvl < (int)log_get_level()) {
		/*
		 * A filtered line still owns what its "o" arguments hand over
		 * (jansson steals those references when packing), so pack and
		 * release them; lines without "o" skip the work.
		 */
		if (fields_fmt && strchr(fields_fmt, 'o')) {
			va_list ap;

			va_start(ap, fields_fmt);
			json_decref(json_vpack_ex(NULL, 0, fields_fmt, ap));
			va_end(ap);
		}
		errno = saved_errno;
		return;
	}
	if (fields_fmt) {
		json_error_t err;
		va_list ap;

		va_start(ap, fields_fmt);
		fields = json_vpack_ex(&err, 0, fields_fmt, ap);
		va_end(ap);
		if (!json_is_object(fields)) {
			json_decref(fields);
			fields = json_pack("{s:s}", "log_error", err.text);
		}
		errno = saved_errno;
	}
	log_emit_json(lvl, component, msg, fields);
}
