// SPDX-License-Identifier: MIT
/*
 * podlaunch dhcp: the DHCPv4 server that hands the VM its pod identity,
 * configured from the netsetup state cache.  Runs in the foreground, or as
 * the child `podlaunch run` starts before it becomes the VMM.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <jansson.h>

#include "cmd/podlaunch/commands.h"
#include "common/num.h"
#include "common/caps.h"
#include "common/log.h"
#include "dhcp/config.h"
#include "dhcp/io.h"
#include "dhcp/server.h"

struct dhcp_args {
	const char *iface;
	const char *state_dir;
	const char *resolv_conf;
	uint32_t lease_time;
	struct dhcp_extra extra[DHCP_MAX_EXTRA];
	size_t nextra;
	int ready_fd;
	char path[PATH_MAX];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: podlaunch dhcp [--iface IFACE] [--state-dir DIR] [--resolv-conf PATH]\n"
		"                      [--lease-time SECONDS|infinite] [--dhcp-option CODE:HEX]...\n"
		"                      [--ready-fd N] [--help]\n"
		"\n"
		"Serve DHCPv4 to the VM on the bridge recorded in DIR/IFACE.json\n"
		"(defaults: eth0, /var/run/podlaunch).\n"
		"  --resolv-conf PATH   take nameservers and search domains from PATH\n"
		"  --lease-time T       lease length in seconds, or infinite (default)\n"
		"  --dhcp-option C:HEX  send option C (1-254) with value HEX; repeatable, one per\n"
		"                       code; replaces the server's own value for that code\n"
		"                       (51 = --lease-time; 50, 52-55, 57, 61 refused)\n"
		"  --ready-fd N         write one byte to fd N once serving, then close it\n");
}

static int parse_args(struct dhcp_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "resolv-conf", required_argument, NULL, 'r' },
		{ "lease-time", required_argument, NULL, 'l' },
		{ "dhcp-option", required_argument, NULL, 'o' },
		{ "ready-fd", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool lease_given = false;
	const char *why;
	int c;

	*a = (struct dhcp_args){
		.iface = "eth0", .state_dir = "/var/run/podlaunch",
		.lease_time = DHCP_LEASE_INFINITE, .ready_fd = -1,
	};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		unsigned long long v;

		switch (c) {
		case 'i':
			if (!*optarg || strlen(optarg) >= IF_NAMESIZE || strchr(optarg, '/')) {
				fprintf(stderr, "podlaunch dhcp: --iface: invalid interface name\n");
				return 2;
			}
			a->iface = optarg;
			break;
		case 's': a->state_dir = optarg; break;
		case 'r': a->resolv_conf = optarg; break;
		case 'l':
			if (dhcp_parse_lease_time(optarg, &a->lease_time)) {
				fprintf(stderr, "podlaunch dhcp: --lease-time: want 10..4294967294 or infinite\n");
				return 2;
			}
			lease_given = true;
			break;
		case 'o': {
			struct dhcp_extra *e = &a->extra[a->nextra];
			size_t len;
			int r;

			if (a->nextra >= DHCP_MAX_EXTRA) {
				fprintf(stderr, "podlaunch dhcp: --dhcp-option: at most %d of them\n",
					DHCP_MAX_EXTRA);
				return 2;
			}
			r = dhcp_parse_option_arg(optarg, &e->code, e->data, sizeof(e->data), &len);
			if (r == -EPERM) {
				fprintf(stderr, "podlaunch dhcp: --dhcp-option %s: code %d cannot be set: %s\n",
					optarg, e->code, dhcp_option_refused(e->code));
				return 2;
			}
			if (r) {
				fprintf(stderr, "podlaunch dhcp: --dhcp-option %s: want CODE:HEX with CODE "
					"1-254 and at most %d octets\n", optarg, DHCP_EXTRA_MAX_LEN);
				return 2;
			}
			e->len = (uint16_t)len;
			a->nextra++;
			break;
		}
		case 'f':
			if (num_parse(optarg, 3, INT_MAX, &v)) {
				fprintf(stderr, "podlaunch dhcp: --ready-fd: want a descriptor number >= 3\n");
				return 2;
			}
			a->ready_fd = (int)v;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			fprintf(stderr, "podlaunch dhcp: unknown or incomplete flag '%s'\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "podlaunch dhcp: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (dhcp_extra_check(a->extra, &a->nextra, &a->lease_time, lease_given, &why)) {
		fprintf(stderr, "podlaunch dhcp: --dhcp-option: %s\n", why);
		return 2;
	}
	snprintf(a->path, sizeof(a->path), "%s/%s.json", a->state_dir, a->iface);
	return 0;
}

static int load(const struct dhcp_args *a, struct dhcp_config *cfg)
{
	struct err e = { 0 };
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = dhcp_config_load(cfg, a->path, &e);
	if (ret) {
		err_log("dhcp", "cannot load the state cache", &e, "{s:s}", "path", a->path);
		return ret;
	}
	if (a->resolv_conf && (ret = dhcp_config_load_resolv(cfg, a->resolv_conf))) {
		log_error("dhcp", "cannot read resolv.conf", "{s:s, s:s}",
			  "path", a->resolv_conf, "error", strerror(-ret));
		return ret;
	}
	cfg->lease_time = a->lease_time;
	memcpy(cfg->extra, a->extra, sizeof(a->extra));
	cfg->nextra = a->nextra;
	return 0;
}

static void log_config(const struct dhcp_config *cfg)
{
	char addr[INET_ADDRSTRLEN], sid[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &cfg->addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &cfg->server_id, sid, sizeof(sid));
	inet_ntop(AF_INET, &cfg->router, gw, sizeof(gw));
	log_info("dhcp", "configuration loaded",
		 "{s:s, s:s, s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:i}",
		 "bridge", cfg->bridge, "addr", addr, "prefix", cfg->prefix, "gateway", gw,
		 "server_id", sid, "routes", (int)cfg->nroutes, "nameservers", (int)cfg->ndns,
		 "search", (int)cfg->nsearch, "mtu", cfg->mtu, "extra_options", (int)cfg->nextra);
}

/* Rate-limited drop summary: one line per interval at most, only on change. */
static void log_drops(const struct dhcp_server *s, uint64_t *last_total, uint64_t *last)
{
	uint64_t total = 0;
	json_t *d = json_object();

	for (int i = 1; i < DHCP_DROP__MAX; i++) {
		total += s->cnt.dropped[i];
		if (s->cnt.dropped[i] != last[i])
			json_object_set_new(d, dhcp_drop_name(i),
					    json_integer((json_int_t)(s->cnt.dropped[i] - last[i])));
		last[i] = s->cnt.dropped[i];
	}
	if (total != *last_total)
		log_warn("dhcp", "packets dropped since the last summary", "{s:o}", "dropped", d);
	else
		json_decref(d);
	*last_total = total;
}

