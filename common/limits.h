/* SPDX-License-Identifier: MIT */
#ifndef COMMON_LIMITS_H
#define COMMON_LIMITS_H

/*
 * Queue pairs of the pod's NIC, one tap queue each: `podlaunch setup/run
 * --queues N` creates N tap queues and hands their fds to podvmm's
 * `--net fd=A[:B...]`, whose virtio-net device gives each a receive and a
 * transmit virtqueue (2N + 1 with the control queue, each with its MSI-X
 * vector).  One number for both ends, so that whatever podlaunch accepts
 * podvmm runs.
 */
#define NET_QUEUE_PAIRS_MAX 8

/* The same as a string, for flag help and messages. */
#define NET_QUEUE_PAIRS_MAX_STR "8"

#endif
