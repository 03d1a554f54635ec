// SPDX-License-Identifier: MIT
/* common/mac.c: the tree's one MAC parser and formatter. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/mac.h"
#include "common/util.h"

static void test_format_parse(void **state)
{
	const uint8_t m[6] = { 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79 };
	uint8_t back[6];
	char s[MAC_STR_SIZE];

	assert_ptr_equal(mac_format(m, s), s);
	assert_string_equal(s, "62:b1:b5:02:ff:79");
	assert_int_equal(mac_parse(s, back), 0);
	assert_memory_equal(back, m, 6);
	assert_int_equal(mac_parse("62:B1:B5:02:FF:79", back), 0);
	assert_memory_equal(back, m, 6);
	assert_int_equal(mac_parse("62:b1:B5:02:fF:79", back), 0);
	assert_memory_equal(back, m, 6);
	/* Policy is the caller's: multicast and all zeros parse. */
	assert_int_equal(mac_parse("ff:ff:ff:ff:ff:ff", back), 0);
	assert_int_equal(mac_parse("00:00:00:00:00:00", back), 0);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"62:b1:b5:02:ff",
		"62:b1:b5:02:ff:79:00",
		"62:b1:b5:02:ff:79:",
		"62-b1-b5-02-ff-79",
		"62b1.b502.ff79",
		"1:2:3:4:5:6",
		"01:2:03:04:05:06",
		" 62:b1:b5:02:ff:79",
		"62:b1:b5:02:ff:79 ",
		"62:b1:b5:02:ff:7",
		"62:b1:b5:02:ff:7g",
		"+2:b1:b5:02:ff:79",
		"0x:b1:b5:02:ff:79",
		"62:b1:b5:02:ff:79\n",
		"62::b1:b5:02:ff:79",
	};
	const uint8_t keep[6] = { 1, 2, 3, 4, 5, 6 };
	uint8_t out[6];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(out, keep, 6);
		assert_int_equal(mac_parse(bad[i], out), -EINVAL);
		assert_memory_equal(out, keep, 6); /* untouched on failure */
	}
	assert_int_equal(mac_parse(NULL, out), -EINVAL);
}

static void test_parse_len(void **state)
{
	const char *spec = "02:00:00:00:00:01,mtu=1500";
	uint8_t out[6];

	assert_int_equal(mac_parse_len(spec, 17, out), 0);
	assert_int_equal(out[5], 1);
	assert_int_equal(mac_parse_len(spec, 16, out), -EINVAL);
	assert_int_equal(mac_parse_len(spec, 18, out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_parse_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
