// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "netsetup/netsetup.h"
#include "netsetup/nl.h"

static int tap_attach(const char *name, int queues, int *fd_out)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	/* IFF_VNET_HDR: virtio-net headers carry offload metadata (virtio 1.1 5.1.6). */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (queues > 1 ? IFF_MULTI_QUEUE : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	*fd_out = fd;
	return 0;
}

int ns_tap_create(const char *name, int queues, bool has_owner, uid_t uid, gid_t gid)
{
	int fd, ret;

	ret = tap_attach(name, queues, &fd);
	if (ret)
		return ret;
	if ((has_owner && ioctl(fd, TUNSETOWNER, (unsigned long)uid) < 0) ||
	    (has_owner && gid != (gid_t)-1 && ioctl(fd, TUNSETGROUP, (unsigned long)gid) < 0) ||
	    ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int ns_tap_open(const char *name, int queues, int *fds)
{
	for (int i = 0; i < queues; i++) {
		int ret = tap_attach(name, queues, &fds[i]);

		if (ret) {
			while (i--)
				close(fds[i]);
			return ret;
		}
	}
	return 0;
}

int ns_tap_destroy(const char *name)
{
	struct nl_sock *sk;
	struct nsnl_link l;
	int fd, ret;

	ret = nsnl_open(&sk);
	if (ret)
		return ret;
	ret = nsnl_link_get(sk, 0, name, &l);
	if (!ret && strcmp(l.kind, "tun"))
		ret = -ENODEV; /* not ours */
	if (!ret)
		ret = nsnl_link_del(sk, l.ifindex);
	nsnl_close(sk);
	if (ret != -EOPNOTSUPP)
		return ret;
	/* Kernels without tun dellink: dropping persistence frees it on close. */
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	{
		struct ifreq ifr = { 0 };

		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
		ret = ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 0UL) < 0 ? -errno :
											    0;
	}
	close(fd);
	return ret;
}
