// SPDX-License-Identifier: MIT
/* Bit positions: Intel SDM vol. 2A, CPUID instruction, tables 3-8 to 3-17. */
#include <stddef.h>

#include "common/util.h"
#include "vmm/x86/cpuid.h"

/* Leaf 1 ECX */
#define F1_FMA	      BIT(12)
#define F1_CX16	      BIT(13)
#define F1_XSAVE      BIT(26)
#define F1_OSXSAVE    BIT(27)
#define F1_AVX	      BIT(28)
#define F1_F16C	      BIT(29)
#define F1_RDRAND     BIT(30)
#define F1_HYPERVISOR BIT(31)
/* Leaf 1 EDX */
#define F1_HTT BIT(28)

/* Leaf 7.0 EBX: AVX2, AVX-512 F/DQ/IFMA/PF/ER/CD/BW/VL, RDSEED */
#define F7B_MASK                                                                                  \
	(BIT(5) | BIT(16) | BIT(17) | BIT(18) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | \
	 BIT(31))
/* Leaf 7.0 ECX: AVX512_VBMI, VBMI2, VAES, VPCLMULQDQ, VNNI, BITALG, VPOPCNTDQ */
#define F7C_MASK (BIT(1) | BIT(6) | BIT(9) | BIT(10) | BIT(11) | BIT(12) | BIT(14))
/* Leaf 7.0 EDX: AVX512_4VNNIW, 4FMAPS, VP2INTERSECT, AMX-BF16, AVX512_FP16,
 * AMX-TILE, AMX-INT8 */
#define F7D_MASK (BIT(2) | BIT(3) | BIT(8) | BIT(22) | BIT(23) | BIT(24) | BIT(25))
/* Leaf 7.1 EAX: AVX-VNNI, AVX512_BF16 */
#define F71A_MASK (BIT(4) | BIT(5))
/* Leaf 0x80000001 ECX: XOP, FMA4 */
#define FE1C_MASK (BIT(11) | BIT(16))

struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != fn)
			continue;
		if ((e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && e->index != idx)
			continue;
		return e;
	}
	return NULL;
}

static int bits_for(int n)
{
	int b = 0;

	while ((1 << b) < n)
		b++;
	return b;
}

void cpuid_filter(struct kvm_cpuid2 *c, int cpu_id, int nr_cpus, enum cpu_template t)
{
	int core_bits = bits_for(nr_cpus);

	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x0000ffff) | (uint32_t)cpu_id << 24 |
				 (uint32_t)nr_cpus << 16;
			e->ecx |= F1_HYPERVISOR;
			if (nr_cpus > 1)
				e->edx |= F1_HTT;
			else
				e->edx &= ~F1_HTT;
			if (t == CPU_TEMPLATE_BASELINE)
				e->ecx &= ~(F1_FMA | F1_CX16 | F1_XSAVE | F1_OSXSAVE | F1_AVX |
					    F1_F16C | F1_RDRAND);
			break;
		case 4:
			/* Cores per package - 1 in 31:26; one thread per core. */
			e->eax = (e->eax & 0x3ff) | (uint32_t)(nr_cpus - 1) << 26;
			if (((e->eax >> 5) & 7) >= 3) /* L3 shared by all cores */
				e->eax |= (uint32_t)(nr_cpus - 1) << 14;
			break;
		case 7:
			if (t != CPU_TEMPLATE_BASELINE)
				break;
			if (e->index == 0) {
				e->ebx &= ~F7B_MASK;
				e->ecx &= ~F7C_MASK;
				e->edx &= ~F7D_MASK;
			} else if (e->index == 1) {
				e->eax &= ~F71A_MASK;
			}
			break;
		case 0xb:
		case 0x1f:
			/* Level 0 SMT (1 thread), level 1 core (nr_cpus), then invalid. */
			e->edx = (uint32_t)cpu_id;
			if (e->index == 0) {
				e->eax = 0;
				e->ebx = 1;
				e->ecx = 1 << 8;
			} else if (e->index == 1) {
				e->eax = core_bits;
				e->ebx = nr_cpus;
				e->ecx = 2 << 8 | 1;
			} else {
				e->eax = e->ebx = 0;
				e->ecx = e->index;
			}
			break;
		case 0xd:
			if (t == CPU_TEMPLATE_BASELINE)
				e->eax = e->ebx = e->ecx = e->edx = 0;
			break;
		case 0x80000001:
			if (t == CPU_TEMPLATE_BASELINE)
				e->ecx &= ~FE1C_MASK;
			break;
		}
	}
}
