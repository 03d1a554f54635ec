// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/err.h"
#include "common/log.h"

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	if (!e)
		return -code;
	e->code = code;
	if (!fmt) {
		snprintf(e->msg, sizeof(e->msg), "%s", strerror(code));
		return -code;
	}
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -code;
}

void err_log(const char *component, const char *msg, const struct err *e,
	     const char *fields_fmt, ...)
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
	if (fields)
		json_object_set_new(fields, "error", json_string(what));
	log_emit_json(LOG_LVL_ERROR, component, msg, fields);
}
