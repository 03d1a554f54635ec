// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>

#include "common/num.h"

int num_parse(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would take " 7", "+7" and wrap "-7"; a flag value must not. */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
