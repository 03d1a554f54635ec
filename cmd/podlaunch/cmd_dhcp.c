// SPDX-License-Identifier: MIT
/*
 * podlaunch dhcp: the DHCPv4 server, and the DHCPv6 server plus router
 * advertiser when the pod has a global IPv6 address, that hand the VM its
 * pod identity, configured from the netsetup state cache.  Runs in the
 * foreground, or as the child `podlaunch run` starts before it becomes
 * the VMM.
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
#include <time.h>
#include <jansson.h>

#include "cmd/podlaunch/commands.h"
#include "common/num.h"
#include "common/caps.h"
#include "common/log.h"
#include "dhcp/config.h"
#include "dhcp/config6.h"
#include "dhcp/io.h"
#include "dhcp/io6.h"
#include "dhcp/server.h"
#include "dhcp/serve6.h"

struct dhcp_args {
	const char *iface;
	const char *state_dir;
	const char *resolv_conf;
	uint32_t lease_time;
	struct dhcp_extra extra[DHCP_MAX_EXTRA];
	size_t nextra;
	int ready_fd;
	bool no4, no6;
	char path[PATH_MAX];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: podlaunch dhcp [--iface IFACE] [--state-dir DIR] [--resolv-conf PATH]\n"
		"                      [--lease-time SECONDS|infinite] [--dhcp-option CODE:HEX]...\n"
		"                      [--no-dhcp4] [--no-dhcp6] [--ready-fd N] [--help]\n"
		"\n"
		"Serve DHCPv4 to the VM on the bridge recorded in DIR/IFACE.json\n"
		"(defaults: eth0, /var/run/podlaunch), and DHCPv6 with router\n"
		"advertisements when the pod has a global IPv6 address.\n"
		"  --resolv-conf PATH   take nameservers and search domains from PATH\n"
		"  --lease-time T       lease length in seconds, or infinite (default)\n"
		"  --dhcp-option C:HEX  send option C (1-254) with value HEX; repeatable, one per\n"
		"                       code; replaces the server's own value for that code\n"
		"                       (51 = --lease-time; 50, 52-55, 57, 61 refused)\n"
		"  --no-dhcp4           do not serve DHCPv4\n"
		"  --no-dhcp6           do not serve DHCPv6 nor send router advertisements\n"
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
		{ "no-dhcp4", no_argument, NULL, '4' },
		{ "no-dhcp6", no_argument, NULL, '6' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool lease_given = false;
	struct err why = { 0 };
	int c;

	*a = (struct dhcp_args){
		.iface = "eth0",
		.state_dir = "/var/run/podlaunch",
		.lease_time = DHCP_LEASE_INFINITE,
		.ready_fd = -1,
	};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		unsigned long long v;

		switch (c) {
		case 'i':
			if (!*optarg || strlen(optarg) >= IF_NAMESIZE || strchr(optarg, '/')) {
				fprintf(stderr,
					"podlaunch dhcp: --iface: invalid interface name\n");
				return 2;
			}
			a->iface = optarg;
			break;
		case 's':
			a->state_dir = optarg;
			break;
		case 'r':
			a->resolv_conf = optarg;
			break;
		case 'l':
			if (dhcp_parse_lease_time(optarg, &a->lease_time)) {
				fprintf(stderr,
					"podlaunch dhcp: --lease-time: want 10..4294967294 or infinite\n");
				return 2;
			}
			lease_given = true;
			break;
		case 'o': {
			struct dhcp_extra *e = &a->extra[a->nextra];
			size_t len;
			int r;

			if (a->nextra >= DHCP_MAX_EXTRA) {
				fprintf(stderr,
					"podlaunch dhcp: --dhcp-option: at most %d of them\n",
					DHCP_MAX_EXTRA);
				return 2;
			}
			r = dhcp_parse_option_arg(optarg, &e->code, e->data, sizeof(e->data), &len);
			if (r == -EPERM) {
				fprintf(stderr,
					"podlaunch dhcp: --dhcp-option %s: code %d cannot be set: %s\n",
					optarg, e->code, dhcp_option_refused(e->code));
				return 2;
			}
			if (r) {
				fprintf(stderr,
					"podlaunch dhcp: --dhcp-option %s: want CODE:HEX with CODE "
					"1-254 and at most %d octets\n",
					optarg, DHCP_EXTRA_MAX_LEN);
				return 2;
			}
			e->len = (uint16_t)len;
			a->nextra++;
			break;
		}
		case 'f':
			if (num_parse(optarg, 3, INT_MAX, &v)) {
				fprintf(stderr,
					"podlaunch dhcp: --ready-fd: want a descriptor number >= 3\n");
				return 2;
			}
			a->ready_fd = (int)v;
			break;
		case '4':
			a->no4 = true;
			break;
		case '6':
			a->no6 = true;
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
		fprintf(stderr, "podlaunch dhcp: --dhcp-option: %s\n", why.msg);
		return 2;
	}
	snprintf(a->path, sizeof(a->path), "%s/%s.json", a->state_dir, a->iface);
	return 0;
}

static int load(const struct dhcp_args *a, struct dhcp_config *cfg, struct dhcp6_config *cfg6)
{
	struct err e = { 0 };
	size_t len;
	char *text;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	memset(cfg6, 0, sizeof(*cfg6));
	/* One read of the cache for both families' views of it. */
	ret = dhcp_cache_read(a->path, &text, &len, &e);
	if (!ret) {
		ret = dhcp_config_from_json(cfg, text, len, &e) ?:
			      dhcp6_config_from_json(cfg6, text, len, &e);
		free(text);
	}
	if (ret) {
		err_log("dhcp", "cannot load the state cache", &e, "{s:s}", "path", a->path);
		return ret;
	}
	if (a->resolv_conf && ((ret = dhcp_config_load_resolv(cfg, a->resolv_conf)) ||
			       (ret = dhcp6_config_load_resolv(cfg6, a->resolv_conf)))) {
		log_error("dhcp", "cannot read resolv.conf", "{s:s, s:s}", "path", a->resolv_conf,
			  "error", strerror(-ret));
		return ret;
	}
	cfg->lease_time = a->lease_time;
	memcpy(cfg->extra, a->extra, sizeof(a->extra));
	cfg->nextra = a->nextra;
	/* One search list for both families (validated once, by the v4 side). */
	if (a->resolv_conf) {
		memcpy(cfg6->search, cfg->search, sizeof(cfg6->search));
		cfg6->nsearch = cfg->nsearch;
	}
	/* Both lease lengths from one flag: 0xffffffff is infinity in both protocols. */
	cfg6->lease_time = a->lease_time;
	return 0;
}

