// SPDX-License-Identifier: MIT
/* Tap helpers against real taps in a private network namespace (root). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>
#include <cmocka.h>

#include "vmm/virtio/net/tap.h"

/* A persistent tap with these flags, as `ip tuntap add` would make. */
static void mk(const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = (short)flags };
	int fd = open("/dev/net/tun", O_RDWR);

	assert_true(fd >= 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
	assert_int_equal(ioctl(fd, TUNSETPERSIST, 1), 0);
	close(fd);
}

static void t_missing(void **s)
{
	int fd;

	assert_int_equal(tap_open("nosuchtap0", 1, &fd), -ENODEV);
	assert_int_equal(if_nametoindex("nosuchtap0"), 0); /* not created */
}

static void t_open_single(void **s)
{
	char name[16];
	int fd;

	mk("ptap0", IFF_TAP | IFF_NO_PI | IFF_VNET_HDR);
	assert_int_equal(tap_open("ptap0", 1, &fd), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(tap_check_fd(fd, false, name), 0);
	assert_string_equal(name, "ptap0");
	assert_int_equal(tap_check_fd(fd, true, NULL), -EINVAL); /* not multi-queue */
	assert_int_equal(tap_set_vnet_hdr_len(fd, 12), 0);
	assert_int_equal(tap_set_offload(fd, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6), 0);
	assert_int_equal(tap_set_offload(fd, 0), 0);
	close(fd);
	/* Two queues of a single-queue tap: the kernel refuses. */
	int fds[2];
	assert_int_equal(tap_open("ptap0", 2, fds), -EINVAL);
}

static void t_open_multi(void **s)
{
	int fds[2];

	mk("ptapmq0", IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE);
	assert_int_equal(tap_open("ptapmq0", 2, fds), 0);
	assert_int_equal(tap_check_fd(fds[0], true, NULL), 0);
	assert_int_equal(tap_check_fd(fds[1], true, NULL), 0);
	close(fds[0]);
	close(fds[1]);
	/* One queue of a multi-queue tap: flags differ, refused. */
	assert_int_equal(tap_open("ptapmq0", 1, fds), -EINVAL);
}

static void t_not_tap(void **s)
{
	int fd = open("/dev/null", O_RDWR);

	assert_int_equal(tap_check_fd(fd, false, NULL), -ENOTTY);
	close(fd);
	mk("ptun0", IFF_TUN | IFF_NO_PI);
	assert_int_equal(tap_open("ptun0", 1, &fd), -EINVAL); /* a tun, not a tap */
}

static void t_fd_without_vnet_hdr(void **s)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR);

	strcpy(ifr.ifr_name, "ptapnv0");
	assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
	/* What a caller passing fd= without IFF_VNET_HDR would hand over. */
	assert_int_equal(tap_check_fd(fd, false, NULL), -EINVAL);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_missing),
		cmocka_unit_test(t_open_single),
		cmocka_unit_test(t_open_multi),
		cmocka_unit_test(t_not_tap),
		cmocka_unit_test(t_fd_without_vnet_hdr),
	};

	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK)) {
		printf("SKIP: needs root and /dev/net/tun\n");
		return 77;
	}
	/* Everything happens in a namespace of our own, gone at exit. */
	if (unshare(CLONE_NEWNET)) {
		printf("SKIP: cannot create a network namespace: %s\n", strerror(errno));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
