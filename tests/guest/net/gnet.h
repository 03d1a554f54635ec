/* SPDX-License-Identifier: MIT */
#ifndef GUEST_NET_GNET_H
#define GUEST_NET_GNET_H

/*
 * The test guest's network mode: a polling virtio-net (modern PCI) driver,
 * a DHCP client and an ARP / ICMP echo / UDP echo responder.  The guest
 * runs without interrupts, on hypervisors as slow as a software-emulated
 * KVM, so everything here is small and straight-line.
 */
#include <stdbool.h>
#include <stdint.h>

#define GNET_HDR       12 /* virtio_net_hdr_v1 */
#define GNET_FRAME_MAX 1514

struct gnic {
	uint8_t mac[6];
	uint16_t mtu;
	uint8_t bus_dev; /* PCI slot */
};

/* Finds and starts the first virtio-net function; 0 or -1 (none). */
int gnic_init(struct gnic *nic);
/* 1 when the MSI-X message of receive queue 0 reached the LAPIC, 0 when
 * not (yet), -1 when MSI-X could not be enabled. */
int gnic_msix_seen(void);
/* Test of the device's defences: queues a descriptor outside RAM and waits
 * for DEVICE_NEEDS_RESET; returns the status or -1 when it never came. */
int gnic_break_tx(void);
/* Sends one Ethernet frame; 0, or -1 when the TX ring stayed full. */
int gnic_send(struct gnic *nic, const void *frame, uint32_t len);
/* Next received frame (pointer into the RX buffer, valid until the next
 * call) or NULL; *len is the frame length without the virtio header. */
const uint8_t *gnic_recv(struct gnic *nic, uint32_t *len);

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* RFC 1071 Internet checksum. */
uint16_t ip_csum(const uint8_t *p, uint32_t len, uint32_t sum);

struct lease {
	uint32_t ip, mask, server, gw;
	uint16_t mtu;
	uint32_t dns[4];
	int ndns;
	uint8_t routes[64]; /* raw option 121 */
	int routes_len;
	uint8_t search[128]; /* raw option 119 */
	int search_len;
	char domain[64];
	char hostname[64];
};

/* Polls the i8042 for the Ctrl-Alt-Del scancodes; 1 once all arrived. */
int cad_poll(unsigned int *got);

/* Runs DHCP DISCOVER/OFFER/REQUEST/ACK (RFC 2131 3.1); 0 when bound.
 * Ctrl-Alt-Del meanwhile powers off (a pod deleted before its lease). */
int dhcp_bind(struct gnic *nic, struct lease *l);
/* Prints the one LEASE line on the console. */
void lease_print(const struct lease *l);

#endif
