/* SPDX-License-Identifier: MIT */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

/*
 * Structured logging: one JSON object per line on stderr, so Kubernetes log
 * tooling can parse it.  Fields are given as a jansson pack format plus its
 * arguments, e.g.
 *
 *	log_error("netsetup", "step failed", "{s:s, s:s}", "step", name, "error", strerror(e));
 *
 * Pass NULL as the format for no extra fields.  A failure's reason is always
 * the field "error" (strerror's words, or a struct err's message).
 */

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* Minimum level printed; default info, or $PODLAUNCH_LOG_LEVEL (debug|info|warn|error). */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);

/* Redirect output (tests); fd -1 restores stderr. */
void log_set_fd(int fd);

void log_emit(enum log_level lvl, const char *component, const char *msg,
	      const char *fields_fmt, ...);
/* The same with the fields as a JSON object (NULL for none); takes fields' reference. */
struct json_t;
void log_emit_json(enum log_level lvl, const char *component, const char *msg,
		   struct json_t *fields);

#define log_debug(c, m, ...) log_emit(LOG_LVL_DEBUG, c, m, __VA_ARGS__)
#define log_info(c, m, ...)  log_emit(LOG_LVL_INFO, c, m, __VA_ARGS__)
#define log_warn(c, m, ...)  log_emit(LOG_LVL_WARN, c, m, __VA_ARGS__)
#define log_error(c, m, ...) log_emit(LOG_LVL_ERROR, c, m, __VA_ARGS__)

#endif
