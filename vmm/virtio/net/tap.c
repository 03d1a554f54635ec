// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "vmm/virtio/net/tap.h"

#define TAP_FLAGS (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)

int tap_open(const char *name, int nfds, int *fds)
{
	struct ifreq ifr;
	int i, fd, err;

	if (nfds < 1 || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	/* Attach only: TUNSETIFF would quietly create a missing tap. */
	if (!if_nametoindex(name))
		return -ENODEV;
	for (i = 0; i < nfds; i++) {
		fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			goto fail;
		}
		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
		ifr.ifr_flags = TAP_FLAGS | (nfds > 1 ? IFF_MULTI_QUEUE : 0);
		if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
			err = -errno;
			close(fd);
			goto fail;
		}
		fds[i] = fd;
	}
	return 0;
fail:
	while (i-- > 0)
		close(fds[i]);
	return err;
}

int tap_check_fd(int fd, bool mq, char ifname[16])
{
	struct ifreq ifr;
	int fl;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return errno == EBADF ? -EBADF : -ENOTTY;
	if ((ifr.ifr_flags & TAP_FLAGS) != TAP_FLAGS || (ifr.ifr_flags & IFF_TUN))
		return -EINVAL;
	if (mq && !(ifr.ifr_flags & IFF_MULTI_QUEUE))
		return -EINVAL;
	if (ifname) {
		memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
		ifname[IFNAMSIZ - 1] = 0;
	}
	/* The I/O threads rely on non-blocking reads. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int tap_set_vnet_hdr_len(int fd, int len)
{
	return ioctl(fd, TUNSETVNETHDRSZ, &len) < 0 ? -errno : 0;
}

int tap_set_offload(int fd, unsigned int tun_flags)
{
	return ioctl(fd, TUNSETOFFLOAD, tun_flags) < 0 ? -errno : 0;
}
