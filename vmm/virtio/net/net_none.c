// SPDX-License-Identifier: MIT
/* Built only while vmm/virtio/net/virtio_net.c does not exist (see vmm/module.mk). */
#include <errno.h>

#include "common/log.h"
#include "vmm/virtio/net/net.h"

int net_devices_attach(struct vm *vm, struct pci_bus *pci, struct net_spec *specs, int n,
		       struct err *e)
{
	(void)vm;
	(void)specs;
	if (n <= 0)
		return 0;
	log_error("vmm", "--net given but this podvmm was built without virtio-net",
		  "{s:i}", "devices", n);
	return -ENOSYS;
}
