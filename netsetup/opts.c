// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mac.h"
#include "common/num.h"
#include "common/user.h"
#include "common/util.h"
#include "dhcp/config.h"
#include "dhcp/optenc.h"
#include "dhcp/proto.h"
#include "netsetup/netsetup.h"

/* Which subcommands accept a flag. */
#define C_DISC (1u << NS_CMD_DISCOVER)
#define C_SET  (1u << NS_CMD_SETUP)
#define C_TEAR (1u << NS_CMD_TEARDOWN)
#define C_RUN  (1u << NS_CMD_RUN)

enum flag_id {
	F_IFACE,
	F_STATE_DIR,
	F_RESOLV,
	F_TAP_NAME,
	F_QUEUES,
	F_TAP_OWNER,
	F_MTU,
	F_BRIDGE_ADDR,
	F_VMM,
	F_VMM_USER,
	F_VHOST,
	F_NO_DHCP,
	F_NO_DHCP4,
	F_NO_DHCP6,
	F_DHCP_OPTION,
	F_LEASE_TIME,
	F_HELP,
	F_BINDING,
	F_GUEST_CIDR,
	F_GUEST_CIDR6,
	F_PORTS,
	F_GUEST_MAC,
};

static const struct flag {
	const char *name;
	enum flag_id id;
	unsigned int cmds;
	bool has_arg;
	const char *meta, *help;
} flags[] = {
	{ "iface", F_IFACE, C_DISC | C_SET | C_TEAR | C_RUN, true, "NAME",
	  "pod interface (default eth0)" },
	{ "state-dir", F_STATE_DIR, C_SET | C_TEAR | C_RUN, true, "DIR",
	  "state cache directory (default " NS_DEFAULT_STATE_DIR ")" },
	{ "resolv-conf", F_RESOLV, C_DISC | C_SET | C_RUN, true, "PATH",
	  "resolver configuration (default " NS_DEFAULT_RESOLV ")" },
	{ "tap-name", F_TAP_NAME, C_SET | C_RUN, true, "NAME", "tap device (default tap0)" },
	{ "queues", F_QUEUES, C_SET | C_RUN, true, "N",
	  "tap queues, 1-" NET_QUEUE_PAIRS_MAX_STR " (default 1)" },
	{ "tap-owner", F_TAP_OWNER, C_SET | C_RUN, true, "UID[:GID]", "owner of the tap" },
	{ "mtu", F_MTU, C_SET | C_RUN, true, "N",
	  "MTU of bridge, nic and tap (default: the pod's)" },
	{ "bridge-addr", F_BRIDGE_ADDR, C_SET | C_RUN, true, "IPV4",
	  "bridge /32 address (default " NS_DEFAULT_BRIDGE_ADDR ")" },
	{ "binding", F_BINDING, C_SET | C_RUN, true, "bridge|masquerade",
	  "how the guest meets the pod network (default bridge)" },
	{ "guest-mac", F_GUEST_MAC, C_SET | C_RUN, true, "MAC",
	  "the guest's MAC (default: the pod's)" },
	{ "guest-cidr", F_GUEST_CIDR, C_SET | C_RUN, true, "A.B.C.D/P",
	  "masquerade: guest subnet, guest .2, gateway .1 (default " NS_DEFAULT_GUEST_CIDR ")" },
	{ "guest-cidr6", F_GUEST_CIDR6, C_SET | C_RUN, true, "PREFIX/P",
	  "masquerade: IPv6 guest subnet (default " NS_DEFAULT_GUEST_CIDR6 ")" },
	{ "ports", F_PORTS, C_SET | C_RUN, true, "PROTO:PORT[-PORT],...",
	  "masquerade: forward only these (tcp|udp|sctp; default every port)" },
	{ "vmm", F_VMM, C_RUN, true, "PATH", "VMM to exec (default: podvmm next to podlaunch)" },
	{ "vmm-user", F_VMM_USER, C_RUN, true, "UID[:GID]",
	  "the VMM runs as this user once its devices are open (passes --user)" },
	{ "vhost", F_VHOST, C_RUN, true, "auto|on|off",
	  "virtio-net backend for the VMM: vhost-net, userspace, or vhost-net where it opens (passed in --net)" },
	{ "no-dhcp", F_NO_DHCP, C_RUN, false, "", "do not start the DHCP server (neither family)" },
	{ "no-dhcp4", F_NO_DHCP4, C_RUN, false, "", "no DHCPv4 (passed to the DHCP server)" },
	{ "no-dhcp6", F_NO_DHCP6, C_RUN, false, "",
	  "no DHCPv6 and no RAs (passed to the DHCP server)" },
	{ "dhcp-option", F_DHCP_OPTION, C_RUN, true, "CODE:HEX", "extra DHCP option (repeatable)" },
	{ "lease-time", F_LEASE_TIME, C_RUN, true, "SECONDS|infinite", "DHCP lease time" },
	{ "help", F_HELP, ~0u, false, "", "this text" },
};

