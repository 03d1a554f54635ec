// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/x86/acpi.h"
#include "vmm/x86/aml.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/table_checksum.h"

/* ACPI 6.4 section 5.2.6: the header every system description table has. */
struct acpi_hdr {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

/* Section 5.2.5.3 */
struct acpi_rsdp {
	char sig[8];
	uint8_t checksum; /* first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 2: ACPI 2.0+ with XSDT */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum; /* whole structure */
	uint8_t reserved[3];
} __attribute__((packed));

/* Section 5.2.3.2 Generic Address Structure */
struct acpi_gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

#define GAS_IO	 1
#define GAS_BYTE 1
#define GAS_WORD 2

/* Section 5.2.9, table 5.9: FADT revision 6 (276 bytes). */
struct acpi_fadt {
	struct acpi_hdr h;
	uint32_t firmware_ctrl, dsdt;
	uint8_t reserved0, pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_vendor;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6 is 276 bytes");

/* FADT flags (table 5.10) and IA-PC boot architecture flags (table 5.11). */
#define FADT_WBINVD	     (1u << 0)
#define FADT_PROC_C1	     (1u << 2)
#define FADT_SLP_BUTTON	     (1u << 5) /* no fixed sleep button */
#define FADT_RESET_REG_SUP   (1u << 10)
#define BOOT_LEGACY_DEVICES  (1u << 0)
#define BOOT_8042	     (1u << 1)
#define BOOT_VGA_NOT_PRESENT (1u << 2)

/* Section 5.2.10: 64 bytes, 64-byte aligned, no checksum. */
struct acpi_facs {
	char sig[4];
	uint32_t length, hw_signature, waking_vector, global_lock, flags;
	uint64_t x_waking_vector;
	uint8_t version, reserved[3];
	uint32_t ospm_flags;
	uint8_t reserved2[24];
} __attribute__((packed));

/* Section 5.2.12 MADT and its interrupt controller structures. */
struct acpi_madt {
	struct acpi_hdr h;
	uint32_t lapic_addr, flags;
} __attribute__((packed));
#define MADT_PCAT_COMPAT 1

struct madt_lapic {
	uint8_t type, length, uid, apic_id;
	uint32_t flags;
} __attribute__((packed));
struct madt_ioapic {
	uint8_t type, length, id, reserved;
	uint32_t address, gsi_base;
} __attribute__((packed));
struct madt_iso {
	uint8_t type, length, bus, source;
	uint32_t gsi;
	uint16_t flags;
} __attribute__((packed));
struct madt_lapic_nmi {
	uint8_t type, length, uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));
enum { MADT_LAPIC, MADT_IOAPIC, MADT_ISO, MADT_NMI_SRC, MADT_LAPIC_NMI };
/* MPS INTI flags (table 5.26): polarity 1:0, trigger mode 3:2. */
#define MADT_ACTIVE_HIGH 0x1
#define MADT_LEVEL	 (0x3 << 2)

#define DSDT_AML_MAX 4096

/* Resource descriptors (section 6.4): a WORD address space descriptor. */
static void res_word(struct aml *a, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
	uint8_t d[16] = { 0x88,	 13,   0,
			  type,	 0x0c, /* producer, MinFixed, MaxFixed, positive decode */
			  tflags };
	uint16_t len = (uint16_t)(max - min + 1);

	/* granularity 0, min, max, translation 0, length */
	memcpy(d + 8, &min, 2);
	memcpy(d + 10, &max, 2);
	memcpy(d + 14, &len, 2);
	aml_bytes(a, d, sizeof(d));
}

static void res_dword_mem(struct aml *a, uint32_t min, uint32_t max)
{
	uint8_t d[26] = { 0x87, 23, 0, 0 /* memory */, 0x0c, 0x01 /* read-write */ };
	uint32_t len = max - min + 1;

	memcpy(d + 10, &min, 4);
	memcpy(d + 14, &max, 4);
	memcpy(d + 22, &len, 4);
	aml_bytes(a, d, sizeof(d));
}

/*
 * Device (\_SB.PCI0): the host bridge podvmm emulates (vmm/hw/pci.c).  _CRS:
 * bus 0, the config ports 0xcf8-0xcff, I/O windows around them and the
 * BAR window in the PCI hole; _PRT: each device's INTA# to its GSI (a
 * Zero source means the GSI itself, section 6.2.13), as in the MP table.
 */
static void dsdt_pci0(struct aml *a, const struct acpi_cfg *cfg)
{
	static const uint8_t cfg_ports[] = { 0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08 };
	size_t dev, crs, prt;
	uint32_t hid = aml_eisaid("PNP0A03");
	uint8_t hid_b[5] = { 0x0c };

	aml_bytes(a, "\x5b\x82", 2); /* DeviceOp */
	dev = aml_pkg_open(a);
	aml_bytes(a, "\\\x2e_SB_PCI0", 10); /* \ DualNamePath */
	memcpy(hid_b + 1, &hid, 4);
	aml_name(a, "_HID");
	aml_bytes(a, hid_b, sizeof(hid_b));
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_CRS");
	aml_byte(a, 0x11); /* BufferOp */
	crs = aml_pkg_open(a);
	aml_integer(a, 16 + sizeof(cfg_ports) + 16 + 16 + 26 + 2);
	res_word(a, 2, 0, 0, 0);		    /* bus numbers 0-0 */
	aml_bytes(a, cfg_ports, sizeof(cfg_ports)); /* IO (Decode16, 0xcf8, 8) */
	res_word(a, 1, 3, 0x0000, 0x0cf7);	    /* I/O, entire range */
	res_word(a, 1, 3, 0x0d00, 0xffff);
	res_dword_mem(a, (uint32_t)LAYOUT_PCI_HOLE,
		      (uint32_t)(LAYOUT_PCI_HOLE + LAYOUT_PCI_MMIO_SIZE - 1));
	aml_bytes(a, "\x79\x00", 2); /* EndTag */
	aml_pkg_close(a, crs);
	aml_name(a, "_PRT");
	aml_byte(a, 0x12); /* PackageOp */
	prt = aml_pkg_open(a);
	aml_byte(a, (uint8_t)cfg->nr_pci_irqs);
	for (int i = 0; i < cfg->nr_pci_irqs; i++) {
		size_t e;

		aml_byte(a, 0x12);
		e = aml_pkg_open(a);
		aml_byte(a, 4);
		aml_integer(a, (uint32_t)cfg->pci_irqs[i].slot << 16 | 0xffff); /* any function */
		aml_integer(a, 0);						/* INTA# */
		aml_integer(a, 0);						/* source: GSI */
		aml_integer(a, cfg->pci_irqs[i].gsi);
		aml_pkg_close(a, e);
	}
	aml_pkg_close(a, prt);
	aml_pkg_close(a, dev);
}

size_t acpi_dsdt_aml(uint8_t *buf, size_t cap, const struct acpi_cfg *cfg)
{
	struct aml a;
	size_t pkg;

	aml_init(&a, buf, cap);
	/*
	 * Name (_S5, Package () { 5, 5, 0, 0 }) in the root scope (section
	 * 7.4.2.4): SLP_TYPa/b 5, what podvmm's PM1a_CNT model and the test
	 * guest call S5.
	 */
	aml_name(&a, "_S5_");
	aml_byte(&a, 0x12);
	pkg = aml_pkg_open(&a);
	aml_byte(&a, 4);
	aml_bytes(&a, (uint8_t[]){ 0x0a, ACPI_S5_SLP_TYP, 0x0a, ACPI_S5_SLP_TYP }, 4);
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_pkg_close(&a, pkg);
	dsdt_pci0(&a, cfg);
	return a.overflow ? 0 : a.len;
}

#define ALIGN(x, a) (((x) + (a)-1) & ~((size_t)(a)-1))

static size_t madt_size(const struct acpi_cfg *cfg)
{
	return sizeof(struct acpi_madt) + cfg->nr_cpus * sizeof(struct madt_lapic) +
	       sizeof(struct madt_ioapic) + sizeof(struct madt_iso) + sizeof(struct madt_lapic_nmi);
}

static void layout(const struct acpi_cfg *cfg, size_t dsdt_aml_len, struct acpi_layout *l)
{
	l->rsdp = 0;
	l->xsdt = (uint32_t)ALIGN(sizeof(struct acpi_rsdp), 16);
	l->fadt = (uint32_t)ALIGN(l->xsdt + sizeof(struct acpi_hdr) + 2 * 8, 16);
	l->facs = (uint32_t)ALIGN(l->fadt + sizeof(struct acpi_fadt), 64);
	l->dsdt = (uint32_t)ALIGN(l->facs + sizeof(struct acpi_facs), 16);
	l->madt = (uint32_t)ALIGN(l->dsdt + sizeof(struct acpi_hdr) + dsdt_aml_len, 16);
	l->end = (uint32_t)(l->madt + madt_size(cfg));
}

size_t acpi_size(const struct acpi_cfg *cfg)
{
	uint8_t aml[DSDT_AML_MAX];
	struct acpi_layout l;

	layout(cfg, acpi_dsdt_aml(aml, sizeof(aml), cfg), &l);
	return l.end;
}

static void hdr_init(struct acpi_hdr *h, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(h->sig, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "PODVMM", 6);
	memcpy(h->oem_table_id, "PODLNCH ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "PODV", 4);
	h->creator_revision = 1;
}

static void hdr_seal(struct acpi_hdr *h)
{
	h->checksum = 0;
	h->checksum = table_checksum(h, h->length);
}

static struct acpi_gas gas_io(uint32_t port, uint8_t bytes, uint8_t access)
{
	return (struct acpi_gas){ .space = GAS_IO,
				  .bit_width = (uint8_t)(bytes * 8),
				  .access_size = access,
				  .address = port };
}

static void fadt_fill(struct acpi_fadt *f, uint32_t facs, uint32_t dsdt)
{
	hdr_init(&f->h, "FACP", sizeof(*f), 6);
	f->minor_version = 4; /* ACPI 6.4 */
	f->firmware_ctrl = facs;
	f->x_firmware_ctrl = facs;
	f->dsdt = dsdt;
	f->x_dsdt = dsdt;
	f->sci_int = ACPI_SCI_IRQ;
	/*
	 * SMI_CMD 0: no SMM to hand ACPI mode over, so the OS takes the
	 * machine as already in ACPI mode (section 4.8.2.1.1; ACPICA's
	 * acpi_hw_get_mode()), and PM1a_CNT reads back SCI_EN = 1.
	 */
	f->smi_cmd = 0;
	f->pm1a_evt_blk = ACPI_PM1A_EVT;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->x_pm1a_evt_blk = gas_io(ACPI_PM1A_EVT, ACPI_PM1_EVT_LEN, GAS_WORD);
	f->pm1a_cnt_blk = ACPI_PM1A_CNT;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->x_pm1a_cnt_blk = gas_io(ACPI_PM1A_CNT, ACPI_PM1_CNT_LEN, GAS_WORD);
	/* No PM timer (optional since ACPI 5.0A), no GPE blocks, no C2/C3. */
	f->p_lvl2_lat = 101;
	f->p_lvl3_lat = 1001;
	f->century = 0x32; /* CMOS century register */
	f->iapc_boot_arch = BOOT_LEGACY_DEVICES | BOOT_8042 | BOOT_VGA_NOT_PRESENT;
	/*
	 * PWR_BUTTON (bit 4) clear: the power button is the fixed-feature
	 * one, PWRBTN_STS/PWRBTN_EN in PM1a_EVT (section 4.8.3.1), raising
	 * the SCI on SCI_INT; what libvirt's and KubeVirt's graceful stop
	 * presses.  Linux then adds its LNXPWRBN device without any AML, so
	 * the DSDT needs no button device.  No sleep button (bit 5 set).
	 */
	f->flags = FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_RESET_REG_SUP;
	/* Reset: 0xfe to the i8042 command port pulses the reset line. */
	f->reset_reg = gas_io(0x64, 1, GAS_BYTE);
	f->reset_value = 0xfe;
	memcpy(&f->hypervisor_vendor, "PODVMM\0\0", 8);
	hdr_seal(&f->h);
}

static void madt_fill(struct acpi_madt *m, const struct acpi_cfg *cfg)
{
	uint8_t *p = (uint8_t *)(m + 1);
	uint8_t ioapic_id = (uint8_t)cfg->nr_cpus; /* as in the MP table */

	hdr_init(&m->h, "APIC", (uint32_t)madt_size(cfg), 5);
	m->lapic_addr = (uint32_t)LAYOUT_LAPIC;
	m->flags = MADT_PCAT_COMPAT; /* the 8259s are there */
	for (int i = 0; i < cfg->nr_cpus; i++) {
		struct madt_lapic l = { MADT_LAPIC, sizeof(l), (uint8_t)i, (uint8_t)i, 1 };

		memcpy(p, &l, sizeof(l));
		p += sizeof(l);
	}
	struct madt_ioapic io = {
		MADT_IOAPIC, sizeof(io), ioapic_id, 0, (uint32_t)LAYOUT_IOAPIC, 0
	};
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);
	/*
	 * ISA IRQs map to the same IOAPIC pins (KVM's routing, the MP table),
	 * so only the SCI needs an override: level, active high (section
	 * 5.2.12.5).  No IRQ0->GSI2 override: KVM's PIT raises GSI 0.
	 */
	struct madt_iso iso = { MADT_ISO,     sizeof(iso),  0,
				ACPI_SCI_IRQ, ACPI_SCI_IRQ, MADT_ACTIVE_HIGH | MADT_LEVEL };
	memcpy(p, &iso, sizeof(iso));
	p += sizeof(iso);
	/* LINT1 is NMI on every local APIC (0xff), as in the MP table. */
	struct madt_lapic_nmi nmi = { MADT_LAPIC_NMI, sizeof(nmi), 0xff, 0, 1 };
	memcpy(p, &nmi, sizeof(nmi));
	hdr_seal(&m->h);
}

int acpi_write(void *buf, size_t len, uint32_t gpa, const struct acpi_cfg *cfg,
	       struct acpi_layout *lay)
{
	uint8_t aml[DSDT_AML_MAX];
	size_t aml_len = acpi_dsdt_aml(aml, sizeof(aml), cfg);
	struct acpi_layout l;
	uint8_t *b = buf;