static void log_config6(const struct dhcp6_config *c)
{
	char addr[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &c->addr[0], addr, sizeof(addr));
	inet_ntop(AF_INET6, &c->gateway, gw, sizeof(gw));
	log_info("dhcp6", "configuration loaded",
		 "{s:s, s:s, s:i, s:s, s:b, s:b, s:i, s:i, s:i, s:i, s:i}", "bridge", c->bridge,
		 "addr", addr, "addresses", (int)c->naddr, "gateway", c->has_default ? gw : "",
		 "prefix_onlink", c->npfx && c->pfx[0].onlink, "prefix_slaac",
		 c->npfx && c->pfx[0].autonomous, "nameservers", (int)c->ndns, "search",
		 (int)c->nsearch, "mtu", c->mtu, "routes", (int)c->nroutes, "routes_not_advertised",
		 (int)c->routes_skipped);
}

static void log_config(const struct dhcp_config *cfg)
{
	char addr[INET_ADDRSTRLEN], sid[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &cfg->addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &cfg->server_id, sid, sizeof(sid));
	inet_ntop(AF_INET, &cfg->router, gw, sizeof(gw));
	log_info("dhcp", "configuration loaded",
		 "{s:s, s:s, s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:i}", "bridge", cfg->bridge,
		 "addr", addr, "prefix", cfg->prefix, "gateway", gw, "server_id", sid, "routes",
		 (int)cfg->nroutes, "nameservers", (int)cfg->ndns, "search", (int)cfg->nsearch,
		 "mtu", cfg->mtu, "extra_options", (int)cfg->nextra);
}

