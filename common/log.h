/* SPDX-License-Identifier: MIT */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

/*
 * Structured logging: one JSON object per line on stderr, so Kubernetes log
 * tooling can parse it.  Fields are given as a jansson pack format plus its
 * arguments, e.g.
 *
 *	log_info("dhcp", "lease", "{s:s, s:s}", "mac", mac, "ip", ip);
 *
 * Pass NULL as the format for no extra fields.  A failure is always the
 * field "error": a struct err's message (what failed, with its context,
 * then strerror's words where an errno is the reason; err_log), or
 * strerror's words alone; "step" names a failed step.  Never "errno" or
 * "reason" (common/err.h).
 */

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* Minimum level printed; default info, or $PODLAUNCH_LOG_LEVEL (debug|info|warn|error). */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);

/* Redirect output (tests); fd -1 restores stderr. */
void log_set_fd(int fd);

void log_emit(enum log_level lvl, const char *component, const char *msg, const char *fields_fmt,
	      ...);
/* The same with the fields as a JSON object (NULL for none); takes fields' reference. */
struct json_t;
void log_emit_json(enum log_level lvl, const char *component, const char *msg,
		   struct json_t *fields);

/*
 * Rate-limited logging for lines a guest (or any peer) can trigger at
 * will: a token bucket per call site, LOG_RL_BURST lines at once and one
 * more per LOG_RL_INTERVAL_NS; the lines dropped in between are counted
 * and the next line printed from that site carries "suppressed": N.
 */
#define LOG_RL_BURST	   10
#define LOG_RL_INTERVAL_NS 1000000000ULL /* one token a second */

struct log_rl {
	unsigned long lock; /* a spinlock: the site's few fields only */
	unsigned int tokens;
	unsigned long long last_ns; /* last refill */
	unsigned long suppressed;
	int started;
};

/* Takes a token at now_ns: true if the line may be printed, with
 * *suppressed = lines dropped since the last one (then reset). */
int log_rl_take(struct log_rl *rl, unsigned long long now_ns, unsigned long *suppressed);

void log_emit_rl(struct log_rl *rl, enum log_level lvl, const char *component, const char *msg,
		 const char *fields_fmt, ...);

#define log_rl_(lvl, c, m, ...)                                     \
	do {                                                        \
		static struct log_rl log_rl_site_;                  \
		log_emit_rl(&log_rl_site_, lvl, c, m, __VA_ARGS__); \
	} while (0)
#define log_info_rl(c, m, ...)	log_rl_(LOG_LVL_INFO, c, m, __VA_ARGS__)
#define log_warn_rl(c, m, ...)	log_rl_(LOG_LVL_WARN, c, m, __VA_ARGS__)
#define log_error_rl(c, m, ...) log_rl_(LOG_LVL_ERROR, c, m, __VA_ARGS__)

/*
 * Threads that must never block on the log (vCPU and I/O threads: a full
 * stderr pipe would stall the guest) call log_thread_nonblocking(); their
 * lines are dropped, and counted, when the log cannot take them at once;
 * the next line written says "log_dropped": N.  log_open_nonblocking()
 * prepares that once, before privileges go (a pipe is reopened through
 * /proc/self/fd with O_NONBLOCK, its own file description, so the flags
 * of the stderr shared with other processes stay as they are).
 */
void log_open_nonblocking(void);
void log_thread_nonblocking(void);
unsigned long log_dropped(void); /* lines dropped so far (tests) */

#define log_debug(c, m, ...) log_emit(LOG_LVL_DEBUG, c, m, __VA_ARGS__)
#define log_info(c, m, ...)  log_emit(LOG_LVL_INFO, c, m, __VA_ARGS__)
#define log_warn(c, m, ...)  log_emit(LOG_LVL_WARN, c, m, __VA_ARGS__)
#define log_error(c, m, ...) log_emit(LOG_LVL_ERROR, c, m, __VA_ARGS__)

#endif
