// SPDX-License-Identifier: MIT
/*
 * Network mode of the test guest: bring up the virtio-net NIC, lease an
 * address by DHCP, print it on one line, then answer ARP (RFC 826), ICMP
 * echo (RFC 792) and UDP echo on port 7 (RFC 862) until Ctrl-Alt-Del arrives
 * on the i8042, then power off.
 */
#include "guest_io.h"
#include "guest_net.h"
#include "gnet.h"

#define ECHO_PORT 7

static struct gnic nic;
static struct lease lease;
static uint8_t out[GNET_FRAME_MAX];

static void eth_reply(uint8_t *o, const uint8_t *in)
{
	memcpy(o, in + 6, 6);
	memcpy(o + 6, nic.mac, 6);
	memcpy(o + 12, in + 12, 2);
}

static void arp(const uint8_t *f, uint32_t len)
{
	const uint8_t *a = f + 14;
	uint8_t *r = out + 14;

	/* Ethernet/IPv4 request for our address. */
	if (len < 42 || be16(a) != 1 || be16(a + 2) != 0x0800 || be16(a + 6) != 1 ||
	    be32(a + 24) != lease.ip)
		return;
	eth_reply(out, f);
	memcpy(r, a, 6);
	put_be16(r + 6, 2);
	memcpy(r + 8, nic.mac, 6);
	put_be32(r + 14, lease.ip);
	memcpy(r + 18, a + 8, 10); /* sender becomes target */
	gnic_send(&nic, out, 42);
}

static void ipv4(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + 14;
	uint32_t ihl = (ip[0] & 15) * 4u, tot;
	uint8_t *rip = out + 14, *l4;

	if (len < 34 || (ip[0] >> 4) != 4 || ihl < 20 || be32(ip + 16) != lease.ip)
		return;
	tot = be16(ip + 2);
	if (tot < ihl + 8 || 14 + tot > len || (be16(ip + 6) & 0x3fff))
		return; /* short, or a fragment */
	eth_reply(out, f);
	/* Reply IP header: no options, addresses swapped. */
	memset(rip, 0, 20);
	rip[0] = 0x45;
	rip[8] = 64;
	rip[9] = ip[9];
	memcpy(rip + 12, ip + 16, 4);
	memcpy(rip + 16, ip + 12, 4);
	l4 = rip + 20;
	if (ip[9] == 1 && ip[ihl] == 8) { /* ICMP echo request */
		uint32_t n = tot - ihl;

		memcpy(l4, ip + ihl, n);
		l4[0] = 0;
		l4[2] = l4[3] = 0;
		put_be16(l4 + 2, ip_csum(l4, n, 0));
		put_be16(rip + 2, (uint16_t)(20 + n));
	} else if (ip[9] == 17 && be16(ip + ihl + 2) == ECHO_PORT) {
		const uint8_t *u = ip + ihl;
		uint32_t n = be16(u + 4);

		if (n < 8 || n > tot - ihl)
			return;
		memcpy(l4, u, n);
		put_be16(l4, ECHO_PORT);
		put_be16(l4 + 2, be16(u));
		put_be16(l4 + 6, 0); /* checksum optional in IPv4 */
		put_be16(rip + 2, (uint16_t)(20 + n));
	} else {
		return;
	}
	put_be16(rip + 10, ip_csum(rip, 20, 0));
	gnic_send(&nic, out, 14 + be16(rip + 2));
}

int cad_poll(unsigned int *got)
{
	static const uint8_t seq[] = { 0x1d, 0x38, 0xe0, 0x53 };
	uint8_t v;

	if (!(inb(0x64) & 1))
		return 0;
	v = inb(0x60);
	*got = v == seq[*got] ? *got + 1 : (v == seq[0] ? 1 : 0);
	return *got == sizeof(seq);
}

int guest_net_main(const struct boot_params *bp)
{
	const char *cl = (const char *)(uintptr_t)bp->hdr.cmd_line_ptr;
	unsigned int cad = 0, spin = 0;
	char mode[16] = "";

	if (cl)
		cmdline_get(cl, "net", mode, sizeof(mode));
	if (gnic_init(&nic)) {
		con_puts("net: no virtio-net NIC\n");
		return -1;
	}
	con_printf("net: virtio-net at slot %u mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n",
		   nic.bus_dev, nic.mac[0], nic.mac[1], nic.mac[2], nic.mac[3], nic.mac[4],
		   nic.mac[5], nic.mtu);
	if (dhcp_bind(&nic, &lease)) {
		con_puts("net: DHCP failed\n");
		machine_poweroff();
	}
	lease_print(&lease);
	if (!memcmp(mode, "badring", 8)) {
		/* net=badring: break the transmit ring, see the device ask for
		 * a reset, reset it and start over: the host must survive. */
		int st = gnic_break_tx();

		con_printf("net: bad descriptor -> device status %x%s\n", (unsigned)st,
			   st > 0 && (st & 0x40) ? " (DEVICE_NEEDS_RESET)" : "");
		if (st < 0 || gnic_init(&nic) || dhcp_bind(&nic, &lease)) {
			con_puts("net: no recovery after reset\n");
			machine_poweroff();
		}
		con_puts("net: recovered after device reset\n");
		lease_print(&lease);
	}
	/* The DHCP replies came in on receive queue 0 with MSI-X on. */
	con_printf("net: msi-x %s\n", gnic_msix_seen() == 1 ? "interrupt delivered to the LAPIC" :
				      gnic_msix_seen() == 0 ? "interrupt NOT seen" :
							      "unavailable");
	con_printf("net: serving arp, icmp echo, udp echo port %u\n", ECHO_PORT);
	for (;;) {
		uint32_t len;
		const uint8_t *f = gnic_recv(&nic, &len);

		if (f && len >= 14 && (!memcmp(f, nic.mac, 6) || (f[0] & 1))) {
			if (be16(f + 12) == 0x0806)
				arp(f, len);
			else if (be16(f + 12) == 0x0800)
				ipv4(f, len);
		}
		/* Each i8042 poll is a VM exit: not on every turn. */
		if (!f && (++spin & 63) == 0 && cad_poll(&cad)) {
			con_puts("net: got ctrl-alt-del, powering off\n");
			machine_poweroff();
		}
	}
}
