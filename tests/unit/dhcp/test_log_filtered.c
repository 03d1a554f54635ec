// SPDX-License-Identifier: MIT
/*
 * Log lines below the level keep nothing: the JSON values their "o"
 * arguments hand over (the counters line, the drop summary, the list of
 * left-out options) are released although the line is not written.
 * jansson's allocations are counted through json_set_alloc_funcs, so a
 * leak fails the plain build too; under ASan LeakSanitizer reports it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "common/log.h"
#include "dhcp/server.h"

static long live;

static void *count_malloc(size_t n)
{
	void *p = malloc(n);

	if (p)
		live++;
	return p;
}

static void count_free(void *p)
{
	if (p)
		live--;
	free(p);
}

static int setup(void **state)
{
	json_set_alloc_funcs(count_malloc, count_free);
	return 0;
}

static void test_filtered_line_releases_objects(void **state)
{
	int fds[2];
	char buf[4096];

	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	log_set_fd(fds[1]);
	log_set_level(LOG_LVL_ERROR);

	/* What log_drops() and reply() in the server pass. */
	log_warn("dhcp", "packets dropped since the last summary", "{s:o}", "dropped",
		 json_pack("{s:i}", "foreign_mac", 3));
	json_t *codes = json_array();
	json_array_append_new(codes, json_integer(119));
	log_warn("dhcp", "options left out", "{s:o, s:i}", "codes", codes, "max_len", 548);
	/* "O" borrows: the caller keeps and releases its own. */
	json_t *kept = json_object();
	log_info("dhcp", "borrowed", "{s:O}", "x", kept);
	json_decref(kept);

	static struct dhcp_server srv;
	srv.cnt.dropped[DHCP_DROP_FOREIGN_MAC] = 7;
	dhcp_server_log_counters(&srv, "counters");
	assert_int_equal(live, 0);
	/* and nothing was written */
	assert_true(read(fds[0], buf, sizeof(buf)) < 0);

	/*
	 * At a level that prints, the same line comes out (its text is
	 * json_dumps() output, released with free(), so not counted here).
	 */
	log_set_level(LOG_LVL_INFO);
	dhcp_server_log_counters(&srv, "counters");
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "\"foreign_mac\":7"));
	log_set_fd(-1);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_filtered_line_releases_objects, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
