/* SPDX-License-Identifier: MIT */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

/*
 * An error's context, filled where the failure is understood and logged
 * once, by the top caller (crun's libcrun_error_t, without the heap):
 * functions that take a struct err * return 0 or -errno, and on failure
 * have set code to that errno and msg to what was being done, in words.
 * The callers in between return it unchanged; the top caller adds its own
 * fields to the one log line it writes (err_log, or log_error with
 * "error": e.msg).
 *
 *	if (bind(fd, ...) < 0)
 *		return err_set(e, errno, "bind 0.0.0.0:67: %s", strerror(errno));
 *	...
 *	if ((ret = dhcp_io_open(&io, bridge, &e)))
 *		err_log("dhcp", "cannot open the DHCP sockets", &e, "{s:s}", "bridge", bridge);
 */

struct err {
	int code;		/* positive errno; 0 while nothing failed */
	char msg[160];		/* what failed, with its context; the "error" field */
};

/*
 * Fills e (which may be NULL: nobody wants the words) and returns -code,
 * so that `return err_set(e, ENOSPC, "...");` reads as the failure.  code
 * may be given as an errno or as a negative errno; with fmt NULL the
 * message is strerror(code).  The message is truncated to fit.
 */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Log e once, at error level, as one JSON line: msg, the caller's fields
 * (a jansson pack format and its arguments, or NULL) and "error": e->msg
 * (strerror(e->code) when no message was set).
 */
void err_log(const char *component, const char *msg, const struct err *e,
	     const char *fields_fmt, ...);

#endif
