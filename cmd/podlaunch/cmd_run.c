// SPDX-License-Identifier: MIT
/*
 * podlaunch run: setup (or resume from the cache), start the DHCP server as
 * a child, drop every capability, set no_new_privs and exec the VMM with
 * the tap fds.  After the exec the VMM is the DHCP child's parent, so the
 * child's PR_SET_PDEATHSIG ties its life to the VMM's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <libgen.h>
#include <linux/close_range.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/podlaunch/commands.h"
#include "cmd/podlaunch/opts_common.h"
#include "common/caps.h"
#include "common/log.h"
#include "common/mac.h"
#include "common/util.h"

#define DHCP_READY_TIMEOUT_MS 5000

static int fail(const char *step, const char *msg, int err)
{
	log_error("run", msg, "{s:s, s:s}", "step", step, "error", strerror(err));
	return 1;
}

/* "podvmm" next to /proc/self/exe unless --vmm says otherwise. */
static int vmm_path(const struct ns_opts *o, char *out, size_t len)
{
	char self[4096];
	ssize_t n;

	if (o->vmm) {
		snprintf(out, len, "%s", o->vmm);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	if ((size_t)snprintf(out, len, "%s/podvmm", dirname(self)) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int dhcp_start(const struct ns_opts *o, const char *iface)
{
	const char *args[16 + NS_MAX_DHCP_ARGS];
	char fdbuf[16];
	int pfd[2], n = 0, status;
	pid_t parent = getpid(), pid;
	struct pollfd p;
	char byte;

	if (pipe2(pfd, O_CLOEXEC))
		return fail("dhcp_start", "cannot create the readiness pipe", errno);
	pid = fork();
	if (pid < 0)
		return fail("dhcp_start", "cannot fork the DHCP server", errno);
	if (pid == 0) {
		/* The child: its own flags first, then run's --dhcp-* flags verbatim. */
		int wfd = dup(pfd[1]); /* without O_CLOEXEC: it crosses the exec */

		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent || wfd < 0)
			_exit(1);
		snprintf(fdbuf, sizeof(fdbuf), "%d", wfd);
		args[n++] = "podlaunch";
		args[n++] = "dhcp";
		args[n++] = "--state-dir";
		args[n++] = o->state_dir;
		args[n++] = "--iface";
		args[n++] = iface;
		args[n++] = "--resolv-conf";
		args[n++] = o->resolv_conf;
		args[n++] = "--ready-fd";
		args[n++] = fdbuf;
		for (int i = 0; i < o->n_dhcp_args; i++)
			args[n++] = o->dhcp_args[i];
		args[n] = NULL;
		execv("/proc/self/exe", (char **)args);
		_exit(127);
	}
	close(pfd[1]);
	p = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	n = poll(&p, 1, DHCP_READY_TIMEOUT_MS);
	if (n == 1 && read(pfd[0], &byte, 1) == 1) {
		close(pfd[0]);
		log_info("run", "DHCP server ready", "{s:i}", "pid", (int)pid);
		return 0;
	}
	close(pfd[0]);
	if (n == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		log_error("run", "DHCP server not ready in time; killed it", "{s:s, s:i, s:i}",
			  "step", "dhcp_start", "pid", (int)pid, "timeout_ms",
			  DHCP_READY_TIMEOUT_MS);
		return 1;
	}
	waitpid(pid, &status, 0);
	log_error("run", "DHCP server exited before it was ready", "{s:s, s:i, s:i, s:i}", "step",
		  "dhcp_start", "pid", (int)pid, "exit_status",
		  WIFEXITED(status) ? WEXITSTATUS(status) : -1, "signal",
		  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return 1;
}

/*
 * Whatever fds the container runtime or a shell left open must not reach
 * the VMM or the DHCP server: mark them all close-on-exec up front.
 */
static void inherited_fds_cloexec(void)
{
	DIR *d;
	struct dirent *de;

	if (!syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC))
		return;
	d = opendir("/proc/self/fd"); /* kernels before 5.11 */
	while (d && (de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (fd > 2 && fd != dirfd(d))
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	if (d)
		closedir(d);
}

static bool pod_has_global_v6(const struct ns_pod *pod)
{
	for (int i = 0; i < pod->n_addrs; i++)
		if (pod->addrs[i].family == AF_INET6 && pod->addrs[i].scope == RT_SCOPE_UNIVERSE)
			return true;
	return false;
}

/* What podvmm --user needs to become that user; nothing after. */
static const cap_value_t vmm_user_caps[] = { CAP_SETUID, CAP_SETGID };
#define NR_VMM_USER_CAPS ((int)(ARRAY_SIZE(vmm_user_caps)))

int cmd_run(int argc, char **argv)
{
	struct ns_opts o;
	struct ns_state *st;
	const struct ns_binding *b;
	struct err e = { 0 };
	char path[4096], vmm[4096], net[64 + NET_QUEUE_PAIRS_MAX * 12], mac[MAC_STR_SIZE], user[24];
	int fds[NET_QUEUE_PAIRS_MAX], ret, off, n, lock = -1;
	char **vargv;

	ret = podlaunch_opts(NS_CMD_RUN, argc, argv, &o);
	if (ret >= 0)
		return ret;
	inherited_fds_cloexec();
	ret = vmm_path(&o, vmm, sizeof(vmm));
	if (ret)
		return fail("vmm", "cannot locate the VMM", -ret);
	if (access(vmm, X_OK)) {
		log_error("run", "VMM not executable", "{s:s, s:s, s:s}", "step", "vmm", "path",
			  vmm, "error", strerror(errno));
		return 1;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return 1;
	/* The cache lock stays held (close-on-exec) until the VMM replaces us. */
	if (ns_setup(&o, st, path, sizeof(path), &lock, &e))
		return podlaunch_binding_failed("setup failed", &o, path, &e);
	b = &st->binding;
	if (o.queues != b->queues || (o.mtu && o.mtu != b->mtu))
		log_warn("run", "flags differ from the cached binding; the cache wins",
			 "{s:s, s:i, s:i}", "file", path, "queues", b->queues, "mtu", b->mtu);

	/*
	 * l2_only: neither IPv4 nor a global IPv6 address to hand out (a
	 * cache written before IPv6 serving said l2_only for IPv6-only
	 * pods: the DHCP server reads the addresses itself and says so).
	 */
	if (b->l2_only && !pod_has_global_v6(&st->pod))
		log_info("run",
			 "L2-only binding (no IPv4 and no global IPv6 on the pod interface): "
			 "no DHCP server",
			 NULL);
	else if (o.no_dhcp)
		log_info("run", "DHCP server disabled by --no-dhcp", NULL);
	else if (dhcp_start(&o, st->pod.iface))
		return 1;

	ret = ns_tap_open(b->tap, b->queues, fds);
	if (ret) {
		log_error("run", "cannot open the tap", "{s:s, s:s, s:s}", "step", "tap_open",
			  "tap", b->tap, "error", strerror(-ret));
		return 1;
	}
	mac_format(b->guest_mac, mac);
	off = snprintf(net, sizeof(net), "fd=");
	for (int i = 0; i < b->queues; i++)
		off += snprintf(net + off, sizeof(net) - off, "%s%d", i ? ":" : "", fds[i]);
	off += snprintf(net + off, sizeof(net) - off, ",mac=%s,mtu=%d", mac, b->mtu);
	if (o.vhost)
		snprintf(net + off, sizeof(net) - off, ",vhost=%s", o.vhost);

	vargv = calloc(o.vmm_argc + 6, sizeof(*vargv));
	if (!vargv)
		return 1;
	n = 0;
	vargv[n++] = vmm;
	vargv[n++] = "--net";
	vargv[n++] = net;
	if (o.has_vmm_user) {
		snprintf(user, sizeof(user), "%u:%u", (unsigned int)o.vmm_uid,
			 (unsigned int)o.vmm_gid);
		vargv[n++] = "--user";
		vargv[n++] = user;
	}
	for (int i = 0; i < o.vmm_argc; i++)
		vargv[n++] = o.vmm_argv[i];

	/* Only the tap fds cross the exec. */
	for (int i = 0; i < b->queues; i++)
		if (fcntl(fds[i], F_SETFD, 0))
			return fail("tap_open", "cannot clear FD_CLOEXEC on the tap", errno);
	/*
	 * The VMM gets nothing, or with --vmm-user just what its switch to
	 * that user takes; the switch itself clears them.  Inheritable (and
	 * ambient) is how they cross the exec: for a root caller the kernel
	 * grants inheritable & the file's (all), the bounding set being empty.
	 */
	if (o.has_vmm_user)
		ret = caps_keep(vmm_user_caps, NR_VMM_USER_CAPS, true);
	else
		ret = caps_drop_all();
	if (ret)
		return fail("drop_caps", "cannot drop capabilities", -ret);
	ret = no_new_privs_set();
	if (ret)
		return fail("no_new_privs", "cannot set no_new_privs", -ret);
	log_info("run", "exec VMM", "{s:s, s:s}", "vmm", vmm, "net", net);
	execv(vmm, vargv);
	return fail("exec_vmm", "cannot exec the VMM", errno);
}
