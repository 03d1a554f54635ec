/* SPDX-License-Identifier: MIT */
#ifndef VMM_TAP_H
#define VMM_TAP_H

#include <stdbool.h>

/*
 * Tap devices for virtio-net: IFF_TAP|IFF_NO_PI|IFF_VNET_HDR, plus
 * IFF_MULTI_QUEUE with one fd per queue pair.  Fds are non-blocking.
 */

/* Attaches nfds queues of the existing tap `name` (-ENODEV when missing).
 * A tap whose flags differ (not a tap, multi_queue mismatch) makes the
 * kernel answer EINVAL, returned as is. */
int tap_open(const char *name, int nfds, int *fds);

/* Checks that an inherited fd is a tap with NO_PI and VNET_HDR (and
 * MULTI_QUEUE when mq); 0, -ENOTTY when not a tap, -EINVAL on bad flags. */
int tap_check_fd(int fd, bool mq, char ifname[16]);

/* vnet header size (12 for virtio 1.x) and offloads (TUN_F_*). */
int tap_set_vnet_hdr_len(int fd, int len);
int tap_set_offload(int fd, unsigned int tun_flags);

#endif
