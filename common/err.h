/* SPDX-License-Identifier: MIT */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

/*
 * An error's context, filled where the failure is understood and logged
 * once, by the top caller (crun's libcrun_error_t, without the heap):
 * functions that take a struct err * return 0 or -errno, and on failure
 * have set code to that errno and msg to what was being done, in words.
 * The callers in between return it unchanged, or name the step that failed
 * (err_at); the top caller adds its own fields to the one log line it
 * writes with err_log.
 *
 * The one convention for errors in log lines: "error" is the message with
 * its context, ending in strerror() where a system call's errno is the
 * reason (err_sys); "step", where one is named, says which step of a
 * longer operation failed.  No line carries a bare errno number.
 *
 *	if (bind(fd, ...) < 0)
 *		return err_sys(e, errno, "bind 0.0.0.0:67");
 *	...
 *	if ((ret = dhcp_io_open(&io, bridge, &e)))
 *		err_log("dhcp", "cannot open the DHCP sockets", &e, "{s:s}", "bridge", bridge);
 */

struct err {
	int code;	  /* positive errno; 0 while nothing failed */
	const char *step; /* NULL, or the failed step's static name: "step" */
	char msg[256];	  /* what failed, with its context; the "error" field */
};

/*
 * Fills e (which may be NULL: nobody wants the words) and returns -code,
 * so that `return err_set(e, ENOSPC, "...");` reads as the failure.  code
 * may be given as an errno or as a negative errno (0: nothing failed, e is
 * left alone and 0 returned, so `return err_sys(e, f(), "f")` reads
 * right); with fmt NULL the
 * message is strerror(code).  The message is truncated to fit; the step
 * is cleared (a caller names it with err_at), so e need not be zeroed.
 */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* err_set, with ": strerror(code)" after the message: a system call failed. */
int err_sys(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * ret (0 or -errno) as it is; on failure e->step is set to step unless a
 * deeper caller named one, and the message to strerror unless one was
 * set: `return err_at(e, "lock", ns_cache_lock(path));`.
 */
int err_at(struct err *e, const char *step, int ret);

/*
 * Log e once, at error level, as one JSON line: msg, the caller's fields
 * (a jansson pack format and its arguments, or NULL), "step": e->step when
 * set, and "error": e->msg (strerror(e->code) when no message was set).
 */
void err_log(const char *component, const char *msg, const struct err *e, const char *fields_fmt,
	     ...);

#endif
