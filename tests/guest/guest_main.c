// SPDX-License-Identifier: MIT
/*
 * podvmm's test guest.  Modes, chosen by "mode=" on the command line:
 *   (none)    check what the boot protocol and the machine promise, print
 *             PASS/FAIL per check and a summary, run the NIC hook, then
 *             reset through the i8042;
 *   cad       wait for Ctrl-Alt-Del on the keyboard, then power off;
 *   poweroff  print one line and power off (benchmarks);
 *   hang      ignore everything, Ctrl-Alt-Del included (forced-stop test);
 *   spin      a fixed busy loop, then power off (emulation detection);
 *   echo      copy serial input to output until 'q', then power off;
 *   irq       count serial input taken by RX interrupts until 'q', power off;
 *   pwrbtn    enable the ACPI power button (PWRBTN_EN) and its SCI through
 *             the IOAPIC, power off when the SCI reports PWRBTN_STS;
 *   pwrbtn-ignore  enable PWRBTN_EN, then ignore everything (forced stop);
 *   hostile, hostile-bar, hostile-msix  attacks on the virtio-net device
 *             (hostile.c; hostile-msix needs 2 vCPUs).
 * Optional words: expect_mem=MIB, expect_cpus=N, expect_initrd=BYTES,
 * expect_baseline=1, expect_bzimage=1.  It polls, except in the irq and
 * pwrbtn modes, which take interrupts through the IOAPIC.
 */
#include <asm/bootparam.h>

#include "guest_acpi.h"
#include "guest_io.h"
#include "guest_net.h"

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};
struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

extern uint64_t entry_rflags;
extern char _end[], ap_tramp[], ap_tramp_end[], ap_tramp_count[], ap_tramp_ids[];

#define LAPIC	      0xfee00000UL
#define AP_TRAMP_ADDR 0x10000UL /* SIPI vector 0x10 */

static void e820_print(const struct boot_e820_entry *e, int n)
{
	for (int i = 0; i < n; i++)
		con_printf("e820: %016lx-%016lx type %u\n", (unsigned long)e[i].addr,
			   (unsigned long)(e[i].addr + e[i].size - 1), e[i].type);
}

static void check_e820(const struct boot_e820_entry *e, int n, unsigned long expect_mib)
{
	unsigned long ram = 0;
	int sorted = 1, hole_free = 1, covers_image = 0, low_ok = 0;

	for (int i = 0; i < n; i++) {
		uint64_t end = e[i].addr + e[i].size;

		if (i && e[i].addr < e[i - 1].addr + e[i - 1].size)
			sorted = 0;
		if (e[i].type == 1) {
			ram += e[i].size;
			if (e[i].addr < 0x100000000ULL && end > 0xc0000000ULL)
				hole_free = 0;
			if (e[i].addr <= 0x100000 && end >= (uint64_t)(uintptr_t)_end)
				covers_image = 1;
			if (e[i].addr == 0 && e[i].size >= 0x9f000)
				low_ok = 1;
		}
	}
	check(n > 0 && n <= 128, "e820 has entries");
	check(sorted, "e820 entries sorted and disjoint");
	check(low_ok, "e820 base memory from 0");
	check(covers_image, "e820 RAM covers the kernel image at 1 MiB");
	check(hole_free, "e820 leaves the PCI hole 3G-4G free");
	if (expect_mib) {
		/* RAM plus the 0x9fc00-1MiB reserved area adds up to --memory. */
		check(ram + (0x100000 - 0x9fc00) == expect_mib << 20, "e820 RAM matches --memory");
		if (expect_mib > 3072)
			check(n >= 1 && e[n - 1].addr == 0x100000000ULL &&
				      e[n - 1].size == (expect_mib - 3072) << 20,
			      "e820 RAM above the hole starts at 4 GiB");
	}
}