static const char *const cmd_names[] = {
	[NS_CMD_DISCOVER] = "discover",
	[NS_CMD_SETUP] = "setup",
	[NS_CMD_TEARDOWN] = "teardown",
	[NS_CMD_RUN] = "run",
};

void ns_opts_usage(enum ns_cmd cmd, FILE *f)
{
	fprintf(f, "usage: podlaunch %s [flags]%s\n", cmd_names[cmd],
		cmd == NS_CMD_RUN ? " [-- VMM args...]" : "");
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		char left[48];

		if (!(flags[i].cmds & (1u << cmd)))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", flags[i].name, *flags[i].meta ? " " : "",
			 flags[i].meta);
		fprintf(f, "  %-30s %s\n", left, flags[i].help);
	}
	if (cmd == NS_CMD_RUN)
		fprintf(f, "  %-30s %s\n", "--dhcp-*[=VALUE]",
			"passed to the DHCP server as given");
}

static int bad(struct err *e, const char *flag, const char *why)
{
	return err_set(e, EINVAL, "%s: %s", flag, why);
}

static int dhcp_push(struct ns_opts *o, const char *a)
{
	if (o->n_dhcp_args >= NS_MAX_DHCP_ARGS)
		return -E2BIG;
	o->dhcp_args[o->n_dhcp_args++] = a;
	return 0;
}

static int apply(struct ns_opts *o, const struct flag *f, const char *flag, const char *val,
		 struct err *e)
{
	unsigned long long v;

