/* SPDX-License-Identifier: MIT */
#ifndef NETSETUP_NETSETUP_H
#define NETSETUP_NETSETUP_H

/*
 * netsetup: discovery of the pod interface, the transactional bridge
 * binding (KubeVirt's "bridge" binding, rolled back on failure and
 * recoverable after SIGKILL) and the state cache (netsetup/STATE-FORMAT.md).
 *
 * Pure parts (no root, unit-tested): resolv.conf parsing, MAC generation,
 * binding plans, cache encode/decode, flag parsing.  I/O parts: discovery
 * and the steps, which talk netlink (libnl-route-3, libmnl for bridge port
 * flags) and write /proc/sys.
 */

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "common/err.h"
#include "common/limits.h"
#include "netsetup/masq.h"

#define NS_CACHE_VERSION       2
#define NS_MAX_ADDRS	       32
#define NS_MAX_ROUTES	       64
#define NS_MAX_NEXTHOPS	       8
#define NS_MAX_METRICS	       18 /* RTAX_* ids 1..17 (RTAX_MAX on the build headers) */
#define NS_LFT_FOREVER	       0xffffffffu
#define NS_MAX_NAMESERVERS     16
#define NS_MAX_SEARCH	       32
#define NS_MAX_OPTIONS	       16
#define NS_MAX_JOURNAL	       32
#define NS_MAX_DHCP_ARGS       64
#define NS_ADDRSTRLEN	       64  /* INET6_ADDRSTRLEN plus a %scope suffix */
#define NS_DOMAINLEN	       254 /* RFC 1035 2.3.4: 253 characters plus NUL */
#define NS_DEFAULT_STATE_DIR   "/var/run/podlaunch"
#define NS_DEFAULT_BRIDGE_ADDR "169.254.75.10"
#define NS_DEFAULT_RESOLV      "/etc/resolv.conf"

struct ns_addr {
	int family; /* AF_INET or AF_INET6 */
	char addr[NS_ADDRSTRLEN];
	int prefix;
	int scope;			   /* RT_SCOPE_* */
	uint32_t flags;			   /* IFA_F_* as the kernel reported them */
	char broadcast[NS_ADDRSTRLEN];	   /* IPv4 only; "" = none */
	char peer[NS_ADDRSTRLEN];	   /* point-to-point peer; "" = none */
	char label[IFNAMSIZ];		   /* IPv4 IFA_LABEL; "" = the device name */
	uint32_t valid_lft, preferred_lft; /* seconds left when read; NS_LFT_FOREVER */
	int64_t lft_at;			   /* CLOCK_BOOTTIME s when read; 0: none, forever */
	uint32_t metric;		   /* IFA_RT_PRIORITY: the prefix route's metric */
	uint8_t proto;			   /* IFAPROT_*: who made it (kernel link-local, RA, ...) */
};

/* One next hop of a multipath route. */
struct ns_nexthop {
	char gateway[NS_ADDRSTRLEN]; /* "" = on-link */
	int gw_family; /* AF_INET6: an IPv6 next hop of an IPv4 route (RTA_VIA); 0: the route's */
	int ifindex;
	uint32_t flags; /* RTNH_F_ONLINK only (the rest is state) */
	int weight;	/* rtnh_hops + 1 */
};

struct ns_route {
	int family;
	char dst[NS_ADDRSTRLEN]; /* "0.0.0.0" / "::" for default */
	int prefix;
	char gateway[NS_ADDRSTRLEN]; /* "" = on-link */
	/*
	 * AF_INET6 for an IPv4 route via an IPv6 next hop (RTA_VIA, RFC
	 * 5549); 0: gateway is of the route's own family (RTA_GATEWAY).
	 */
	int gw_family;
	int scope;
	char src[NS_ADDRSTRLEN]; /* preferred source (RTA_PREFSRC); "" = none */
	uint32_t metric;
	int protocol; /* RTPROT_* */
	uint32_t table;
	int type; /* RTN_* */
	int tos;
	uint32_t nh_flags;	  /* RTNH_F_* (onlink) */
	char from[NS_ADDRSTRLEN]; /* source prefix (RTA_SRC, IPv6 "from"); "" = none */
	int from_prefix;
	int pref;	       /* IPv6 RTA_PREF (ICMPV6_ROUTER_PREF_*); 0 = medium */
	uint32_t realms;       /* RTA_FLOW */
	uint32_t metrics_mask; /* bit i: metrics[i] (RTAX_i) was given */
	uint32_t metrics[NS_MAX_METRICS];
	char cc_algo[16]; /* RTAX_CC_ALGO; "" = none */
	int n_nexthops;	  /* 0: single path (gateway above), else RTA_MULTIPATH */
	struct ns_nexthop nexthops[NS_MAX_NEXTHOPS];
};

