// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/x86/layout.h"
#include "vmm/x86/mptable.h"
#include "vmm/x86/table_checksum.h"

struct mpf {
	char sig[4];
	uint32_t physptr;
	uint8_t length, spec_rev, checksum, feature1;
	uint8_t feature2, feature3, feature4, feature5;
} __attribute__((packed));

struct mpc_table {
	char sig[4];
	uint16_t length;
	uint8_t spec, checksum;
	char oem[8], productid[12];
	uint32_t oemptr;
	uint16_t oemsize, oemcount;
	uint32_t lapic;
	uint16_t ext_len;
	uint8_t ext_checksum, reserved;
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type, apicid, apicver, cpuflag;
	uint32_t cpufeature, featureflag;
	uint32_t reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type, busid;
	char bustype[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type, apicid, apicver, flags;
	uint32_t apicaddr;
} __attribute__((packed));

struct mpc_intsrc {
	uint8_t type, irqtype;
	uint16_t irqflag;
	uint8_t srcbus, srcbusirq, dstapic, dstirq;
} __attribute__((packed));

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };
#define BUS_PCI 0
#define BUS_ISA 1
/* Interrupt flags (MP spec table 4-8): polarity 1:0, trigger 3:2. */
#define MP_IRQ_PCI (0x1 | 0x3 << 2) /* active high, level */

static size_t entries_size(const struct mptable_cfg *cfg)
{
	return cfg->nr_cpus * sizeof(struct mpc_cpu) + 2 * sizeof(struct mpc_bus) +
	       sizeof(struct mpc_ioapic) + (16 + cfg->nr_pci_irqs + 2) * sizeof(struct mpc_intsrc);
}

size_t mptable_size(const struct mptable_cfg *cfg)
{
	return sizeof(struct mpf) + sizeof(struct mpc_table) + entries_size(cfg);
}

int mptable_write(void *buf, size_t len, uint32_t gpa, const struct mptable_cfg *cfg)
{
	struct mpf *mpf = buf;
	struct mpc_table *mpc = (void *)(mpf + 1);
	uint8_t *p = (uint8_t *)(mpc + 1);
	uint8_t ioapic_id = (uint8_t)cfg->nr_cpus;
	uint16_t count = 0;

	if (cfg->nr_cpus < 1 || cfg->nr_cpus > 254 || len < mptable_size(cfg) ||
	    mptable_size(cfg) > 0xffff)
		return -ENOSPC;
	memset(buf, 0, mptable_size(cfg));

	for (int i = 0; i < cfg->nr_cpus; i++, count++) {
		struct mpc_cpu c = {
			.type = MP_PROCESSOR,
			.apicid = (uint8_t)i,
			.apicver = 0x14,
			.cpuflag = 1 | (i == 0 ? 2 : 0), /* enabled, BSP */
			.cpufeature = cfg->cpu_signature,
			.featureflag = cfg->cpu_features,
		};
		memcpy(p, &c, sizeof(c));
		p += sizeof(c);
	}
	struct mpc_bus buses[2] = {
		{ MP_BUS, BUS_PCI, "PCI   " },
		{ MP_BUS, BUS_ISA, "ISA   " },
	};
	memcpy(p, buses, sizeof(buses));
	p += sizeof(buses);
	count += 2;
	struct mpc_ioapic io = {
		.type = MP_IOAPIC,
		.apicid = ioapic_id,
		.apicver = 0x11,
		.flags = 1,
		.apicaddr = (uint32_t)LAYOUT_IOAPIC,
	};
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);
	count++;

	/* ISA IRQs 0-15 go to the same IOAPIC pins, as KVM's default routing does. */
	for (int irq = 0; irq < 16; irq++, count++) {
		struct mpc_intsrc s = {
			.type = MP_INTSRC,
			.irqtype = MP_INT,
			.srcbus = BUS_ISA,
			.srcbusirq = (uint8_t)irq,
			.dstapic = ioapic_id,
			.dstirq = (uint8_t)irq,
		};
		memcpy(p, &s, sizeof(s));
		p += sizeof(s);
	}
	for (int i = 0; i < cfg->nr_pci_irqs; i++, count++) {
		/* PCI source IRQ: device number in 6:2, INTA# = 0 in 1:0. */
		struct mpc_intsrc s = {
			.type = MP_INTSRC,
			.irqtype = MP_INT,
			.irqflag = MP_IRQ_PCI,
			.srcbus = BUS_PCI,
			.srcbusirq = (uint8_t)(cfg->pci_irqs[i].slot << 2),
			.dstapic = ioapic_id,
			.dstirq = cfg->pci_irqs[i].gsi,
		};
		memcpy(p, &s, sizeof(s));
		p += sizeof(s);
	}
	/* LINT0 is the 8259's ExtINT, LINT1 NMI, on every local APIC (0xff). */
	struct mpc_intsrc lint[2] = {
		{ MP_LINTSRC, MP_EXTINT, 0, BUS_ISA, 0, 0xff, 0 },
		{ MP_LINTSRC, MP_NMI, 0, BUS_ISA, 0, 0xff, 1 },
	};
	memcpy(p, lint, sizeof(lint));
	p += sizeof(lint);
	count += 2;

	memcpy(mpc->sig, "PCMP", 4);
	mpc->length = (uint16_t)(p - (uint8_t *)mpc);
	mpc->spec = 4;
	memcpy(mpc->oem, "PODVMM  ", 8);
	memcpy(mpc->productid, "PODLAUNCH   ", 12);
	mpc->oemcount = count;
	mpc->lapic = (uint32_t)LAYOUT_LAPIC;
	mpc->checksum = table_checksum(mpc, mpc->length);

	memcpy(mpf->sig, "_MP_", 4);
	mpf->physptr = gpa + sizeof(*mpf);
	mpf->length = 1; /* in 16-byte paragraphs */
	mpf->spec_rev = 4;
	mpf->checksum = table_checksum(mpf, sizeof(*mpf));
	return 0;
}