static uint8_t sum8(const uint8_t *p, unsigned n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* MP spec 1.4: floating pointer in the last KiB of base memory. */
static int check_mptable(unsigned long expect_cpus)
{
	const uint8_t *p = (const uint8_t *)0x9fc00, *mpc;
	int cpus = 0, ioapic = 0;
	uint16_t len, count;

	for (; p < (const uint8_t *)0xa0000; p += 16)
		if (!memcmp(p, "_MP_", 4))
			break;
	check(p < (const uint8_t *)0xa0000, "MP floating pointer found");
	if (p >= (const uint8_t *)0xa0000)
		return 0;
	check(sum8(p, 16) == 0, "MP floating pointer checksum");
	mpc = (const uint8_t *)(uintptr_t) * (const uint32_t *)(p + 4);
	len = *(const uint16_t *)(mpc + 4);
	count = *(const uint16_t *)(mpc + 34);
	check(!memcmp(mpc, "PCMP", 4) && sum8(mpc, len) == 0, "MP config table checksum");
	for (const uint8_t *q = mpc + 44; count-- && q < mpc + len;) {
		if (q[0] == 0) {
			if (q[3] & 1)
				cpus++;
			q += 20;
		} else {
			if (q[0] == 2 && *(const uint32_t *)(q + 4) == 0xfec00000)
				ioapic = 1;
			q += 8;
		}
	}
	con_printf("mptable: %d cpus\n", cpus);
	check(ioapic, "MP table lists the IOAPIC at 0xfec00000");
	check((unsigned long)cpus == (expect_cpus ? expect_cpus : 1), "MP table CPU count");
	return cpus;
}

static void delay(unsigned long n)
{
	for (volatile unsigned long i = 0; i < n; i++)
		;
}

/* INIT-SIPI-SIPI (Intel SDM vol. 3A 8.4.4.1) to every AP, each running
 * the real-mode trampoline that counts itself in. */
static void start_aps(int cpus)
{
	volatile uint16_t *count;

	memcpy((void *)AP_TRAMP_ADDR, ap_tramp, (size_t)(ap_tramp_end - ap_tramp));
	count = (volatile uint16_t *)(AP_TRAMP_ADDR + (ap_tramp_count - ap_tramp));
	*count = 0;
	mmio_write32(LAPIC + 0xf0, 0x1ff); /* software-enable, spurious 0xff */
	for (int id = 1; id < cpus; id++) {
		mmio_write32(LAPIC + 0x310, (uint32_t)id << 24);
		mmio_write32(LAPIC + 0x300, 0x4500); /* INIT, assert */
		delay(1000);
		for (int k = 0; k < 2; k++) {
			mmio_write32(LAPIC + 0x310, (uint32_t)id << 24);
			mmio_write32(LAPIC + 0x300, 0x4600 | (AP_TRAMP_ADDR >> 12));
			delay(1000);
		}
	}
	/* Each AP runs when the host schedules its vCPU thread: wait by time,
	 * not by a spin count. */
	for (uint64_t t0 = rdtsc(); *count < cpus - 1 && rdtsc() - t0 < TSC_PATIENCE;)
		__asm__ volatile("pause");
	con_printf("smp: %u of %d application processors started\n", *count, cpus - 1);
	check(*count == cpus - 1, "APs started through INIT-SIPI");
	if (*count == cpus - 1 && cpus <= 16) {
		/* Each AP read its own APIC ID from CPUID: all of 1..cpus-1 once. */
		const volatile uint8_t *ids =
			(const volatile uint8_t *)(AP_TRAMP_ADDR + (ap_tramp_ids - ap_tramp));
		unsigned seen = 0;

		for (int i = 0; i < cpus - 1; i++)
			seen |= ids[i] < 16 ? 1U << ids[i] : 1U << 31;
		check(seen == ((1U << cpus) - 2), "each AP has its own CPUID APIC ID");
	}
}

static void check_cpu(int baseline, unsigned long cpus)
{
	uint32_t r[4], l1c;
	uint16_t cs, ds;
	uint64_t cr0, cr4;
	char sig[13];

	__asm__ volatile("mov %%cs, %0; mov %%ds, %1" : "=r"(cs), "=r"(ds));
	__asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
	check(cs == 0x10 && ds == 0x18, "segments are __BOOT_CS 0x10 / __BOOT_DS 0x18");
	check(!(entry_rflags & 0x200), "interrupts were off at entry");
	check((cr0 & 0x80000001) == 0x80000001 && (cr4 & 0x20), "paging with PAE on");
	cpuid(1, 0, r);
	con_printf("cpuid: leaf 1 eax %x ebx %x ecx %x edx %x\n", r[0], r[1], r[2], r[3]);
	check(r[2] & (1U << 31), "CPUID hypervisor bit");
	check((r[1] >> 24) == 0, "boot CPU APIC ID 0");
	check(((r[1] >> 16) & 0xff) == (uint32_t)cpus, "CPUID logical processor count");
	l1c = r[2];
	cpuid(0x40000000, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = 0;
	con_printf("cpuid: hypervisor \"%s\"\n", sig);
	check(!memcmp(sig, "KVMKVMKVM", 9), "CPUID KVM signature");
	if (baseline) {
		/* Only CMPXCHG16B is asserted: the build machines' software KVM
		 * reports its own XSAVE/AVX/RDRAND bits whatever the VMM sets
		 * (podvmm's filtering itself is unit-tested). */
		check(!(l1c & (1U << 13)), "baseline hides CMPXCHG16B");
		cpuid(7, 0, r);
		con_printf(
			"cpuid: baseline: leaf 1 ecx xsave=%u avx=%u rdrand=%u, leaf 7 ebx avx2=%u rdseed=%u\n",
			(l1c >> 26) & 1, (l1c >> 28) & 1, (l1c >> 30) & 1, (r[1] >> 5) & 1,
			(r[1] >> 18) & 1);
	}
	check(mmio_read32(LAPIC + 0x30) != 0xffffffff, "LAPIC reachable through the identity map");
}

static void check_uart(void)
{
	const uint16_t u = 0x3f8;
	uint8_t msr, c;

	outb(u + 7, 0x5a);
	check(inb(u + 7) == 0x5a, "uart scratch register");
	outb(u + 3, 0x83); /* DLAB */
	outb(u + 0, 0x01);
	outb(u + 1, 0x00);
	c = inb(u + 0);
	outb(u + 3, 0x03);
	check(c == 0x01 && inb(u + 3) == 0x03, "uart divisor latch and LCR");
	outb(u + 2, 0x07); /* enable and clear FIFOs */
	check((inb(u + 2) & 0xc0) == 0xc0, "uart reports a 16550A FIFO");
	check((inb(u + 5) & 0x60) == 0x60, "uart LSR transmitter empty");
	outb(u + 4, 0x1a); /* loopback, RTS, OUT2 */
	msr = inb(u + 6);
	outb(u, 'X');
	c = inb(u + 5) & 1 ? inb(u) : 0;
	outb(u + 4, 0x03);
	check((msr & 0xf0) == 0x90, "uart loopback modem lines");
	check(c == 'X', "uart loopback data through the FIFO");
}

static int kbd_read(uint8_t *v)
{
	for (int i = 0; i < 10000; i++)
		if (inb(0x64) & 1) {
			*v = inb(0x60);
			return 1;
		}
	return 0;
}

static void check_i8042(void)
{
	uint8_t a = 0, b = 0, c = 0;

	outb(0x64, 0xaa);
	check(kbd_read(&a) && a == 0x55, "i8042 self test");
	outb(0x64, 0x20);
	check(kbd_read(&a) && (a & 0x40), "i8042 command byte (translation on)");
	outb(0x60, 0xf2);
	check(kbd_read(&a) && kbd_read(&b) && kbd_read(&c) && a == 0xfa && b == 0xab && c == 0x83,
	      "keyboard identifies as MF2");
}

static void check_rtc(void)
{
	uint8_t v[7];
	static const uint8_t reg[7] = { 0x32, 0x09, 0x08, 0x07, 0x04, 0x02, 0x00 };
	int bcd_ok = 1;

	for (int i = 0; i < 7; i++) {
		outb(0x70, reg[i]);
		v[i] = inb(0x71);
		if ((v[i] & 0xf) > 9 || (v[i] >> 4) > 9)
			bcd_ok = 0;
	}
	con_printf("rtc: %x%02x-%02x-%02x %02x:%02x:%02x UTC\n", v[0], v[1], v[2], v[3], v[4], v[5],
		   v[6]);
	check(bcd_ok && v[0] >= 0x20, "rtc gives a BCD date");
}

static uint32_t pci_cfg(int slot, int reg)
{
	outl(0xcf8, 0x80000000U | (uint32_t)slot << 11 | (uint32_t)reg);
	return inl(0xcfc);
}

static void check_bus(void)
{
	check(pci_cfg(0, 0) == 0x12378086 && (pci_cfg(0, 8) >> 16) == 0x0600,
	      "pci host bridge at 00:00.0 through 0xcf8/0xcfc");
	check(pci_cfg(31, 0) == 0xffffffff, "empty pci slot reads all-ones");
	check(inb(0x2e8) == 0xff && inl(0x510) == 0xffffffff, "unclaimed ports read all-ones");
	check(mmio_read32(0xd0000000UL) == 0xffffffff, "unclaimed MMIO reads all-ones");
}

static void check_boot_params(const struct boot_params *bp, const char *cl,
			      unsigned long initrd_size, int bzimage)
{
	const struct setup_header *h = &bp->hdr;

	check(h->boot_flag == 0xaa55 && h->header == 0x53726448, "boot_params header magic");
	check(h->type_of_loader == 0xff, "type_of_loader 0xff");
	/* A vmlinux has no header of its own: the loader fills in the size. */
	if (!bzimage)
		check(h->cmd_line_ptr && h->cmdline_size == strlen(cl) + 1,
		      "command line pointer and size");
	else
		check(h->cmd_line_ptr && strlen(cl) < h->cmdline_size, "command line pointer");
	if (bzimage) {
		/* podvmm copies the file's setup header into the zero page. */
		check(h->version == 0x020f && h->setup_sects == 4 && (h->xloadflags & 1) &&
			      h->kernel_alignment == 0x200000 && h->cmdline_size == 2047,
		      "setup header copied from the bzImage");
		check(h->init_size >= (uintptr_t)_end - 0x100000,
		      "bzImage init_size covers the image");
	}
	if (initrd_size) {
		const char *rd = (const char *)(uintptr_t)h->ramdisk_image;

		con_printf("initrd: %x, %u bytes\n", h->ramdisk_image, h->ramdisk_size);
		check(h->ramdisk_size == initrd_size, "initrd size");
		check(!(h->ramdisk_image & 0xfff) && h->ramdisk_image >= (uintptr_t)_end &&
			      h->ramdisk_image + h->ramdisk_size <= 0x38000000U,
		      "initrd placement");
		check(!memcmp(rd, "PODVMM-INITRD", 13), "initrd contents");
	}
}

static void __attribute__((noreturn)) wait_cad(void)
{
	static const uint8_t seq[] = { 0x1d, 0x38, 0xe0, 0x53 };
	unsigned int got = 0;

	con_puts("cad: waiting for ctrl-alt-del\n");
	for (;;) {
		uint8_t v;

		if (!(inb(0x64) & 1))
			continue;
		v = inb(0x60);
		got = v == seq[got] ? got + 1 : (v == seq[0] ? 1 : 0);
		if (got == sizeof(seq)) {
			con_puts("cad: got ctrl-alt-del\n");
			machine_poweroff();
		}
	}
}

static void __attribute__((noreturn)) hang(void)
{
	con_puts("hang: ignoring everything\n");
	for (;;)
		__asm__ volatile("pause");
}

/* A fixed amount of pure CPU work: how long it takes tells hardware
 * virtualisation (well under a millisecond) from instruction emulation. */
static void __attribute__((noreturn)) spin(void)
{
	for (volatile unsigned long i = 0; i < 300000; i++)
		;
	con_puts("spin: done\n");
	machine_poweroff();
}

/* Echo what arrives on COM1 (polled) until a 'q', then power off. */
static void __attribute__((noreturn)) echo(void)
{
	unsigned long n = 0;

	con_puts("echo: ready\n");
	for (;;) {
		char c;

		if (!(inb(0x3f8 + 5) & 1))
			continue;
		c = (char)inb(0x3f8);
		if (c == 'q')
			break;
		con_putc(c == '\r' ? '\n' : c);
		n++;
	}
	con_printf("\necho: %lu bytes\n", n);
	machine_poweroff();
}

/* No IDT: an exception becomes #DF, then a triple fault (a PC resets). */
static void __attribute__((noreturn)) triple_fault(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idt = { 0, 0 };

	con_puts("triple: faulting\n");
	__asm__ volatile("lidt %0; ud2" ::"m"(idt));
	for (;;)
		;
}

/* An access KVM cannot complete on its own: an AES-NI operand in MMIO needs
 * instruction emulation with SSE state (not emulated on the build
 * machines' software KVM).  podvmm must dump the registers and exit 1. */
static void __attribute__((noreturn)) bad_exit(void)
{
	uint64_t cr4;

	con_puts("badexit: AES-NI operand in MMIO\n");
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= 1 << 9; /* OSFXSR: SSE allowed */
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	__asm__ volatile("aesenc (%0), %%xmm0" ::"r"(0xd0000000UL) : "memory");
	con_puts("badexit: survived\n");
	machine_poweroff();
}

/*
 * Serial input through interrupts: COM1's RX interrupt routed by the
 * IOAPIC (pin 4) to vector 0x24, the 8259s masked, characters read in the
 * handler until a 'q'.  This is what a Linux console login needs.
 */
#define COM1_VECTOR 0x24
struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static volatile unsigned long irq_rx_bytes, irq_count, irq_stray;
static volatile int irq_done;
extern char irq_com1_entry[], irq_other_entry[];

void irq_com1(void);
void irq_other(void);

static const char irq_tx_msg[] = "irq: this line was sent by THRE interrupts\n";
static volatile unsigned irq_tx_pos;

void irq_com1(void)
{
	uint8_t iir;

	irq_count++;
	/* Serve every pending source, as 8250 drivers do (IIR bit 0 = none). */
	while (!((iir = inb(0x3f8 + 2)) & 1)) {
		if ((iir & 0x0e) == 0x04 || (iir & 0x0e) == 0x0c) {
			while (inb(0x3f8 + 5) & 1) {
				char c = (char)inb(0x3f8);

				if (c == 'q')
					irq_done = 1;
				else
					irq_rx_bytes++;
			}
		} else if ((iir & 0x0e) == 0x02) {
			if (irq_tx_pos < sizeof(irq_tx_msg) - 1)
				outb(0x3f8, (uint8_t)irq_tx_msg[irq_tx_pos++]);
			else
				outb(0x3f8 + 1, 0x01); /* done: RX interrupts only */
		} else {
			inb(0x3f8 + 5);
			inb(0x3f8 + 6);
		}
	}
	mmio_write32(LAPIC + 0xb0, 0); /* EOI */
}

void irq_other(void)
{
	irq_stray++;
	mmio_write32(LAPIC + 0xb0, 0);
}

static void set_gate(int v, const void *fn)
{
	uint64_t a = (uint64_t)(uintptr_t)fn;
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	idt[v] = (struct idt_gate){ .off0 = (uint16_t)a,
				    .sel = cs,
				    .type = 0x8e,
				    .off1 = (uint16_t)(a >> 16),
				    .off2 = (uint32_t)(a >> 32) };
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(0xfec00000UL, reg);
	mmio_write32(0xfec00010UL, v);
}

static void __attribute__((noreturn)) irq_echo(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = {
		sizeof(idt) - 1,
		(uint64_t)(uintptr_t)idt,
	};

	for (int v = 32; v < 256; v++)
		set_gate(v, irq_other_entry);
	set_gate(COM1_VECTOR, irq_com1_entry);
	__asm__ volatile("lidt %0" ::"m"(idtr));
	outb(0x21, 0xff); /* mask both 8259s */
	outb(0xa1, 0xff);
	mmio_write32(LAPIC + 0xf0, 0x1ff);	 /* LAPIC on, spurious vector 0xff */
	mmio_write32(LAPIC + 0x80, 0);		 /* TPR: accept everything */
	ioapic_write(0x10 + 2 * 4 + 1, 0);	 /* pin 4 -> APIC 0 */
	ioapic_write(0x10 + 2 * 4, COM1_VECTOR); /* fixed, edge, high, unmasked */
	outb(0x3f8 + 2, 0x07);			 /* FIFO on and cleared */
	outb(0x3f8 + 4, 0x0b);			 /* DTR, RTS, OUT2 (IRQ enable on a PC) */
	con_puts("irq: ready\n");
	outb(0x3f8 + 1, 0x03); /* RX data and THR empty interrupts */
	__asm__ volatile("sti");
	while (!irq_done)
		__asm__ volatile("hlt");
	__asm__ volatile("cli");
	con_printf("irq: %lu bytes in %lu interrupts, %lu stray, %u sent\n", irq_rx_bytes,
		   irq_count, irq_stray, irq_tx_pos);
	machine_poweroff();
}

/*
 * The ACPI fixed-feature power button as an OS handles it (ACPI 6.4
 * 4.8.3.1, ACPICA's acpi_ev_fixed_event_detect()): FADT flag PWR_BUTTON
 * clear, PWRBTN_EN set in PM1a_EN, the SCI (SCI_INT, level, active high
 * as the MADT's override says) routed by the IOAPIC; on the SCI read
 * PM1a_STS, clear PWRBTN_STS by writing it back, then power off.
 */
#define SCI_VECTOR 0x29
static volatile uint16_t sci_pm1a_evt, sci_status;
static volatile unsigned long sci_count;
extern char irq_sci_entry[];
void irq_sci(void);

void irq_sci(void)
{
	uint16_t st = inw(sci_pm1a_evt);

	sci_count++;
	sci_status |= st;
	outw(sci_pm1a_evt, st & 0x0100); /* write-1-to-clear: drops the level */
	mmio_write32(LAPIC + 0xb0, 0);	 /* EOI (also the IOAPIC's remote IRR) */
}

static void __attribute__((noreturn)) power_button(int act)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = {
		sizeof(idt) - 1,
		(uint64_t)(uintptr_t)idt,
	};
	uint16_t evt = 0, sci = 0;
	uint32_t flags = 0;

	if (acpi_fadt_sci(&evt, &sci, &flags) || sci > 23) {
		con_puts("pwrbtn: FAIL no usable FADT\n");
		machine_poweroff();
	}
	con_printf("pwrbtn: PM1a_EVT 0x%x SCI_INT %u fixed button %s\n", evt, sci,
		   flags & (1u << 4) ? "absent" : "present");
	if (flags & (1u << 4)) {
		con_puts("pwrbtn: FAIL the FADT says there is no fixed power button\n");
		machine_poweroff();
	}
	sci_pm1a_evt = evt;
	if (inw(evt) & 0x0100)
		con_puts("pwrbtn: FAIL PWRBTN_STS set before any press\n");
	outw(evt, 0xffff); /* clear every status bit, as ACPICA does */
	if (act) {
		for (int v = 32; v < 256; v++)
			set_gate(v, irq_other_entry);
		set_gate(SCI_VECTOR, irq_sci_entry);
		__asm__ volatile("lidt %0" ::"m"(idtr));
		outb(0x21, 0xff); /* mask both 8259s */
		outb(0xa1, 0xff);
		mmio_write32(LAPIC + 0xf0, 0x1ff);
		mmio_write32(LAPIC + 0x80, 0);
		ioapic_write(0x10 + 2 * sci + 1, 0);
		/* fixed, level (bit 15), active high (bit 13 clear), unmasked */
		ioapic_write(0x10 + 2 * sci, SCI_VECTOR | 1u << 15);
	}
	outw((uint16_t)(evt + 2), 0x0100); /* PWRBTN_EN */
	if (!(inw((uint16_t)(evt + 2)) & 0x0100))
		con_puts("pwrbtn: FAIL PWRBTN_EN does not read back\n");
	if (!act) {
		con_puts("pwrbtn: enabled, ignoring it\n");
		for (;;)
			__asm__ volatile("pause");
	}
	con_puts("pwrbtn: waiting for the power button\n");
	__asm__ volatile("sti");
	while (!(sci_status & 0x0100))
		__asm__ volatile("hlt");
	__asm__ volatile("cli");
	con_printf("pwrbtn: pressed (PM1a_STS 0x%x in %lu SCIs, %lu stray), status now 0x%x\n",
		   sci_status, sci_count, irq_stray, inw(evt));
	machine_poweroff();
}

void __attribute__((noreturn)) hostile_main(void); /* hostile.c */
void __attribute__((noreturn)) hostile_bar_main(void);
void __attribute__((noreturn)) hostile_msix_main(void);

static void run_mode(const char *mode)
{
	if (!memcmp(mode, "hostile", 8))
		hostile_main();
	if (!memcmp(mode, "hostile-bar", 12))
		hostile_bar_main();
	if (!memcmp(mode, "hostile-msix", 13))
		hostile_msix_main();
	if (!memcmp(mode, "irq", 4))
		irq_echo();
	if (!memcmp(mode, "pwrbtn", 7))
		power_button(1);
	if (!memcmp(mode, "pwrbtn-ignore", 14))
		power_button(0);
	if (!memcmp(mode, "triple", 7))
		triple_fault();
	if (!memcmp(mode, "badexit", 8))
		bad_exit();
	if (!memcmp(mode, "echo", 5))
		echo();
	if (!memcmp(mode, "cad", 4))
		wait_cad();
	if (!memcmp(mode, "poweroff", 9))
		machine_poweroff();
	if (!memcmp(mode, "hang", 5))
		hang();
	if (!memcmp(mode, "spin", 5))
		spin();
}

static void boot_linux(const struct boot_params *bp)
{
	const char *cl = (const char *)(uintptr_t)bp->hdr.cmd_line_ptr;
	char mode[16] = "", val[24];
	unsigned long expect_mem = 0, expect_cpus = 1, initrd = 0;
	int cpus;

	con_printf("guest: boot=linux cmdline=\"%s\"\n", cl ? cl : "");
	cmdline_get(cl, "mode", mode, sizeof(mode));
	run_mode(mode);
	if (cmdline_get(cl, "expect_mem", val, sizeof(val)))
		expect_mem = parse_ulong(val);
	if (cmdline_get(cl, "expect_cpus", val, sizeof(val)))
		expect_cpus = parse_ulong(val);
	if (cmdline_get(cl, "expect_initrd", val, sizeof(val)))
		initrd = parse_ulong(val);

	e820_print(bp->e820_table, bp->e820_entries);
	check_boot_params(bp, cl, initrd, cmdline_get(cl, "expect_bzimage", val, sizeof(val)));
	check_e820(bp->e820_table, bp->e820_entries, expect_mem);
	check_cpu(cmdline_get(cl, "expect_baseline", val, sizeof(val)), expect_cpus);
	cpus = check_mptable(expect_cpus);
	acpi_check(bp->acpi_rsdp_addr, expect_cpus);
	if (cpus > 1)
		start_aps(cpus);
	check_uart();
	check_i8042();
	check_rtc();
	check_bus();
	con_printf("summary: %d passed, %d failed\n", checks_passed, checks_failed);
	if (guest_net_main(bp) != -1)
		con_puts("net: done\n");
	machine_reset();
}

static void boot_pvh(const struct hvm_start_info *si)
{
	const char *cl = (const char *)(uintptr_t)si->cmdline_paddr;
	const struct hvm_memmap_table_entry *mm =
		(const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
	char mode[16] = "";

	con_printf("guest: boot=pvh cmdline=\"%s\"\n", cl ? cl : "");
	cmdline_get(cl, "mode", mode, sizeof(mode));
	run_mode(mode);
	check(si->magic == 0x336ec578, "hvm_start_info magic");
	check(si->version >= 1 && si->memmap_entries > 0, "hvm_start_info memory map");
	check(si->rsdp_paddr && si->rsdp_paddr == acpi_scan_rsdp(), "hvm_start_info rsdp_paddr");
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		con_printf("memmap: %016lx-%016lx type %u\n", (unsigned long)mm[i].addr,
			   (unsigned long)(mm[i].addr + mm[i].size - 1), mm[i].type);
	con_printf("summary: %d passed, %d failed\n", checks_passed, checks_failed);
	machine_reset();
}

void guest_main(void *info, int pvh);

void guest_main(void *info, int pvh)
{
	con_init();
	if (pvh)
		boot_pvh(info);
	else
		boot_linux(info);
}
