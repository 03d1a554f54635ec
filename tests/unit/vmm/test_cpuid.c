// SPDX-License-Identifier: MIT
/* CPUID filtering over a synthetic KVM_GET_SUPPORTED_CPUID table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/x86/cpuid.h"

static struct kvm_cpuid2 *table(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 8 * sizeof(c->entries[0]));
	struct kvm_cpuid_entry2 *e = c->entries;

	e[0] = (struct kvm_cpuid_entry2){ .function = 1,
					  .eax = 0x806f0,
					  .ebx = 0x00000800,
					  .ecx = 0x7ffaf3bf,
					  .edx = 0x1f8bfbff };
	e[1] = (struct kvm_cpuid_entry2){ .function = 7,
					  .index = 0,
					  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
					  .ebx = 0xf1bf2fbb,
					  .ecx = 0x1b405f5e,
					  .edx = 0xffc14410 };
	e[2] = (struct kvm_cpuid_entry2){
		.function = 7, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 0x30
	};
	e[3] = (struct kvm_cpuid_entry2){ .function = 0xb,
					  .index = 0,
					  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
					  .eax = 1,
					  .ebx = 2 };
	e[4] = (struct kvm_cpuid_entry2){ .function = 0xb,
					  .index = 1,
					  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
					  .eax = 7,
					  .ebx = 64 };
	e[5] = (struct kvm_cpuid_entry2){ .function = 0xd,
					  .index = 0,
					  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
					  .eax = 0x2e7,
					  .ebx = 0x2440,
					  .ecx = 0x2440 };
	e[6] = (struct kvm_cpuid_entry2){ .function = 0x80000001, .ecx = 0x10921 };
	e[7] = (struct kvm_cpuid_entry2){ .function = 4,
					  .index = 3,
					  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
					  .eax = 0xfc0fc163 };
	c->nent = 8;
	return c;
}

static void host_template(void **state)
{
	struct kvm_cpuid2 *c = table();
	struct kvm_cpuid_entry2 *e;

	cpuid_filter(c, 2, 4, CPU_TEMPLATE_HOST);
	e = cpuid_find(c, 1, 0);
	assert_int_equal(e->ebx >> 24, 2);	    /* APIC ID */
	assert_int_equal((e->ebx >> 16) & 0xff, 4); /* logical processors */
	assert_int_equal(e->ebx & 0xffff, 0x0800);  /* CLFLUSH size kept */
	assert_true(e->ecx & (1U << 31));	    /* hypervisor */
	assert_true(e->ecx & (1U << 13));	    /* host keeps CMPXCHG16B */
	assert_true(e->edx & (1U << 28));	    /* HTT with several CPUs */
	e = cpuid_find(c, 0xb, 0);
	assert_int_equal(e->ebx, 1);
	assert_int_equal(e->edx, 2);
	assert_int_equal(e->ecx, 0x100);
	e = cpuid_find(c, 0xb, 1);
	assert_int_equal(e->eax, 2); /* 4 cores: 2 bits */
	assert_int_equal(e->ebx, 4);
	assert_int_equal(e->ecx, 0x201);
	assert_int_equal(e->edx, 2);
	e = cpuid_find(c, 4, 3);
	assert_int_equal(e->eax >> 26, 3);
	assert_int_equal((e->eax >> 14) & 0xfff, 3); /* L3 shared by all */
	assert_int_equal(cpuid_find(c, 0xd, 0)->eax, 0x2e7);
	assert_null(cpuid_find(c, 0xb, 9));
	free(c);
}

static void baseline_template(void **state)
{
	struct kvm_cpuid2 *c = table();
	struct kvm_cpuid_entry2 *e;

	cpuid_filter(c, 0, 1, CPU_TEMPLATE_BASELINE);
	e = cpuid_find(c, 1, 0);
	assert_int_equal(e->ecx & (1U << 12 | 1U << 13 | 1U << 26 | 1U << 27 | 1U << 28 | 1U << 29 |
				   1U << 30),
			 0);
	assert_true(e->ecx & (1U << 31));
	assert_true(e->ecx & (1U << 0));   /* SSE3 stays */
	assert_false(e->edx & (1U << 28)); /* one CPU: no HTT */
	e = cpuid_find(c, 7, 0);
	assert_int_equal(e->ebx & (1U << 5 | 1U << 16 | 1U << 17 | 1U << 18 | 1U << 30 | 1U << 31),
			 0);
	assert_true(e->ebx & (1U << 0)); /* FSGSBASE stays */
	assert_int_equal(e->ecx & (1U << 1 | 1U << 6 | 1U << 11 | 1U << 14), 0);
	assert_int_equal(e->edx & (1U << 23), 0);
	assert_int_equal(cpuid_find(c, 7, 1)->eax & 0x30, 0);
	e = cpuid_find(c, 0xd, 0);
	assert_int_equal(e->eax | e->ebx | e->ecx | e->edx, 0);
	assert_int_equal(cpuid_find(c, 0x80000001, 0)->ecx & (1U << 11 | 1U << 16), 0);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_template),
		cmocka_unit_test(baseline_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