struct ns_dns {
	char nameservers[NS_MAX_NAMESERVERS][NS_ADDRSTRLEN];
	int n_nameservers;
	char search[NS_MAX_SEARCH][NS_DOMAINLEN];
	int n_search;
	char options[NS_MAX_OPTIONS][64];
	int n_options;
};

/* What discovery saw before anything changed. */
struct ns_pod {
	char iface[IFNAMSIZ];
	int ifindex;
	uint8_t mac[6];
	int mtu;
	bool up;
	struct ns_addr addrs[NS_MAX_ADDRS];
	int n_addrs;
	struct ns_route routes[NS_MAX_ROUTES];
	int n_routes;
	/*
	 * Routes through the interface that cannot be restored exactly
	 * (nexthop objects, encapsulation) and were left out of routes: only
	 * with NS_DISCOVER_SKIP_UNRESTORABLE, for a binding that never takes
	 * the interface down; unrestorable says why for the first.  Not in
	 * the cache.
	 */
	int n_unrestorable;
	char unrestorable[256]; /* as long as struct err's msg */
	/*
	 * routes covers every table but local (cache version 2); false for a
	 * version 1 cache, which held the main table only, so a restore leaves
	 * the other tables alone.
	 */
	bool all_tables;
	struct ns_dns dns;
	char hostname[256];
};

struct ns_binding {
	char bridge[IFNAMSIZ];
	char bridge_addr[NS_ADDRSTRLEN];
	char nic[IFNAMSIZ];
	uint8_t nic_mac[6];
	char placeholder[IFNAMSIZ];
	char placeholder_kind[16]; /* "" until created */
	char tap[IFNAMSIZ];
	int queues;
	int mtu;
	uint8_t guest_mac[6];
	bool l2_only;
	bool has_owner;
	uid_t tap_uid;
	gid_t tap_gid;
	enum ns_binding_kind kind; /* masquerade: no nic, no placeholder */
	struct ns_masq masq;	   /* kind == NS_BINDING_MASQUERADE only */
};

enum ns_phase { NS_PHASE_DISCOVERED, NS_PHASE_IN_PROGRESS, NS_PHASE_DONE };

/* One journal entry: a step whose undo must run on rollback. */
struct ns_journal_entry {
	char step[32];
	char old[32]; /* saved value (sysctl), "" when none */
};

struct ns_state {
	int version;
	enum ns_phase phase;
	struct ns_pod pod;
	struct ns_binding binding;
	struct ns_journal_entry journal[NS_MAX_JOURNAL];
	int n_journal;
};

/* ---- flags (netsetup/opts.c) ---- */

enum ns_cmd { NS_CMD_DISCOVER, NS_CMD_SETUP, NS_CMD_TEARDOWN, NS_CMD_RUN };

struct ns_opts {
	const char *iface;
	const char *state_dir;
	const char *tap_name;
	const char *resolv_conf;
	const char *bridge_addr;
	const char *vmm;
	int queues;
	int mtu; /* 0 = the pod's */
	bool has_owner;
	uid_t tap_uid;
	gid_t tap_gid;
	bool has_vmm_user; /* --vmm-user (run only) */
	uid_t vmm_uid;
	gid_t vmm_gid;
	const char *vhost; /* --vhost auto|on|off (run only); NULL: podvmm's default */
	bool no_dhcp;
	bool help;
	enum ns_binding_kind binding; /* --binding */
	bool has_guest_mac;	      /* --guest-mac */
	uint8_t guest_mac[6];
	bool has_masq_flags;	  /* --guest-cidr, --guest-cidr6 or --ports given */
	struct ns_masq_opts masq; /* defaults filled in by ns_opts_parse */
	/* Flags handed to the DHCP child verbatim (run only). */
	const char *dhcp_args[NS_MAX_DHCP_ARGS];
	int n_dhcp_args;
	/* VMM arguments after "--" (run only). */
	char **vmm_argv;
	int vmm_argc;
};