	switch (f->id) {
	case F_IFACE:
	case F_TAP_NAME:
		/* "k6t-" + iface and iface + "-nic" must fit IFNAMSIZ too: plan checks that. */
		if (!*val || strlen(val) >= IFNAMSIZ || strchr(val, '/') || strchr(val, ' ') ||
		    !strcmp(val, ".") || !strcmp(val, ".."))
			return bad(e, flag, "not a valid interface name");
		if (f->id == F_IFACE)
			o->iface = val;
		else
			o->tap_name = val;
		return 0;
	case F_STATE_DIR:
	case F_RESOLV:
	case F_VMM:
		if (!*val)
			return bad(e, flag, "empty path");
		if (f->id == F_STATE_DIR)
			o->state_dir = val;
		else if (f->id == F_RESOLV)
			o->resolv_conf = val;
		else
			o->vmm = val;
		return 0;
	case F_QUEUES:
		if (num_parse(val, 1, NET_QUEUE_PAIRS_MAX, &v))
			return bad(e, flag, "expects a number from 1 to " NET_QUEUE_PAIRS_MAX_STR);
		o->queues = v;
		return 0;
	case F_MTU:
		/* RFC 791: 68 is the minimum IPv4 MTU. */
		if (num_parse(val, 68, 65535, &v))
			return bad(e, flag, "expects a number from 68 to 65535");
		o->mtu = v;
		return 0;
	case F_TAP_OWNER: {
		gid_t gid;
		bool has_gid;

		if (user_spec_parse(val, &o->tap_uid, &gid, &has_gid))
			return bad(e, flag, "expects numeric UID[:GID]");
		o->has_owner = true;
		o->tap_gid = has_gid ? gid : (gid_t)-1;
		return 0;
	}
	case F_VMM_USER:
		switch (user_spec_parse_unprivileged(val, &o->vmm_uid, &o->vmm_gid)) {
		case 0:
			o->has_vmm_user = true;
			return 0;
		case -EPERM:
			return bad(e, flag, "expects a non-zero UID and GID");
		default:
			return bad(e, flag, "expects numeric UID[:GID]");
		}
	case F_BRIDGE_ADDR: {
		struct in_addr a;

		if (inet_pton(AF_INET, val, &a) != 1)
			return bad(e, flag, "expects an IPv4 address");
		o->bridge_addr = val;
		return 0;
	}
	case F_VHOST:
		if (strcmp(val, "auto") && strcmp(val, "on") && strcmp(val, "off"))
			return bad(e, flag, "expects auto, on or off");
		o->vhost = val;
		return 0;
	case F_NO_DHCP:
		o->no_dhcp = true;
		return 0;
	case F_NO_DHCP4:
	case F_NO_DHCP6:
		if (dhcp_push(o, f->id == F_NO_DHCP4 ? "--no-dhcp4" : "--no-dhcp6"))
			return err_set(e, E2BIG, "%s: too many DHCP flags", flag);
		return 0;
	case F_DHCP_OPTION: {
		/* The DHCP child's own parser, so run refuses what it would. */
		uint8_t code, data[DHCP_EXTRA_MAX_LEN];
		size_t n;

		int r = dhcp_parse_option_arg(val, &code, data, sizeof(data), &n);

		if (r == -EPERM)
			return bad(e, flag, dhcp_option_refused(code));
		if (r)
			return bad(
				e, flag,
				"expects CODE:HEX (code 1-254; hex octets, ':' between them allowed)");
		if (dhcp_push(o, "--dhcp-option") || dhcp_push(o, val))
			return err_set(e, E2BIG, "%s: too many DHCP flags", flag);
		return 0;
	}
	case F_LEASE_TIME: {
		uint32_t secs;

		if (dhcp_parse_lease_time(val, &secs))
			return bad(e, flag, "expects seconds (10-4294967294) or infinite");
		if (dhcp_push(o, "--lease-time") || dhcp_push(o, val))
			return err_set(e, E2BIG, "%s: too many DHCP flags", flag);
		return 0;
	}
	case F_HELP:
		o->help = true;
		return 0;
	case F_BINDING:
		if (ns_binding_kind_parse(val, &o->binding))
			return bad(e, flag, "expects bridge or masquerade");
		return 0;
	case F_GUEST_MAC:
		/* The guest's MAC is a unicast address (IEEE 802: I/G bit clear). */
		if (mac_parse(val, o->guest_mac) || (o->guest_mac[0] & 1) ||
		    !memcmp(o->guest_mac, "\0\0\0\0\0\0", 6))
			return bad(e, flag, "expects a unicast MAC aa:bb:cc:dd:ee:ff");
		o->has_guest_mac = true;
		return 0;
	case F_GUEST_CIDR:
		if (ns_cidr4_parse(val, &o->masq.net4, &o->masq.prefix4))
			return bad(e, flag,
				   "expects an IPv4 network A.B.C.D/P (P 1-30, host bits zero)");
		o->has_masq_flags = true;
		return 0;
	case F_GUEST_CIDR6:
		if (ns_cidr6_parse(val, &o->masq.net6, &o->masq.prefix6))
			return bad(e, flag,
				   "expects an IPv6 network PREFIX/P (P 1-126, host bits zero)");
		o->has_masq_flags = true;
		return 0;
	case F_PORTS:
		if (ns_ports_parse(val, o->masq.ports, NS_MAX_PORTS, &o->masq.n_ports))
			return bad(
				e, flag,
				"expects PROTO:PORT[-PORT],... (tcp, udp or sctp; ports 1-65535, at most 16)");
		o->has_masq_flags = true;
		return 0;
	}
	return bad(e, flag, "unknown flag");
}

/*
 * The --dhcp-option values as a set (one per code, sizes, T1 < T2 <
 * lease), checked as the DHCP child will check them, so that run exits 2
 * before setting anything up.
 */
