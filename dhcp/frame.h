/* SPDX-License-Identifier: MIT */
#ifndef DHCP_FRAME_H
#define DHCP_FRAME_H

/* Ethernet + IPv4 + UDP framing for replies sent on a raw AF_PACKET socket. */

#include <stddef.h>
#include <stdint.h>

#define DHCP_FRAME_HDR_LEN (14 + 20 + 8)

/* RFC 1071 Internet checksum over len octets, folded, not inverted. */
uint32_t dhcp_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t dhcp_csum_fold(uint32_t sum);

/*
 * Write a frame carrying payload from src (MAC/IP, port 67) to dst
 * (MAC/IP, port 68) into out (cap octets): IP header checksum and UDP
 * checksum with the RFC 768 pseudo header filled in.  Returns the frame
 * length or -ENOSPC.  Addresses in network order.
 */
int dhcp_frame_build(uint8_t *out, size_t cap, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		     uint32_t src_ip, uint32_t dst_ip, const uint8_t *payload, size_t len);

#endif
