// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "dhcp/sock.h"

int dhcp_sock_ifindex(const char *bridge, struct err *e)
{
	int ifindex = (int)if_nametoindex(bridge);

	if (!ifindex)
		return err_sys(e, errno, "if_nametoindex %s", bridge);
	return ifindex;
}

int dhcp_sock_udp(int family, const char *bridge, struct err *e)
{
	const char *what = family == AF_INET6 ? "udp6" : "udp";
	int one = 1, fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), code;

	if (fd < 0)
		return err_sys(e, errno, "%s socket", what);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bridge, (socklen_t)strlen(bridge)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		code = errno;
		close(fd);
		return err_sys(e, code, "%s SO_BINDTODEVICE/SO_REUSEADDR", what);
	}
	return fd;
}

int dhcp_sock_bridge_mac(int fd, const char *bridge, uint8_t mac[6], struct err *e)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return err_sys(e, errno, "SIOCGIFHWADDR %s", bridge);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

void dhcp_sock_deep_queue(int fd)
{
	int rcvbuf = 4 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
}