static int dhcp_check_set(const struct ns_opts *o, struct err *e)
{
	static struct dhcp_extra extra[DHCP_MAX_EXTRA];
	uint32_t lease = DHCP_LEASE_INFINITE;
	bool lease_given = false;
	size_t n = 0;

	for (int i = 0; i + 1 < o->n_dhcp_args; i++) {
		const char *a = o->dhcp_args[i], *v = o->dhcp_args[i + 1];
		size_t l;

		if (!strcmp(a, "--lease-time") && !dhcp_parse_lease_time(v, &lease)) {
			lease_given = true;
			i++;
		} else if (!strcmp(a, "--dhcp-option")) {
			if (n == DHCP_MAX_EXTRA)
				return bad(e, "--dhcp-option", "too many (at most 16)");
			if (!dhcp_parse_option_arg(v, &extra[n].code, extra[n].data,
						   sizeof(extra[n].data), &l)) {
				extra[n].len = (uint16_t)l;
				n++;
			}
			i++;
		}
	}
	struct err why = { 0 };

	if (dhcp_extra_check(extra, &n, &lease, lease_given, &why))
		return bad(e, "--dhcp-option", why.msg);
	return 0;
}

/* The masquerade binding's own flags mean nothing to the bridge binding. */
static int masq_flags_check(const struct ns_opts *o, struct err *e)
{
	if (o->has_masq_flags && o->binding != NS_BINDING_MASQUERADE)
		return bad(e, "--binding",
			   "--guest-cidr, --guest-cidr6 and --ports need --binding masquerade");
	if (o->binding == NS_BINDING_MASQUERADE && strcmp(o->bridge_addr, NS_DEFAULT_BRIDGE_ADDR))
		return bad(
			e, "--bridge-addr",
			"not with --binding masquerade (the bridge holds the --guest-cidr gateway)");
	return 0;
}

int ns_opts_parse(enum ns_cmd cmd, int argc, char **argv, struct ns_opts *o, struct err *e)
{
	memset(o, 0, sizeof(*o));
	o->iface = "eth0";
	o->state_dir = NS_DEFAULT_STATE_DIR;
	o->tap_name = "tap0";
	o->resolv_conf = NS_DEFAULT_RESOLV;
	o->bridge_addr = NS_DEFAULT_BRIDGE_ADDR;
	o->queues = 1;
	o->tap_gid = (gid_t)-1;
	ns_cidr4_parse(NS_DEFAULT_GUEST_CIDR, &o->masq.net4, &o->masq.prefix4);
	ns_cidr6_parse(NS_DEFAULT_GUEST_CIDR6, &o->masq.net6, &o->masq.prefix6);

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		const struct flag *f = NULL;
		char name[64];
		size_t n;
		int ret;

		if (!strcmp(arg, "--")) {
			if (cmd != NS_CMD_RUN)
				return bad(e, "--", "only run takes VMM arguments");
			o->vmm_argv = argv + i + 1;
			o->vmm_argc = argc - i - 1;
			return dhcp_check_set(o, e) ?: masq_flags_check(o, e);
		}
		if (strncmp(arg, "--", 2))
			return bad(e, arg, "unexpected argument");
		eq = strchr(arg, '=');
		n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (n >= sizeof(name))
			return bad(e, arg, "unknown flag");
		memcpy(name, arg + 2, n);
		name[n] = '\0';

		for (size_t k = 0; k < ARRAY_SIZE(flags); k++)
			if (!strcmp(flags[k].name, name) && (flags[k].cmds & (1u << cmd)))
				f = &flags[k];

		if (!f && cmd == NS_CMD_RUN && !strncmp(name, "dhcp-", 5)) {
			/*
			 * Flags of the DHCP server travel through unchanged:
			 * --dhcp-X=V as one word, --dhcp-X V when the next word
			 * is not a flag, --dhcp-X alone otherwise.
			 */
			if (dhcp_push(o, arg))
				return bad(e, arg, "too many DHCP flags");
			if (!eq && i + 1 < argc && strncmp(argv[i + 1], "--", 2) &&
			    dhcp_push(o, argv[++i]))
				return bad(e, arg, "too many DHCP flags");
			continue;
		}
		if (!f) {
			snprintf(name, sizeof(name), "--%.*s", (int)n, arg + 2);
			return bad(e, name, "unknown flag");
		}
		snprintf(name, sizeof(name), "--%s", f->name);
		if (f->has_arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return bad(e, name, "needs a value");
		} else if (eq) {
			return bad(e, name, "takes no value");
		}
		ret = apply(o, f, name, val, e);
		if (ret)
			return ret;
	}
	return dhcp_check_set(o, e) ?: masq_flags_check(o, e);
}