/* Everything the serving loop works on. */
struct dhcp_daemon {
	struct dhcp_args args;
	struct dhcp_config cfg;
	struct dhcp_server srv;
	struct dhcp_reply reply;
	struct dhcp_io io;
	uint8_t buf[DHCP_MAX_MSG + 1];
	char bridge0[IF_NAMESIZE];	/* the bridge the sockets are bound to */
	pid_t parent;
	int sfd;
	uint64_t last_drop[DHCP_DROP__MAX], last_total;
	time_t last_summary;
};

/* SIGHUP: a bad cache keeps the last good configuration. */
static void reload(struct dhcp_daemon *d)
{
	static struct dhcp_config prev;

	prev = d->srv.cfg;
	if (load(&d->args, &d->cfg) == 0 && !d->cfg.l2_only &&
	    dhcp_server_configure(&d->srv, &d->cfg) == 0) {
		if (strcmp(d->cfg.bridge, d->bridge0))
			log_warn("dhcp", "bridge change needs a restart: still serving the old one",
				 "{s:s}", "bridge", d->bridge0);
		log_config(&d->srv.cfg);
		return;
	}
	log_error("dhcp", "reload failed: keeping the previous configuration", NULL);
	dhcp_server_configure(&d->srv, &prev);
}

/* Returns 1 when the server must stop. */
static int on_signal(struct dhcp_daemon *d)
{
	struct signalfd_siginfo si;

	if (read(d->sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	switch (si.ssi_signo) {
	case SIGTERM:
	case SIGINT:
		log_info("dhcp", "signal: stopping", "{s:i}", "signal", (int)si.ssi_signo);
		return 1;
	case SIGUSR1:
		dhcp_server_log_counters(&d->srv, "counters");
		return 0;
	case SIGHUP:
		reload(d);
		return 0;
	}
	return 0;
}

static bool transient(int err)
{
	return err == EINTR || err == ENOBUFS || err == ENOMEM || err == ENETDOWN ||
	       err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH;
}

/*
 * Handle what is queued, at most a burst so that signals and the parent
 * check are not starved by a flood.  0, or -errno on a fatal socket error.
 */
static int drain(struct dhcp_daemon *d)
{
	for (int burst = 0; burst < 256; burst++) {
		int reason = 0, ret;
		bool fell_back;
		ssize_t len = dhcp_io_recv(&d->io, d->buf, sizeof(d->buf) - 1, &reason);

		if (len == -EAGAIN || len == -EWOULDBLOCK)
			return 0;
		if (len < 0) {
			if (transient((int)-len))
				continue;
			return (int)len;
		}
		if (len == 0) {
			d->srv.cnt.rx++;
			d->srv.cnt.dropped[reason]++;
			continue;
		}
		if (dhcp_server_handle(&d->srv, d->buf, (size_t)len, &d->reply) != 1)
			continue;
		ret = dhcp_io_send(&d->io, &d->reply, d->srv.cfg.server_id, &fell_back);
		if (ret) {
			/* Logged on the 1st, 2nd, 4th, 8th... failure: never a flood. */
			if (!(d->srv.cnt.tx_errors & (d->srv.cnt.tx_errors + 1)))
				log_warn("dhcp", "send failed", "{s:s, s:I}", "error", strerror(-ret),
					 "failures", (json_int_t)d->srv.cnt.tx_errors + 1);
			d->srv.cnt.tx_errors++;
		}
		if (fell_back)
			d->srv.cnt.tx_broadcast_fallback++;
	}
	return 0;
}

static int serve(struct dhcp_daemon *d)
{
	for (;;) {
		struct pollfd pfd[2] = { { d->io.udp, POLLIN, 0 }, { d->sfd, POLLIN, 0 } };
		int n = poll(pfd, 2, 1000), ret;

		if (n < 0 && errno != EINTR) {
			log_error("dhcp", "poll failed", "{s:s}", "error", strerror(errno));
			return 1;
		}
		if (getppid() != d->parent) {
			log_info("dhcp", "parent exited: stopping", NULL);
			return 0;
		}
		if (time(NULL) - d->last_summary >= DHCP_LOG_WINDOW) {
			log_drops(&d->srv, &d->last_total, d->last_drop);
			d->last_summary = time(NULL);
		}
		if (n > 0 && (pfd[1].revents & POLLIN) && on_signal(d))
			return 0;
		if (n > 0 && (pfd[0].revents & POLLIN) && (ret = drain(d))) {
			log_error("dhcp", "receive failed", "{s:s}", "error", strerror(-ret));
			return 1;
		}
	}
}

/* Open the sockets, then give up every privilege. 0 or 1 (logged). */
static int start(struct dhcp_daemon *d)
{
	struct err e = { 0 };
	sigset_t mask;
	int ret;

	ret = dhcp_io_open(&d->io, d->cfg.bridge, &e);
	if (ret) {
		err_log("dhcp", "cannot open the DHCP sockets", &e, "{s:s}", "bridge", d->cfg.bridge);
		return 1;
	}
	snprintf(d->bridge0, sizeof(d->bridge0), "%s", d->cfg.bridge);
	if (d->io.raw < 0)
		log_warn("dhcp", "no CAP_NET_RAW: unicast replies fall back to broadcast", NULL);
	/*
	 * Checked only: netsetup sets it on the bridge (/proc/sys is read-only
	 * in a pod).  Behind masquerade the guest's address is not local.
	 */
	ret = d->cfg.masquerade ? 1 : dhcp_io_accept_local(d->cfg.bridge);
	if (ret < 0)
		log_warn("dhcp", "cannot read accept_local of the bridge", "{s:s, s:s}",
			 "bridge", d->cfg.bridge, "error", strerror(-ret));
	else if (!ret)
		log_warn("dhcp", "accept_local is 0 on the bridge: the guest's unicast renewals "
			 "(source = the pod IP, local to this namespace) will be dropped as martians",
			 "{s:s}", "bridge", d->cfg.bridge);

	/*
	 * Everything needing privilege is open: the raw socket keeps working
	 * without CAP_NET_RAW once created, so no capability is kept at all.
	 */
	if ((ret = caps_drop_all()) || (ret = no_new_privs_set())) {
		log_error("dhcp", "cannot drop privileges", "{s:s}", "error", strerror(-ret));
		return 1;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
	    (d->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		log_error("dhcp", "signalfd failed", "{s:s}", "error", strerror(errno));
		return 1;
	}
	if (d->args.ready_fd >= 0) {
		char c = 1;

		if (write(d->args.ready_fd, &c, 1) != 1) {
			log_error("dhcp", "cannot write to --ready-fd", "{s:i, s:s}",
				  "fd", d->args.ready_fd, "error", strerror(errno));
			return 1;
		}
		close(d->args.ready_fd);
	}
	log_info("dhcp", "serving", "{s:s, s:i, s:b}", "bridge", d->cfg.bridge,
		 "ifindex", d->io.ifindex, "raw_unicast", d->io.raw >= 0);
	return 0;
}

int cmd_dhcp(int argc, char **argv)
{
	static struct dhcp_daemon d;
	int ret, rc;

	memset(&d, 0, sizeof(d));
	d.io.udp = d.io.raw = d.sfd = -1;
	ret = parse_args(&d.args, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret;

	/*
	 * Die with the parent (the process that becomes the VMM): the signal
	 * covers its exit from now on, the getppid() checks a parent that
	 * exited before the prctl or a signal that was lost.
	 */
	d.parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
		log_error("dhcp", "PR_SET_PDEATHSIG failed", "{s:s}", "error", strerror(errno));
		return 1;
	}

	if (load(&d.args, &d.cfg))
		return 1;
	if (d.cfg.l2_only) {
		log_info("dhcp", "pod interface has no IPv4 address (l2_only): nothing to serve",
			 "{s:s}", "iface", d.args.iface);
		return 0;
	}
	ret = dhcp_server_configure(&d.srv, &d.cfg);
	if (ret) {
		log_error("dhcp", "cannot encode the options of the state cache", "{s:s}",
			  "error", strerror(-ret));
		return 1;
	}
	log_config(&d.srv.cfg);

	rc = start(&d);
	if (!rc)
		rc = serve(&d);
	dhcp_server_log_counters(&d.srv, rc ? "counters at failure" : "counters at exit");
	if (d.sfd >= 0)
		close(d.sfd);
	dhcp_io_close(&d.io);
	return rc;
}
