// SPDX-License-Identifier: MIT
/*
 * Writes podvmm's ACPI tables, one file per table (rsdp.dat, xsdt.dat,
 * facp.dat, facs.dat, dsdt.dat, apic.dat), into DIR for
 * tests/unit/acpi-iasl.sh to disassemble with ACPICA's iasl.
 * Usage: acpi_dump DIR CPUS [SLOT:GSI...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/x86/acpi.h"

static uint8_t buf[ACPI_MAX_SIZE];

static int out(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(p, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static uint32_t tlen(uint32_t off)
{
	uint32_t v;

	memcpy(&v, buf + off + 4, 4);
	return v;
}

int main(int argc, char **argv)
{
	struct pci_irq_route irqs[32];
	struct acpi_cfg cfg = { .pci_irqs = irqs };
	struct acpi_layout l;
	int ret;

	if (argc < 3 || argc - 3 > 32) {
		fprintf(stderr, "usage: acpi_dump DIR CPUS [SLOT:GSI...]\n");
		return 2;
	}
	cfg.nr_cpus = atoi(argv[2]);
	for (int i = 3; i < argc; i++) {
		unsigned s, g;

		if (sscanf(argv[i], "%u:%u", &s, &g) != 2 || s > 31 || g > 255) {
			fprintf(stderr, "acpi_dump: bad SLOT:GSI '%s'\n", argv[i]);
			return 2;
		}
		irqs[cfg.nr_pci_irqs++] = (struct pci_irq_route){ (uint8_t)s, (uint8_t)g };
	}
	ret = acpi_write(buf, sizeof(buf), ACPI_BASE, &cfg, &l);
	if (ret) {
		fprintf(stderr, "acpi_dump: acpi_write: %s\n", strerror(-ret));
		return 1;
	}
	if (out(argv[1], "rsdp.dat", buf + l.rsdp, 36) ||
	    out(argv[1], "xsdt.dat", buf + l.xsdt, tlen(l.xsdt)) ||
	    out(argv[1], "facp.dat", buf + l.fadt, tlen(l.fadt)) ||
	    out(argv[1], "facs.dat", buf + l.facs, 64) ||
	    out(argv[1], "dsdt.dat", buf + l.dsdt, tlen(l.dsdt)) ||
	    out(argv[1], "apic.dat", buf + l.madt, tlen(l.madt))) {
		perror("acpi_dump");
		return 1;
	}
	return 0;
}
