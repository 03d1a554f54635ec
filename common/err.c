// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/err.h"
#include "common/log.h"

static int err_vset(struct err *e, int code, bool sys, const char *fmt, va_list ap)
{
	int n;

	if (code < 0)
		code = -code;
	if (!e || !code)
		return -code;
	e->code = code;
	e->step = NULL; /* a new failure: its step is named above (err_at) */
	if (!fmt) {
		snprintf(e->msg, sizeof(e->msg), "%s", strerror(code));
		return -code;
	}
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (sys && n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", strerror(code));
	return -code;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = err_vset(e, code, false, fmt, ap);
	va_end(ap);
	return ret;
}

int err_sys(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = err_vset(e, code, true, fmt, ap);
	va_end(ap);
	return ret;
}

int err_at(struct err *e, const char *step, int ret)
{
	if (!ret || !e)
		return ret;
	if (!e->code)
		err_set(e, ret, NULL);
	if (!e->step)
		e->step = step;
	return ret;
}

void err_log(const char *component, const char *msg, const struct err *e, const char *fields_fmt,
	     ...)
{
	const char *what = e->msg[0] ? e->msg : strerror(e->code);
	json_t *fields = NULL;

	if (fields_fmt) {
		json_error_t jerr;
		va_list ap;

		va_start(ap, fields_fmt);
		fields = json_vpack_ex(&jerr, 0, fields_fmt, ap);
		va_end(ap);
		if (!json_is_object(fields)) {
			json_decref(fields);
			fields = json_pack("{s:s}", "log_error", jerr.text);
		}
	} else {
		fields = json_object();
	}
	if (fields && e->step)
		json_object_set_new(fields, "step", json_string(e->step));
	if (fields)
		json_object_set_new(fields, "error", json_string(what));
	log_emit_json(LOG_LVL_ERROR, component, msg, fields);
}
