// SPDX-License-Identifier: MIT
/* podvmm: boots a Linux kernel (or the test guest) on KVM.  See cli.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd/podvmm/cli.h"
#include "cmd/podvmm/console.h"
#include "common/caps.h"
#include "common/err.h"
#include "common/log.h"
#include "common/user.h"
#include "common/util.h"
#include "vmm/hw/pc_devices.h"
#include "vmm/virtio/net/net.h"
#include "vmm/seccomp/seccomp.h"
#include "vmm/hw/pc_boot.h"
#include "vmm/kvm/vm_core.h"

struct mapped_file {
	uint8_t *data;
	size_t len;
};

static int file_map(const char *path, struct mapped_file *f)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	f->data = NULL;
	f->len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		int e = errno;

		close(fd);
		return S_ISREG(st.st_mode) || e == 0 ? -ENODATA : -e;
	}
	f->data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f->data == MAP_FAILED) {
		f->data = NULL;
		return -errno;
	}
	f->len = st.st_size;
	return 0;
}

/* Idempotent: run() unmaps the files once they are in guest memory and
 * again on its way out.  A second munmap of the same range would unmap
 * whatever the address space has put there since (a LeakSanitizer thread
 * registry page, a later thread's allocation), so the mapping is
 * forgotten here. */
static void file_unmap(struct mapped_file *f)
{
	if (f->data)
		munmap(f->data, f->len);
	f->data = NULL;
	f->len = 0;
}

struct loop {
	struct vm *vm;
	struct pc_devices *dev;
	int epfd, sigfd, timerfd, cad_timerfd, rx_efd, in_fd;
	bool in_polled;
	unsigned int timeout;
	enum shutdown_kind shutdown;
	bool stop_sent;
};

static void loop_stdin(struct loop *l, bool want)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = l->in_fd };

	if (l->in_fd < 0 || want == l->in_polled)
		return;
	if (epoll_ctl(l->epfd, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, l->in_fd, &ev) < 0) {
		/* A regular file or /dev/null cannot be polled: no input then. */
		l->in_fd = -1;
		return;
	}
	l->in_polled = want;
}

static void stdin_read(struct loop *l)
{
	uint8_t buf[SERIAL_FIFO];
	size_t space = serial_rx_space(&l->dev->com1);
	ssize_t n;

	if (!space) {
		loop_stdin(l, false); /* resume when the guest drains the FIFO */
		return;
	}
	n = read(l->in_fd, buf, space < sizeof(buf) ? space : sizeof(buf));
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		loop_stdin(l, false); /* EOF: the guest just gets no more input */
		l->in_fd = -1;
		return;
	}
	serial_rx_push(&l->dev->com1, buf, (size_t)n);
}

static void send_cad(struct loop *l, const char *why)
{
	log_info("podvmm", "signal: sending Ctrl-Alt-Del to the guest", "{s:s}", "why", why);
	if (i8042_ctrl_alt_del(&l->dev->kbd))
		log_warn("podvmm", "keyboard queue full, Ctrl-Alt-Del not delivered", NULL);
}

static void timer_arm(int fd, unsigned int sec, long nsec)
{
	struct itimerspec it = { .it_value.tv_sec = sec, .it_value.tv_nsec = nsec };

	if (!sec && !nsec)
		it.it_value.tv_nsec = 1; /* 0 would disarm the timer */
	timerfd_settime(fd, 0, &it, NULL);
}

/*
 * SIGTERM/SIGINT: ask the guest to stop, as --shutdown says.  `both`
 * presses the ACPI power button and, where no ACPI OS enabled PWRBTN_EN
 * (a kernel without the button driver, a busybox /init), types
 * Ctrl-Alt-Del at once; where one did, Ctrl-Alt-Del follows at half the
 * timeout if the guest is still there (a button nobody acts on: no
 * logind, no acpid).  The button first, because systemd maps it to
 * poweroff and Ctrl-Alt-Del to reboot (ctrl-alt-del.target), and podvmm
 * exits 0 for either.
 */
