// SPDX-License-Identifier: MIT
/* common/err.c: the error a failure carries up, and its one log line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "common/err.h"
#include "common/log.h"

static void test_set(void **state)
{
	struct err e = { 0 };

	assert_int_equal(err_set(&e, EINVAL, "--queues: %s", "expects a number"), -EINVAL);
	assert_int_equal(e.code, EINVAL);
	assert_string_equal(e.msg, "--queues: expects a number");
	/* A negative errno, as functions return it, means the same. */
	assert_int_equal(err_set(&e, -ENOENT, NULL), -ENOENT);
	assert_int_equal(e.code, ENOENT);
	assert_string_equal(e.msg, strerror(ENOENT));
	/* No struct: only the code. */
	assert_int_equal(err_set(NULL, EPERM, "x"), -EPERM);
}

static void test_sys(void **state)
{
	struct err e = { 0 };
	char want[160];

	/* A system call's failure: the step, then the errno's text. */
	assert_int_equal(err_sys(&e, -EACCES, "open %s", "/dev/kvm"), -EACCES);
	assert_int_equal(e.code, EACCES);
	snprintf(want, sizeof(want), "open /dev/kvm: %s", strerror(EACCES));
	assert_string_equal(e.msg, want);
	assert_null(e.step);
}

static void test_at(void **state)
{
	struct err e = { 0 };

	/* Success passes through and touches nothing. */
	assert_int_equal(err_at(&e, "lock", 0), 0);
	assert_int_equal(e.code, 0);
	assert_null(e.step);
	/* A bare -errno gets the step and the errno's text. */
	assert_int_equal(err_at(&e, "lock", -EAGAIN), -EAGAIN);
	assert_string_equal(e.step, "lock");
	assert_string_equal(e.msg, strerror(EAGAIN));
	/* The deepest step and message win: callers above only pass it on. */
	e = (struct err){ 0 };
	err_set(&e, ENOSPC, "cache /x: write");
	assert_int_equal(err_at(&e, "cache", -ENOSPC), -ENOSPC);
	assert_int_equal(err_at(&e, "setup", -ENOSPC), -ENOSPC);
	assert_string_equal(e.step, "cache");
	assert_string_equal(e.msg, "cache /x: write");
	assert_int_equal(err_at(NULL, "x", -EIO), -EIO);
}

static void test_truncated(void **state)
{
	char long_name[400];
	struct err e;

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	assert_int_equal(err_set(&e, EINVAL, "bad %s", long_name), -EINVAL);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_memory_equal(e.msg, "bad aaa", 7);
}

static json_t *logged(void (*fn)(void))
{
	char buf[1024];
	json_error_t jerr;
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	log_set_fd(fileno(f));
	fn();
	log_set_fd(-1);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_non_null(strchr(buf, '\n'));
	assert_ptr_equal(strchr(buf, '\n'), buf + n - 1); /* one line */
	return json_loads(buf, 0, &jerr);
}

static void log_with_fields(void)
{
	struct err e;

	err_set(&e, ENODEV, "if_nametoindex: %s", strerror(ENODEV));
	err_log("dhcp", "cannot open the DHCP sockets", &e, "{s:s, s:i}", "bridge", "k6t-eth0", "n",
		3);
}

static void log_step(void)
{
	struct err e = { 0 };

	err_at(&e, "preflight", err_set(&e, EEXIST, "link k6t-eth0 exists"));
	err_log("netsetup", "setup failed", &e, "{s:s}", "iface", "eth0");
}

static void log_plain(void)
{
	struct err e = { .code = EIO };

	err_log("cache", "cannot read", &e, NULL);
}

static void test_log(void **state)
{
	json_t *j = logged(log_with_fields);

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "level")), "error");
	assert_string_equal(json_string_value(json_object_get(j, "component")), "dhcp");
	assert_string_equal(json_string_value(json_object_get(j, "msg")),
			    "cannot open the DHCP sockets");
	assert_string_equal(json_string_value(json_object_get(j, "bridge")), "k6t-eth0");
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 3);
	{
		char want[160];

		snprintf(want, sizeof(want), "if_nametoindex: %s", strerror(ENODEV));
		assert_string_equal(json_string_value(json_object_get(j, "error")), want);
	}
	assert_null(json_object_get(j, "errno"));
	json_decref(j);

	/* A named step is a field of its own beside the message. */
	j = logged(log_step);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "step")), "preflight");
	assert_string_equal(json_string_value(json_object_get(j, "error")), "link k6t-eth0 exists");
	assert_string_equal(json_string_value(json_object_get(j, "iface")), "eth0");
	json_decref(j);

	/* No message set: the error is the code's own text. */
	j = logged(log_plain);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "error")), strerror(EIO));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set), cmocka_unit_test(test_sys),
		cmocka_unit_test(test_at),  cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
