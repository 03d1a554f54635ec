// SPDX-License-Identifier: MIT
/* Rate-limited and non-blocking logging (common/log.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"

#define SEC 1000000000ULL

static void t_bucket(void **s)
{
	struct log_rl rl = { 0 };
	unsigned long sup = 99;
	int ok = 0;

	for (int i = 0; i < 1000; i++)
		ok += log_rl_take(&rl, 5 * SEC, &sup);
	assert_int_equal(ok, LOG_RL_BURST);
	/* Half a second later: still no token. */
	assert_false(log_rl_take(&rl, 5 * SEC + SEC / 2, &sup));
	/* One second after the start: one token, with the count of the
	 * suppressed lines (990 + 1). */
	assert_true(log_rl_take(&rl, 6 * SEC, &sup));
	assert_int_equal(sup, 991);
	assert_false(log_rl_take(&rl, 6 * SEC, &sup));
	/* A long quiet time refills to the burst, never more. */
	ok = 0;
	for (int i = 0; i < 100; i++)
		ok += log_rl_take(&rl, 1000 * SEC, &sup);
	assert_int_equal(ok, LOG_RL_BURST);
	/* Time going backwards (it does not, but) gives nothing extra. */
	assert_false(log_rl_take(&rl, 10 * SEC, &sup));
}

static int count_lines(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t r;
	int n = 0;

	*len = 0;
	while ((r = read(fd, buf + *len, cap - 1 - *len)) > 0)
		*len += (size_t)r;
	buf[*len] = 0;
	for (size_t i = 0; i < *len; i++)
		n += buf[i] == '\n';
	return n;
}

/* A flood from one call site prints a burst; the rest is counted. */
static void t_flood_bounded(void **s)
{
	static char buf[1 << 20];
	int p[2];
	size_t len;

	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	log_set_fd(p[1]);
	for (int i = 0; i < 100000; i++)
		log_warn_rl("test", "guest reset", "{s:i}", "n", i);
	/* At most the burst plus a token per second the loop took. */
	int n = count_lines(p[0], buf, sizeof(buf), &len);
	assert_true(n >= LOG_RL_BURST && n <= LOG_RL_BURST + 3);
	log_set_fd(-1);
	close(p[0]);
	close(p[1]);
}

/* A full socket: a non-blocking thread drops (never blocks) and counts. */
static void t_nonblocking_socket(void **s)
{
	static char buf[1 << 20];
	int sv[2], n;
	size_t len;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	log_set_fd(sv[1]);
	log_thread_nonblocking();
	alarm(20); /* a blocked write fails the test by SIGALRM */
	for (int i = 0; i < 20000; i++)
		log_info("test", "filler line to fill the socket buffer", "{s:i}", "n", i);
	alarm(0);
	assert_true(log_dropped() > 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	count_lines(sv[0], buf, sizeof(buf), &len);
	log_info("test", "after the drain", NULL);
	n = count_lines(sv[0], buf, sizeof(buf), &len);
	assert_int_equal(n, 1);
	assert_non_null(strstr(buf, "\"log_dropped\":"));
	assert_int_equal(log_dropped(), 0);
	log_set_fd(-1);
	close(sv[0]);
	close(sv[1]);
}

/* A full pipe (stderr of a container): reopened O_NONBLOCK, the shared
 * description keeps its own flags. */
static void t_nonblocking_pipe(void **s)
{
	static char buf[1 << 20];
	int p[2];
	size_t len;

	assert_int_equal(pipe(p), 0);
	log_set_fd(p[1]);
	log_open_nonblocking();
	assert_int_equal(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
	log_thread_nonblocking();
	alarm(20);
	for (int i = 0; i < 20000; i++)
		log_info("test", "filler line to fill the pipe", "{s:i}", "n", i);
	alarm(0);
	assert_true(log_dropped() > 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	count_lines(p[0], buf, sizeof(buf), &len);
	/* Whole lines only: every byte read so far ends a JSON object. */
	assert_true(len > 0 && buf[len - 1] == '\n');
	log_info("test", "after the drain", NULL);
	assert_int_equal(count_lines(p[0], buf, sizeof(buf), &len), 1);
	assert_non_null(strstr(buf, "\"log_dropped\":"));
	close(p[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_bucket),
		cmocka_unit_test(t_flood_bounded),
		cmocka_unit_test(t_nonblocking_socket),
		cmocka_unit_test(t_nonblocking_pipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