static void on_signal(struct loop *l)
{
	struct signalfd_siginfo si;
	bool listening = false;

	if (read(l->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (l->shutdown != SHUTDOWN_CAD) {
		listening = pc_power_button(l->dev);
		log_info("podvmm", "signal: pressing the ACPI power button", "{s:i, s:i, s:b}",
			 "signal", (int)si.ssi_signo, "shutdown_timeout", (int)l->timeout,
			 "guest_listens", listening);
	}
	if (l->shutdown == SHUTDOWN_CAD)
		send_cad(l, "--shutdown ctrl-alt-del");
	else if (l->shutdown == SHUTDOWN_BOTH && !listening)
		send_cad(l, "the guest did not enable the ACPI power button");
	else if (l->shutdown == SHUTDOWN_BOTH && !l->stop_sent)
		timer_arm(l->cad_timerfd, l->timeout / 2, (l->timeout % 2) * 500000000L);
	if (!l->stop_sent) {
		l->stop_sent = true;
		timer_arm(l->timerfd, l->timeout, 0);
	}
}

/*
 * One line that says how the guest ended, so a log reader (and a test)
 * tells a clean stop from a crash without parsing free text: "stop" is
 * power-off, reset (i8042 or a KVM reset event, e.g. reboot=k or panic=-1),
 * triple-fault, forced (SIGTERM and the shutdown timeout ran out) or error.
 */
static void log_stopped(struct loop *l, bool forced, int status)
{
	const char *why = forced ? "shutdown timeout" : vm_exit_reason(l->vm), *stop;

	if (forced)
		stop = "forced";
	else if (vm_exit_kind(l->vm) == VM_EXIT_POWEROFF)
		stop = "power-off";
	else if (vm_exit_kind(l->vm) == VM_EXIT_RESET)
		stop = strcmp(why, "triple fault") ? "reset" : "triple-fault";
	else
		stop = "error";
	log_info("podvmm", "guest stopped", "{s:s, s:s, s:b, s:i}", "stop", stop, "reason", why,
		 "after_sigterm", l->stop_sent, "exit_code", status);
}

/* Returns podvmm's exit status. */
static int event_loop(struct loop *l)
{
	struct epoll_event ev[4];
	uint64_t v;

	for (;;) {
		int n = epoll_wait(l->epfd, ev, 4, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("podvmm", "epoll_wait failed", "{s:s}", "error", strerror(errno));
			return PODVMM_EXIT_FAILURE;
		}
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;

			if (fd == vm_exit_fd(l->vm)) {
				int status = vm_exit_kind(l->vm) == VM_EXIT_ERROR ?
						     PODVMM_EXIT_FAILURE :
						     PODVMM_EXIT_OK;

				log_stopped(l, false, status);
				return status;
			}
			if (fd == l->sigfd) {
				on_signal(l);
			} else if (fd == l->cad_timerfd) {
				if (read(l->cad_timerfd, &v, sizeof(v)) < 0)
					continue;
				send_cad(l, "the guest did not act on the power button");
			} else if (fd == l->timerfd) {
				log_error("podvmm", "guest did not shut down in time, forcing stop",
					  "{s:i, s:i}", "shutdown_timeout", (int)l->timeout,
					  "exit_code", PODVMM_EXIT_FORCED);
				vm_dump_on_stop(l->vm);
				log_stopped(l, true, PODVMM_EXIT_FORCED);
				return PODVMM_EXIT_FORCED;
			} else if (fd == l->rx_efd) {
				if (read(l->rx_efd, &v, sizeof(v)) < 0)
					continue;
				loop_stdin(l, true);
			} else if (fd == l->in_fd) {
				stdin_read(l);
			}
		}
	}
}

static int epoll_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* What --user needs until the switch. */
static const cap_value_t user_switch_caps[] = { CAP_SETUID, CAP_SETGID };
#define NR_USER_SWITCH_CAPS ((int)(ARRAY_SIZE(user_switch_caps)))

/*
 * Everything podvmm opens is open by now (/dev/kvm, the taps, vhost-net,
 * the kernel and initrd, the console), so nothing later needs a privilege:
 * none is kept, whoever started us, and with --user not even root's uid
 * (root without capabilities still owns root's files).
 */
static int privileges_drop(const struct podvmm_opts *o, struct err *e)
{
	int ret;

	if (o->has_user) {
		/* The bounding set goes while CAP_SETPCAP may still be held;
		 * the two kept stay permitted until the switch clears them. */
		if ((ret = caps_keep(user_switch_caps, NR_USER_SWITCH_CAPS, false)))
			return err_at(e, "keep_setid_caps", ret);
		if ((ret = user_switch(o->uid, o->gid)))
			return err_at(e, "switch_user", ret);
	}
	if ((ret = caps_drop_all()))
		return err_at(e, "drop_caps", ret);
	if ((ret = no_new_privs_set()))
		return err_at(e, "no_new_privs", ret);
	log_info("podvmm", "privileges dropped", "{s:I, s:I}", "uid", (json_int_t)getuid(), "gid",
		 (json_int_t)getgid());
	return 0;
}

static int run(const struct podvmm_opts *o)
{
	static struct pc_devices dev; /* large; and devices outlive no one */
	struct vm vm = { .priv = NULL };
	struct vm_config cfg = {
		.mem_size = o->memory_mib << 20,
		.nr_cpus = o->cpus,
		.hugepages = o->hugepages,
	};
	struct mapped_file kernel = { 0 }, initrd = { 0 };
	struct console con;
	struct loop l = { .vm = &vm,
			  .dev = &dev,
			  .timeout = o->shutdown_timeout,
			  .shutdown = o->shutdown,
			  .epfd = -1,
			  .sigfd = -1,
			  .timerfd = -1,
			  .cad_timerfd = -1,
			  .rx_efd = -1 };
	struct err e = { 0 };
	sigset_t sigs;
	int ret, status = PODVMM_EXIT_FAILURE;

	pc_vm_config(&cfg, &o->cpu_template);
	/* Now, while /proc/self/fd is still ours (before --user, seccomp). */
	log_open_nonblocking();

	if ((ret = file_map(o->kernel, &kernel))) {
		log_error("podvmm", "cannot read the kernel", "{s:s, s:s}", "path", o->kernel,
			  "error",
			  ret == -ENODATA ? "not a non-empty regular file" : strerror(-ret));
		return PODVMM_EXIT_FAILURE;
	}
	if (o->initrd && (ret = file_map(o->initrd, &initrd))) {
		log_error("podvmm", "cannot read the initrd", "{s:s, s:s}", "path", o->initrd,
			  "error",
			  ret == -ENODATA ? "not a non-empty regular file" : strerror(-ret));
		goto out;
	}
	if ((ret = console_open(&con, o->console, o->console_path))) {
		log_error("podvmm", "cannot open the console", "{s:s}", "error", strerror(-ret));
		goto out;
	}
	/* Signals are taken through a signalfd by this thread only; the vCPU
	 * threads inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	l.rx_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	l.sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	l.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	l.cad_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	l.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l.rx_efd < 0 || l.sigfd < 0 || l.timerfd < 0 || l.cad_timerfd < 0 || l.epfd < 0) {
		log_error("podvmm", "event setup failed", "{s:s}", "error", strerror(errno));
		goto out;
	}
	if ((ret = vm_create(&vm, &cfg, &e))) {
		err_log("podvmm", "VM creation failed", &e, NULL);
		goto out;
	}
	if ((ret = pc_devices_attach(&dev, &vm, con.out_fd, l.rx_efd, &e))) {
		err_log("podvmm", "device setup failed", &e, NULL);
		goto out;
	}
	if (o->nr_nets &&
	    (ret = net_devices_attach(&vm, &dev.pci, (struct net_spec *)o->nets, o->nr_nets, &e))) {
		err_log("podvmm", "network device setup failed", &e, NULL);
		goto out;
	}
	{
		struct boot_files bf = {
			.kernel = kernel.data,
			.kernel_len = kernel.len,
			.initrd = initrd.data,
			.initrd_len = initrd.len,
			.cmdline = o->cmdline,
			.mode = o->boot,
		};

		if ((ret = pc_boot_setup(&vm, &dev.pci, &bf, &e))) {
			err_log("podvmm", "cannot boot this kernel", &e, "{s:s}", "kernel",
				o->kernel);
			goto out;
		}
	}
	/* The files are in guest memory now. */
	file_unmap(&kernel);
	file_unmap(&initrd);
	l.in_fd = con.in_fd;
	if (epoll_add(l.epfd, vm_exit_fd(&vm)) || epoll_add(l.epfd, l.sigfd) ||
	    epoll_add(l.epfd, l.timerfd) || epoll_add(l.epfd, l.cad_timerfd) ||
	    epoll_add(l.epfd, l.rx_efd)) {
		log_error("podvmm", "epoll setup failed", "{s:s}", "error", strerror(errno));
		goto out;
	}
	loop_stdin(&l, true);
	if ((ret = privileges_drop(o, &e))) {
		err_log("podvmm", "cannot drop privileges", &e, "{s:s}", "hint",
			ret == -EPERM && o->has_user ?
				"--user needs CAP_SETUID and CAP_SETGID (podlaunch run --vmm-user grants them)" :
				"");
		goto out;
	}
	if ((ret = seccomp_filters_prepare(o->seccomp))) {
		log_error("podvmm", "cannot build the seccomp filters", "{s:s}", "error",
			  strerror(-ret));
		goto out;
	}
	seccomp_gate_arm();
	if (o->seccomp == SECCOMP_ACTION_OFF)
		log_warn("podvmm",
			 "SECCOMP IS OFF: every syscall is open to a guest that "
			 "escapes into podvmm; --seccomp=off is for debugging only",
			 NULL);
	if ((ret = vm_start(&vm))) {
		log_error("podvmm", "cannot start vCPU threads", "{s:s}", "error", strerror(-ret));
		goto out;
	}
	/* The vCPU threads installed theirs and wait for this one before
	 * their first KVM_RUN. */
	if ((ret = seccomp_thread_enter(SECCOMP_MAIN))) {
		log_error("podvmm", "cannot install the seccomp filter", "{s:s, s:s}", "thread",
			  "main", "error", strerror(-ret));
		goto out;
	}
	log_info("podvmm", "guest started", "{s:s, s:i, s:I}", "kernel", o->kernel, "cpus", o->cpus,
		 "memory_mib", (json_int_t)o->memory_mib);
	status = event_loop(&l);
out:
	vm_destroy(&vm);
	file_unmap(&kernel);
	file_unmap(&initrd);
	console_restore();
	return status;
}

int main(int argc, char **argv)
{
	struct podvmm_opts o;
	struct err e = { 0 };

	if (cli_parse(argc, argv, &o, &e)) {
		err_log("podvmm", "bad flag", &e, NULL);
		fputs(cli_usage, stderr);
		return PODVMM_EXIT_USAGE;
	}
	if (o.help) {
		fputs(cli_usage, stdout);
		return 0;
	}
	return run(&o);
}