/*
 * Parse argv (argv[0] is the subcommand name).  Returns 0, or -EINVAL
 * (-E2BIG: too many DHCP flags) with e's message naming the flag.
 */
int ns_opts_parse(enum ns_cmd cmd, int argc, char **argv, struct ns_opts *o, struct err *e);
void ns_opts_usage(enum ns_cmd cmd, FILE *f);

/* ---- resolv.conf (netsetup/resolv.c) ---- */

/* Parse resolv.conf text; invalid entries are dropped and logged. */
void ns_resolv_parse(const char *text, struct ns_dns *dns);
/* Read and parse path; a missing file yields an empty result. */
int ns_resolv_read(const char *path, struct ns_dns *dns);
/* RFC 1035 2.3.1 (with RFC 1123 2.1 leading digits): lower-cases in place. */
bool ns_domain_normalize(char *name);

/* ---- MACs (netsetup/mac_random.c) ---- */

/* A unicast, locally administered MAC from random bytes, never equal to avoid. */
void ns_mac_from_random(const uint8_t rnd[6], const uint8_t avoid[6], uint8_t out[6]);
int ns_mac_random(const uint8_t avoid[6], uint8_t out[6]);

/* ---- plans (netsetup/plan.c) ---- */

/* Fill st->binding from st->pod and the options; nic_mac from rnd. */
int ns_plan_build(struct ns_state *st, const struct ns_opts *o, const uint8_t nic_mac[6],
		  struct err *e);

/*
 * The masquerade binding's part of the plan (netsetup/masq_plan.c), called
 * by ns_plan_build; ns_masq_plan_ipv6 then serves IPv6 only where the
 * namespace forwards it (ipv6_forwarding: net.ipv6.conf.all.forwarding).
 */
int ns_masq_plan(struct ns_state *st, const struct ns_opts *o, struct err *e);
void ns_masq_plan_ipv6(struct ns_state *st, bool ipv6_forwarding);
/* The binding's JSON for the cache, and back (netsetup/masq_state.c). */
json_t *ns_masq_to_json(const struct ns_masq *m);
int ns_masq_from_json(json_t *j, struct ns_masq *m, struct err *e);

/* ---- the cache (netsetup/state.c, netsetup/cache.c) ---- */

json_t *ns_pod_to_json(const struct ns_pod *pod);
json_t *ns_state_to_json(const struct ns_state *st);
/* 0, or -EINVAL (bad content: e says what), -EPROTO (foreign version). */
int ns_state_from_json(json_t *j, struct ns_state *st, struct err *e);
const char *ns_phase_name(enum ns_phase p);

/* <dir>/<iface>.json */
int ns_cache_path(const char *dir, const char *iface, char *out, size_t len);
/* Atomic: temp file, fsync, rename. */
int ns_cache_write(const char *path, const struct ns_state *st);
/* 0, -ENOENT (none: e untouched), -EINVAL/-EPROTO (corrupt/foreign; e says
 * what is wrong, step "cache"; the caller names the file). */
int ns_cache_read(const char *path, struct ns_state *st, struct err *e);
int ns_cache_remove(const char *path);
/*
 * Serialise setup/teardown on one interface: an exclusive flock on
 * <cache path>.lock, held until the returned fd is closed (O_CLOEXEC, so
 * it never reaches the VMM).  Returns the fd or a negative errno.
 */
int ns_cache_lock(const char *path);
/* Keep a cache that no longer describes the namespace as <path>.stale. */
int ns_cache_set_aside(const char *path);

/* ---- restoring addresses and routes (netsetup/restore_plan.c, pure) ---- */

