/* SPDX-License-Identifier: MIT */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

/*
 * An error's context, filled where the failure is understood and logged
 * once, by the top caller (crun's libcrun_error_t, without the heap):
 * functions that take a struct err * return 0 or -errno, and on failure
 * have set code to that errno and msg to what was being done, in words.
 * The caller adds its own fields to the one log line it writes.
 */
struct err {
	int code;		/* positive errno; 0 while nothing failed */
	char msg[160];
};

/* Fills e (which may be NULL: nobody wants the words) and returns -code,
 * so that `return err_set(e, ENOSPC, "...");` reads as the failure. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
