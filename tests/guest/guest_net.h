/* SPDX-License-Identifier: MIT */
#ifndef GUEST_NET_H
#define GUEST_NET_H

#include <asm/bootparam.h>

/*
 * Hook for the virtio-net part of the test guest (tests/guest/net/).
 * Called in the default mode after the machine checks.  Returns -1 when
 * the guest was built without NIC support or found no NIC (the guest then
 * resets as usual), else its own result.
 */
int guest_net_main(const struct boot_params *bp);

#endif
