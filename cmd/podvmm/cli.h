/* SPDX-License-Identifier: MIT */
#ifndef PODVMM_CLI_H
#define PODVMM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "vmm/x86/cpuid.h"
#include "vmm/x86/loader.h"
#include "vmm/virtio/net/net.h"
#include "vmm/seccomp/seccomp.h"

/* podvmm's exit statuses. */
#define PODVMM_EXIT_OK	    0 /* guest powered off or reset */
#define PODVMM_EXIT_FAILURE 1 /* runtime failure, unexpected KVM exit */
#define PODVMM_EXIT_USAGE   2 /* bad command line */
#define PODVMM_EXIT_FORCED  3 /* guest ignored the stop request past --shutdown-timeout */

#define CLI_MAX_NETS 8

enum console_kind { CONSOLE_STDIO, CONSOLE_NONE, CONSOLE_FILE };

/* What SIGTERM/SIGINT sends the guest (--shutdown). */
enum shutdown_kind {
	SHUTDOWN_BOTH, /* the power button, Ctrl-Alt-Del as the fallback */
	SHUTDOWN_ACPI, /* the ACPI power button only */
	SHUTDOWN_CAD,  /* Ctrl-Alt-Del only */
};

struct podvmm_opts {
	const char *kernel, *initrd, *cmdline;
	uint64_t memory_mib;
	int cpus;
	struct net_spec nets[CLI_MAX_NETS];
	int nr_nets;
	enum cpu_template cpu_template;
	enum console_kind console;
	const char *console_path;
	unsigned int shutdown_timeout;
	enum shutdown_kind shutdown;
	bool hugepages;
	enum boot_mode boot;
	bool help;
	enum seccomp_action seccomp; /* --seccomp=on|off|trap */
	bool has_user;		     /* --user UID[:GID] */
	uid_t uid;
	gid_t gid;
};

/* Parses argv; 0, or -EINVAL with e->msg naming the offending flag first
 * ("--memory: must be ...") and saying what is wrong. */
int cli_parse(int argc, char **argv, struct podvmm_opts *o, struct err *e);

extern const char cli_usage[];

#endif