/* Lifetimes to re-add a with at now (CLOCK_BOOTTIME s): -ETIME once expired. */
int ns_addr_lifetimes(const struct ns_addr *a, int64_t now, uint32_t *valid, uint32_t *pref);
/* Made by the kernel itself (link-local, SLAAC, temporary): never re-added. */
bool ns_addr_kernels(const struct ns_addr *a);
/* The same address (family, address, prefix, peer): what identifies it. */
bool ns_addr_same(const struct ns_addr *a, const struct ns_addr *b);
/* The order to re-add addrs[0..n) in so the kernel lists them as before. */
void ns_addr_order(const struct ns_addr *addrs, int n, int *order);
/* Every attribute equal. */
bool ns_route_eq(const struct ns_route *a, const struct ns_route *b);
/* The kernel's own (proto kernel, or in the local table): never re-added. */
bool ns_route_kernels(const struct ns_route *r);

/*
 * Given the cached routes and the live ones (both through the pod
 * interface): which live ones to delete (not cached, so a CNI had removed
 * them, as ptp removes the kernel's prefix routes; or cached with other
 * attributes) and which cached ones to add, in an order the kernel
 * accepts (on-link routes before the routes through a gateway, which the
 * kernel checks against them).  Kernel-owned routes are never added (the
 * kernel makes them with the addresses and the link), and live ones in the
 * local table are left alone.  Without all_tables only the main table is
 * touched.
 */
struct ns_route_plan {
	int del[NS_MAX_ROUTES], n_del;
	int add[NS_MAX_ROUTES], n_add;
};
void ns_route_plan(const struct ns_route *cached, int n_cached, const struct ns_route *live,
		   int n_live, bool all_tables, struct ns_route_plan *plan);

/* ---- discovery (netsetup/discover.c) ---- */

/*
 * e (may be NULL) says more where it can: a route that cannot be restored
 * exactly, which fails discovery (-EOPNOTSUPP) unless flags has
 * NS_DISCOVER_SKIP_UNRESTORABLE (then counted in pod->n_unrestorable, e
 * naming the first).
 */
#define NS_DISCOVER_SKIP_UNRESTORABLE 1
int ns_discover(const char *iface, const char *resolv_conf, struct ns_pod *pod, int flags,
		struct err *e);

/* ---- the transaction (netsetup/txn.c) ---- */

struct ns_txn {
	struct ns_state *st;
	const char *cache_path;
	/*
	 * A rollback that a new setup follows at once (an interrupted one
	 * found): routes from an IPv6 address still in DAD are not waited
	 * for, since the setup takes the address away again; if that setup
	 * cannot start, the caller rolls back again without it.
	 */
	bool retry;
};

/* Journal every step's undo, then run the steps; on failure roll back.
 * e names the failed step; a rollback's own failure is logged here, as
 * the second failure it is. */
int ns_txn_setup(struct ns_txn *t, struct err *e);
/* Undo every journaled step in reverse; idempotent.  e: the first undo
 * that failed (step "rollback"; later failures are logged as warnings). */
int ns_txn_rollback(struct ns_txn *t, struct err *e);

/*
 * The top-level operations used by the commands.  ns_setup: plan, run (or
 * recover and retry from the cache), leaving st as cached.  With lock_fd
 * non-NULL the cache lock stays held (fd in *lock_fd, close-on-exec).
 * Both fill cache_path first ("" until known) and, on failure, e with the
 * step that failed and why; the command logs it once, naming the file.
 */
int ns_setup(const struct ns_opts *o, struct ns_state *st, char *cache_path, size_t len,
	     int *lock_fd, struct err *e);
int ns_teardown(const struct ns_opts *o, char *cache_path, size_t len, struct err *e);

/* ---- taps (netsetup/tap_dev.c) ---- */

int ns_tap_create(const char *name, int queues, bool has_owner, uid_t uid, gid_t gid);
/* Open one fd per queue of a persistent tap (O_CLOEXEC set). */
int ns_tap_open(const char *name, int queues, int *fds);
int ns_tap_destroy(const char *name);

#endif
