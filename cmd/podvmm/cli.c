// SPDX-License-Identifier: MIT
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/podvmm/cli.h"
#include "common/err.h"
#include "common/num.h"
#include "common/user.h"
#include "vmm/kvm/vm_core.h"

const char cli_usage[] =
	"usage: podvmm --kernel PATH [--initrd PATH] [--cmdline STR] [--memory MIB]\n"
	"              [--cpus N] [--net SPEC]... [--cpu-template host|baseline]\n"
	"              [--console stdio|none|file:PATH] [--shutdown acpi|ctrl-alt-del|both]\n"
	"              [--shutdown-timeout SECONDS]\n"
	"              [--hugepages] [--boot linux|pvh] [--seccomp on|off|trap]\n"
	"              [--user UID[:GID]]\n"
	"  --net fd=N[:N...]|tap=NAME,mac=MAC[,mtu=N][,vhost=auto|on|off][,queues=N]\n"
	"  --user: run as UID:GID (GID defaults to UID) once every device is open\n"
	"  --shutdown: what SIGTERM/SIGINT sends: the ACPI power button, Ctrl-Alt-Del,\n"
	"              or both (default: the button, Ctrl-Alt-Del if it is not heeded)\n"
	"exit: 0 guest powered off or reset, 1 failure, 2 bad flags,\n"
	"      3 guest still running --shutdown-timeout seconds after SIGTERM/SIGINT\n";

enum {
	OPT_KERNEL = 256,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_MEMORY,
	OPT_CPUS,
	OPT_NET,
	OPT_TEMPLATE,
	OPT_CONSOLE,
	OPT_TIMEOUT,
	OPT_HUGEPAGES,
	OPT_BOOT,
	OPT_HELP,
	OPT_SECCOMP,
	OPT_USER,
	OPT_SHUTDOWN,
};

static const struct option longopts[] = {
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "net", required_argument, NULL, OPT_NET },
	{ "cpu-template", required_argument, NULL, OPT_TEMPLATE },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "shutdown-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "shutdown", required_argument, NULL, OPT_SHUTDOWN },
	{ "hugepages", no_argument, NULL, OPT_HUGEPAGES },
	{ "boot", required_argument, NULL, OPT_BOOT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "user", required_argument, NULL, OPT_USER },
	{ NULL, 0, NULL, 0 },
};

/* The message names the flag first: "--memory: must be ...". */
#define FAIL(f, ...) return err_set(e, EINVAL, "%s: %s", (f), __VA_ARGS__)

int cli_parse(int argc, char **argv, struct podvmm_opts *o, struct err *e)
{
	unsigned long long v;
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->memory_mib = 256;
	o->cpus = 1;
	o->cpu_template = CPU_TEMPLATE_HOST;
	o->console = CONSOLE_STDIO;
	o->shutdown_timeout = 25;
	o->shutdown = SHUTDOWN_BOTH;
	o->boot = BOOT_LINUX64;
	o->cmdline = "";
	o->seccomp = SECCOMP_ACTION_KILL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_INITRD:
			o->initrd = optarg;
			break;
		case OPT_CMDLINE:
			o->cmdline = optarg;
			break;
		case OPT_MEMORY:
			/* 16 MiB holds the boot structures and a small kernel;
			 * 1 TiB is far past what one pod gets. */
			if (num_parse(optarg, 16, 1ULL << 20, &v))
				FAIL("--memory",
				     "must be a whole number of MiB from 16 to 1048576");
			o->memory_mib = v;
			break;
		case OPT_CPUS:
			if (num_parse(optarg, 1, VM_MAX_CPUS, &v))
				FAIL("--cpus", "must be a number from 1 to 64");
			o->cpus = (int)v;
			break;
		case OPT_NET: {
			struct err bad = { 0 };

			if (o->nr_nets == CLI_MAX_NETS)
				FAIL("--net", "at most 8 network devices");
			if (net_spec_parse(optarg, &o->nets[o->nr_nets], &bad))
				FAIL("--net", bad.msg);
			o->nr_nets++;
			break;
		}
		case OPT_TEMPLATE:
			if (!strcmp(optarg, "host"))
				o->cpu_template = CPU_TEMPLATE_HOST;
			else if (!strcmp(optarg, "baseline"))
				o->cpu_template = CPU_TEMPLATE_BASELINE;
			else
				FAIL("--cpu-template", "must be host or baseline");
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "stdio")) {
				o->console = CONSOLE_STDIO;
			} else if (!strcmp(optarg, "none")) {
				o->console = CONSOLE_NONE;
			} else if (!strncmp(optarg, "file:", 5) && optarg[5]) {
				o->console = CONSOLE_FILE;
				o->console_path = optarg + 5;
			} else {
				FAIL("--console", "must be stdio, none or file:PATH");
			}
			break;
		case OPT_TIMEOUT:
			if (num_parse(optarg, 0, 86400, &v))
				FAIL("--shutdown-timeout",
				     "must be a number of seconds from 0 to 86400");
			o->shutdown_timeout = (unsigned int)v;
			break;
		case OPT_SHUTDOWN:
			if (!strcmp(optarg, "both"))
				o->shutdown = SHUTDOWN_BOTH;
			else if (!strcmp(optarg, "acpi"))
				o->shutdown = SHUTDOWN_ACPI;
			else if (!strcmp(optarg, "ctrl-alt-del"))
				o->shutdown = SHUTDOWN_CAD;
			else
				FAIL("--shutdown", "must be acpi, ctrl-alt-del or both");
			break;
		case OPT_HUGEPAGES:
			o->hugepages = true;
			break;
		case OPT_BOOT:
			if (!strcmp(optarg, "linux"))
				o->boot = BOOT_LINUX64;
			else if (!strcmp(optarg, "pvh"))
				o->boot = BOOT_PVH;
			else
				FAIL("--boot", "must be linux or pvh");
			break;
		case OPT_SECCOMP:
			if (!strcmp(optarg, "on"))
				o->seccomp = SECCOMP_ACTION_KILL;
			else if (!strcmp(optarg, "off"))
				o->seccomp = SECCOMP_ACTION_OFF;
			else if (!strcmp(optarg, "trap"))
				o->seccomp = SECCOMP_ACTION_TRAP;
			else
				FAIL("--seccomp", "must be on, off or trap");
			break;
		case OPT_USER:
			ret = user_spec_parse_unprivileged(optarg, &o->uid, &o->gid);
			if (ret == -EPERM)
				FAIL("--user", "UID and GID must be non-zero");
			if (ret)
				FAIL("--user", "must be a numeric UID[:GID]");
			o->has_user = true;
			break;
		case OPT_HELP:
			o->help = true;
			return 0;
		case ':':
			FAIL(argv[optind - 1], "needs a value");
		default:
			FAIL(optopt ? "(short option)" : argv[optind - 1], "unknown flag");
		}
	}
	if (optind < argc)
		FAIL(argv[optind], "unexpected argument");
	if (!o->kernel)
		FAIL("--kernel", "is required");
	if (o->hugepages && (o->memory_mib % 2))
		FAIL("--memory", "must be a multiple of 2 MiB with --hugepages");
	return 0;
}
