// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/log.h"

static int log_fd = STDERR_FILENO;
static int log_level = -1;
/* The non-blocking path: a reopened O_NONBLOCK description of a pipe
 * (-1: poll log_fd first), who uses it, and what it dropped. */
static int log_nb_fd = -1;
static __thread int log_nb_thread;
static unsigned long log_nb_dropped;
static pthread_mutex_t log_write_lock = PTHREAD_MUTEX_INITIALIZER;

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
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000) % 1000000);
}

void log_open_nonblocking(void)
{
	struct stat st;
	char path[32];

	if (log_nb_fd >= 0 || fstat(log_fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", log_fd);
	log_nb_fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
}

void log_thread_nonblocking(void)
{
	log_nb_thread = 1;
}

unsigned long log_dropped(void)
{
	return __atomic_load_n(&log_nb_dropped, __ATOMIC_RELAXED);
}

/*
 * One write per line so concurrent processes do not interleave (a pipe
 * takes up to PIPE_BUF bytes whole).  A non-blocking thread never waits:
 * not for another thread's write (trylock), nor for a full pipe or socket
 * (O_NONBLOCK description, or a zero-timeout poll first).
 */
static bool line_write(const char *line)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)line, .iov_len = strlen(line) },
		{ .iov_base = "\n", .iov_len = 1 },
	};
	bool ok;

	if (!log_nb_thread) {
		pthread_mutex_lock(&log_write_lock);
		ok = writev(log_fd, iov, 2) >= 0;
		pthread_mutex_unlock(&log_write_lock);
		return ok;
	}
	if (pthread_mutex_trylock(&log_write_lock))
		return false;
	if (log_nb_fd >= 0) {
		ok = writev(log_nb_fd, iov, 2) >= 0;
	} else {
		struct pollfd p = { .fd = log_fd, .events = POLLOUT };

		ok = poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) && writev(log_fd, iov, 2) >= 0;
	}
	pthread_mutex_unlock(&log_write_lock);
	return ok;
}

/*
 * A line not printed (filtered by the level, or rate-limited) still owns
 * what its "o" arguments hand over (jansson steals those references when
 * packing), so pack and release them; lines without "o" skip the work.
 */
static void fields_release(const char *fields_fmt, va_list ap)
{
	if (fields_fmt && strchr(fields_fmt, 'o'))
		json_decref(json_vpack_ex(NULL, 0, fields_fmt, ap));
}

/*
 * The one line writer (the caller checked the level): takes over
 * @fields, adds what the rate limit suppressed at this site and what the
 * non-blocking path dropped anywhere since the last line.
 */
static void log_line(enum log_level lvl, const char *component, const char *msg,
		     unsigned long suppressed, json_t *fields)
{
	unsigned long dropped;
	json_t *obj;
	char when[64];
	char *line;

	log_time(when, sizeof(when));
	obj = json_pack("{s:s, s:s, s:s, s:s}", "time", when, "level", level_names[lvl],
			"component", component ? component : "podlaunch", "msg", msg ? msg : "");
	if (!obj)
		goto out;
	if (fields)
		json_object_update(obj, fields);
	if (suppressed)
		json_object_set_new(obj, "suppressed", json_integer((json_int_t)suppressed));
	dropped = __atomic_exchange_n(&log_nb_dropped, 0, __ATOMIC_RELAXED);
	if (dropped)
		json_object_set_new(obj, "log_dropped", json_integer((json_int_t)dropped));

	line = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!line || !line_write(line))
		/* This line too, and the count it was to carry. */
		__atomic_add_fetch(&log_nb_dropped, dropped + 1, __ATOMIC_RELAXED);
	free(line);
	json_decref(obj);
out:
	json_decref(fields);
}

void log_emit_json(enum log_level lvl, const char *component, const char *msg, json_t *fields)
{
	int saved_errno = errno;

	if ((int)lvl < (int)log_get_level())
		json_decref(fields);
	else
		log_line(lvl, component, msg, 0, fields);
	errno = saved_errno;
}

static void log_vemit(enum log_level lvl, const char *component, const char *msg,
		      unsigned long suppressed, const char *fields_fmt, va_list ap)
{
	int saved_errno = errno;
	json_t *fields = NULL;

	if ((int)lvl < (int)log_get_level()) {
		fields_release(fields_fmt, ap);
		errno = saved_errno;
		return;
	}
	if (fields_fmt) {
		json_error_t err;

		fields = json_vpack_ex(&err, 0, fields_fmt, ap);
		if (!json_is_object(fields)) {
			json_decref(fields);
			fields = json_pack("{s:s}", "log_error", err.text);
		}
	}
	log_line(lvl, component, msg, suppressed, fields);
	errno = saved_errno;
}

void log_emit(enum log_level lvl, const char *component, const char *msg, const char *fields_fmt,
	      ...)
{
	va_list ap;

	va_start(ap, fields_fmt);
	log_vemit(lvl, component, msg, 0, fields_fmt, ap);
	va_end(ap);
}

int log_rl_take(struct log_rl *rl, unsigned long long now_ns, unsigned long *suppressed)
{
	int ok;

	while (__atomic_exchange_n(&rl->lock, 1, __ATOMIC_ACQUIRE))
		;
	if (!rl->started) {
		rl->started = 1;
		rl->tokens = LOG_RL_BURST;
		rl->last_ns = now_ns;
	} else if (now_ns > rl->last_ns) {
		unsigned long long add = (now_ns - rl->last_ns) / LOG_RL_INTERVAL_NS;

		if (add) {
			rl->tokens = add >= LOG_RL_BURST - rl->tokens ?
					     LOG_RL_BURST :
					     rl->tokens + (unsigned int)add;
			rl->last_ns += add * LOG_RL_INTERVAL_NS;
		}
	}
	ok = rl->tokens > 0;
	if (ok) {
		rl->tokens--;
		*suppressed = rl->suppressed;
		rl->suppressed = 0;
	} else {
		rl->suppressed++;
	}
	__atomic_store_n(&rl->lock, 0, __ATOMIC_RELEASE);
	return ok;
}

void log_emit_rl(struct log_rl *rl, enum log_level lvl, const char *component, const char *msg,
		 const char *fields_fmt, ...)
{
	struct timespec ts;
	unsigned long suppressed;
	va_list ap;

	va_start(ap, fields_fmt);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((int)lvl < (int)log_get_level() ||
	    !log_rl_take(rl,
			 (unsigned long long)ts.tv_sec * 1000000000ULL +
				 (unsigned long long)ts.tv_nsec,
			 &suppressed))
		fields_release(fields_fmt, ap);
	else
		log_vemit(lvl, component, msg, suppressed, fields_fmt, ap);
	va_end(ap);
}
