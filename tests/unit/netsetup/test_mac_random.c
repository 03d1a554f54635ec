// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netsetup/netsetup.h"

static void test_local_unicast(void **state)
{
	const uint8_t rnd[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0, 0, 0, 0, 0, 0 },
		{ 0x01, 0x23, 0x45, 0x67, 0x89, 0xab },
	};
	uint8_t out[6];

	for (size_t i = 0; i < 3; i++) {
		ns_mac_from_random(rnd[i], NULL, out);
		assert_int_equal(out[0] & 0x01, 0);    /* unicast */
		assert_int_equal(out[0] & 0x02, 0x02); /* locally administered */
		assert_memory_equal(out + 1, rnd[i] + 1, 5);
	}
}

static void test_avoids_given_mac(void **state)
{
	const uint8_t rnd[6] = { 0x02, 1, 2, 3, 4, 5 };
	uint8_t out[6];

	ns_mac_from_random(rnd, rnd, out);
	assert_memory_not_equal(out, rnd, 6);
	assert_int_equal(out[0] & 0x03, 0x02);
}

static void test_random_differs(void **state)
{
	uint8_t a[6], b[6];

	assert_int_equal(ns_mac_random(NULL, a), 0);
	assert_int_equal(ns_mac_random(NULL, b), 0);
	assert_int_equal(a[0] & 0x03, 0x02);
	assert_memory_not_equal(a, b, 6); /* 2^-46 chance of a false failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_unicast),
		cmocka_unit_test(test_avoids_given_mac),
		cmocka_unit_test(test_random_differs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