	if (cfg->nr_cpus < 1 || cfg->nr_cpus > 254 || gpa % 16 || cfg->nr_pci_irqs < 0 ||
	    cfg->nr_pci_irqs > 255 || !aml_len)
		return -EINVAL;
	layout(cfg, aml_len, &l);
	if (len < l.end)
		return -ENOSPC;
	memset(buf, 0, l.end);

	struct acpi_facs *facs = (void *)(b + l.facs);
	memcpy(facs->sig, "FACS", 4);
	facs->length = sizeof(*facs);
	facs->version = 2;

	struct acpi_hdr *dsdt = (void *)(b + l.dsdt);
	hdr_init(dsdt, "DSDT", (uint32_t)(sizeof(*dsdt) + aml_len), 2);
	memcpy(dsdt + 1, aml, aml_len);
	hdr_seal(dsdt);

	fadt_fill((void *)(b + l.fadt), gpa + l.facs, gpa + l.dsdt);
	madt_fill((void *)(b + l.madt), cfg);

	struct acpi_hdr *xsdt = (void *)(b + l.xsdt);
	uint64_t entries[2] = { gpa + l.fadt, gpa + l.madt };
	hdr_init(xsdt, "XSDT", sizeof(*xsdt) + sizeof(entries), 1);
	memcpy(xsdt + 1, entries, sizeof(entries));
	hdr_seal(xsdt);

	struct acpi_rsdp *r = (void *)(b + l.rsdp);
	memcpy(r->sig, "RSD PTR ", 8);
	memcpy(r->oem_id, "PODVMM", 6);
	r->revision = 2;
	r->length = sizeof(*r);
	r->xsdt = gpa + l.xsdt;
	r->checksum = table_checksum(r, 20);
	r->ext_checksum = table_checksum(r, sizeof(*r));
	if (lay)
		*lay = l;
	return 0;
}