/* Rate-limited drop summary: one line per interval at most, only on change. */
static void log_drops(const struct dhcp_server *s, uint64_t *last_total, uint64_t *last)
{
	uint64_t total = 0;
	json_t *d = json_object();

	for (int i = 1; i < DHCP_DROP__MAX; i++) {
		total += s->cnt.dropped[i];
		if (s->cnt.dropped[i] != last[i])
			json_object_set_new(
				d, dhcp_drop_name(i),
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
	char bridge0[IF_NAMESIZE]; /* the bridge the sockets are bound to */
	pid_t parent;
	int sfd;
	uint64_t last_drop[DHCP_DROP__MAX], last_total;
	time_t last_summary;

	bool v4, v6; /* which families are served */
	struct dhcp6_config cfg6;
	struct serve6 srv6;
	struct dhcp6_io io6;
	struct ip6_out out6;
	uint8_t buf6[1600];
	uint64_t next6, last_total6;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* SIGHUP: a bad cache keeps the last good configuration. */
static void reload(struct dhcp_daemon *d)
{
	static struct dhcp_config prev;

	static struct dhcp6_config prev6;

	prev = d->srv.cfg;
	prev6 = d->srv6.dhcp.cfg;
	if (load(&d->args, &d->cfg, &d->cfg6) == 0 &&
	    (!d->v4 || (!d->cfg.l2_only && dhcp_server_configure(&d->srv, &d->cfg) == 0)) &&
	    (!d->v6 ||
	     (d->cfg6.enabled && serve6_configure(&d->srv6, &d->cfg6, d->io6.mac, &d->io6.ll,
						  (uint32_t)now_ms(), now_ms()) == 0))) {
		if (strcmp(d->cfg.bridge, d->bridge0))
			log_warn("dhcp", "bridge change needs a restart: still serving the old one",
				 "{s:s}", "bridge", d->bridge0);
		if (d->v4)
			log_config(&d->srv.cfg);
		if (d->v6) {
			log_config6(&d->srv6.dhcp.cfg);
			d->next6 = 0;
		}
		return;
	}
	log_error("dhcp", "reload failed: keeping the previous configuration", NULL);
	if (d->v4)
		dhcp_server_configure(&d->srv, &prev);
	if (d->v6)
		serve6_configure(&d->srv6, &prev6, d->io6.mac, &d->io6.ll, (uint32_t)now_ms(),
				 now_ms());
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
		if (d->v4)
			dhcp_server_log_counters(&d->srv, "counters");
		if (d->v6)
			serve6_log_counters(&d->srv6, "counters");
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
				log_warn("dhcp", "send failed", "{s:s, s:I}", "error",
					 strerror(-ret), "failures",
					 (json_int_t)d->srv.cnt.tx_errors + 1);
			d->srv.cnt.tx_errors++;
		}
		if (fell_back)
			d->srv.cnt.tx_broadcast_fallback++;
	}
	return 0;
}

static void send6(struct dhcp_daemon *d)
{
	int ret = dhcp6_io_send(&d->io6, &d->out6);
	uint64_t *n = &d->srv6.tx_errors;

	if (!ret)
		return;
	/* Logged on the 1st, 2nd, 4th, 8th... failure, as for DHCPv4. */
	if (!(*n & (*n + 1)))
		log_warn("dhcp6", "send failed", "{s:s, s:I}", "error", strerror(-ret), "failures",
			 (json_int_t)*n + 1);
	(*n)++;
}

/* The IPv6 twin of drain(): DHCPv6 and RS/NA/echo replies from the packet socket. */
static int drain6(struct dhcp_daemon *d)
{
	for (int burst = 0; burst < 256; burst++) {
		uint8_t mac[6];
		bool offloaded;
		ssize_t len = dhcp6_io_recv(&d->io6, d->buf6, sizeof(d->buf6), mac, &offloaded);

		if (len == -EAGAIN || len == -EWOULDBLOCK)
			return 0;
		if (len < 0) {
			if (transient((int)-len))
				continue;
			return (int)len;
		}
		if (len == 0)
			continue;
		if (serve6_input(&d->srv6, now_ms(), mac, d->buf6, (size_t)len, offloaded,
				 &d->out6) == 1)
			send6(d);
		/* An RS or a discovery answer may make something due at once. */
		d->next6 = 0;
	}
	return 0;
}

/* Timers of the IPv6 side; returns the poll timeout in ms (at most 1000). */
static int timers6(struct dhcp_daemon *d)
{
	uint64_t now = now_ms(), next = now + 1000;

	if (!d->v6)
		return 1000;
	if (d->next6 <= now) {
		for (int i = 0; i < 8 && serve6_output(&d->srv6, now, &d->out6, &next) == 1; i++)
			send6(d);
		d->next6 = next;
	}
	return d->next6 > now + 1000 ? 1000 : (int)(d->next6 - now);
}

static int serve(struct dhcp_daemon *d)
{
	for (;;) {
		struct pollfd pfd[3] = {
			{ d->sfd, POLLIN, 0 },
			{ d->v4 ? d->io.udp : -1, POLLIN, 0 },
			{ d->v6 ? d->io6.pkt : -1, POLLIN, 0 },
		};
		int n = poll(pfd, 3, timers6(d)), ret;

		if (n < 0 && errno != EINTR) {
			log_error("dhcp", "poll failed", "{s:s}", "error", strerror(errno));
			return 1;
		}
		if (getppid() != d->parent) {
			log_info("dhcp", "parent exited: stopping", NULL);
			return 0;
		}
		if (time(NULL) - d->last_summary >= DHCP_LOG_WINDOW) {
			uint64_t t6 = d->v6 ? serve6_drops(&d->srv6) : 0;

			if (d->v4)
				log_drops(&d->srv, &d->last_total, d->last_drop);
			if (t6 != d->last_total6) {
				log_warn("dhcp6", "IPv6 packets dropped since the last summary",
					 "{s:I}", "dropped", (json_int_t)(t6 - d->last_total6));
				/* by reason: at most every DHCP_LOG_WINDOW seconds, only on change */
				serve6_log_counters(&d->srv6, "counters after drops");
			}
			d->last_total6 = t6;
			d->last_summary = time(NULL);
		}
		if (n > 0 && (pfd[0].revents & POLLIN) && on_signal(d))
			return 0;
		if (n > 0 && (pfd[1].revents & POLLIN) && (ret = drain(d))) {
			log_error("dhcp", "receive failed", "{s:s}", "error", strerror(-ret));
			return 1;
		}
		if (n > 0 && (pfd[2].revents & POLLIN) && (ret = drain6(d))) {
			log_error("dhcp6", "receive failed", "{s:s}", "error", strerror(-ret));
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

	snprintf(d->bridge0, sizeof(d->bridge0), "%s", d->v4 ? d->cfg.bridge : d->cfg6.bridge);
	if (d->v6) {
		/*
		 * The packet socket needs CAP_NET_RAW, port 547 needs
		 * CAP_NET_BIND_SERVICE: without them there is no IPv6 side
		 * (the guest MAC could not be checked).  A dual-stack pod
		 * keeps its DHCPv4 then, said loudly; an IPv6-only one fails.
		 */
		ret = dhcp6_io_open(&d->io6, d->cfg6.bridge, &e);
		if ((ret == -EPERM || ret == -EACCES) && d->v4) {
			log_warn("dhcp6",
				 "IPv6 NOT served: no privilege for its sockets "
				 "(CAP_NET_RAW, CAP_NET_BIND_SERVICE); DHCPv4 only",
				 "{s:s, s:s}", "bridge", d->cfg6.bridge, "error", e.msg);
			d->v6 = false;
		} else if (ret) {
			err_log("dhcp6", "cannot open the IPv6 sockets", &e, "{s:s}", "bridge",
				d->cfg6.bridge);
			return 1;
		}
	}
	if (d->v6) {
		if (!d->io6.ll_on_bridge)
			log_warn("dhcp6",
				 "the bridge has no IPv6 link-local address: "
				 "answering from its EUI-64 one",
				 "{s:s}", "bridge", d->cfg6.bridge);
		/* The bridge must not answer for anything the guest owns. */
		if (d->io6.global_on_bridge && !d->cfg6.self_router)
			log_warn("dhcp6", "the bridge holds a global IPv6 address", "{s:s}",
				 "bridge", d->cfg6.bridge);
		ret = serve6_configure(&d->srv6, &d->cfg6, d->io6.mac, &d->io6.ll,
				       (uint32_t)now_ms() ^ (uint32_t)getpid(), now_ms());
		if (ret) {
			log_error("dhcp6", "cannot use the IPv6 configuration", "{s:s}", "error",
				  strerror(-ret));
			return 1;
		}
		log_config6(&d->srv6.dhcp.cfg);
	}
	if (!d->v4)
		goto privs;
	ret = dhcp_io_open(&d->io, d->cfg.bridge, &e);
	if (ret) {
		err_log("dhcp", "cannot open the DHCP sockets", &e, "{s:s}", "bridge",
			d->cfg.bridge);
		return 1;
	}
	if (d->io.raw < 0)
		log_warn("dhcp", "no CAP_NET_RAW: unicast replies fall back to broadcast", NULL);
	/*
	 * Checked only: netsetup sets it on the bridge (/proc/sys is read-only
	 * in a pod).  Behind masquerade the guest's address is not local.
	 */
	ret = d->cfg.masquerade ? 1 : dhcp_io_accept_local(d->cfg.bridge);
	if (ret < 0)
		log_warn("dhcp", "cannot read accept_local of the bridge", "{s:s, s:s}", "bridge",
			 d->cfg.bridge, "error", strerror(-ret));
	else if (!ret)
		log_warn(
			"dhcp",
			"accept_local is 0 on the bridge: the guest's unicast renewals "
			"(source = the pod IP, local to this namespace) will be dropped as martians",
			"{s:s}", "bridge", d->cfg.bridge);
privs:
	/*
	 * Everything needing privilege is open: raw and packet sockets keep
	 * working without CAP_NET_RAW once created, a bound port without
	 * CAP_NET_BIND_SERVICE, so no capability is kept at all.
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
			log_error("dhcp", "cannot write to --ready-fd", "{s:i, s:s}", "fd",
				  d->args.ready_fd, "error", strerror(errno));
			return 1;
		}
		close(d->args.ready_fd);
	}
	log_info("dhcp", "serving", "{s:s, s:b, s:b, s:b}", "bridge", d->bridge0, "dhcp4", d->v4,
		 "dhcp6", d->v6, "raw_unicast", d->v4 && d->io.raw >= 0);
	return 0;
}

int cmd_dhcp(int argc, char **argv)
{
	static struct dhcp_daemon d;
	int ret, rc;

	memset(&d, 0, sizeof(d));
	d.io.udp = d.io.raw = d.sfd = -1;
	d.io6.pkt = d.io6.udp = -1;
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

	if (load(&d.args, &d.cfg, &d.cfg6))
		return 1;
	d.v4 = !d.cfg.l2_only && !d.args.no4;
	d.v6 = d.cfg6.enabled && !d.args.no6;
	if (!d.v4 && !d.v6) {
		log_info("dhcp",
			 "nothing to serve: no IPv4 and no global IPv6 address on the pod "
			 "interface (l2_only), or both families turned off",
			 "{s:s, s:b, s:b}", "iface", d.args.iface, "no_dhcp4", d.args.no4,
			 "no_dhcp6", d.args.no6);
		return 0;
	}
	if (d.v4) {
		ret = dhcp_server_configure(&d.srv, &d.cfg);
		if (ret) {
			log_error("dhcp", "cannot encode the options of the state cache", "{s:s}",
				  "error", strerror(-ret));
			return 1;
		}
		log_config(&d.srv.cfg);
	}

	rc = start(&d);
	if (!rc)
		rc = serve(&d);
	if (d.v4)
		dhcp_server_log_counters(&d.srv, rc ? "counters at failure" : "counters at exit");
	if (d.v6)
		serve6_log_counters(&d.srv6, rc ? "counters at failure" : "counters at exit");
	if (d.sfd >= 0)
		close(d.sfd);
	dhcp_io_close(&d.io);
	dhcp6_io_close(&d.io6);
	return rc;
}
