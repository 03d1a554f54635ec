// SPDX-License-Identifier: MIT
/* setup and teardown as the commands see them: cache first, then the transaction. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "netsetup/drift.h"
#include "netsetup/masq_setup.h"
#include "netsetup/netsetup.h"
#include "netsetup/nl.h"

/*
 * Before the first step: the links the binding creates must not exist, and
 * the pod interface must be the one the cache describes.  A clash fails
 * here, with nothing journaled, so no undo can ever delete a foreign link.
 */
static int preflight(const struct ns_state *st, struct err *e)
{
	const struct ns_binding *b = &st->binding;
	const char *mine[] = { b->bridge, b->nic, b->tap };
	struct nl_sock *sk;
	struct nsnl_link l;
	int ret = nsnl_open(&sk);

	if (ret)
		return err_at(e, "preflight", err_sys(e, ret, "netlink socket"));
	ret = nsnl_link_get(sk, st->pod.ifindex, NULL, &l);
	if (ret || strcmp(l.name, st->pod.iface)) {
		ret = err_at(e, "preflight",
			     err_set(e, ret ?: -ENODEV,
				     "pod interface %s is not "
				     "where the cache says (ifindex %d)",
				     st->pod.iface, st->pod.ifindex));
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(mine); i++) {
		if (!mine[i][0])
			continue; /* masquerade: no nic */
		ret = nsnl_link_get(sk, 0, mine[i], &l);
		if (ret == -ENODEV) {
			ret = 0;
			continue;
		}
		if (!ret)
			ret = err_set(e, EEXIST,
				      "a link with the binding's name already exists: %s", mine[i]);
		else
			err_sys(e, ret, "cannot look up link %s", mine[i]);
		ret = err_at(e, "preflight", ret);
		goto out;
	}
	if (b->kind == NS_BINDING_MASQUERADE)
		ret = ns_masq_preflight(st, e);
out:
	nsnl_close(sk);
	return ret;
}

enum liveness { BINDING_LIVE, BINDING_ABSENT, BINDING_PARTIAL };

/*
 * Is the cached "done" binding what this namespace holds?  Absent means a
 * new namespace (the pod sandbox was recreated while the state directory
 * survived): nothing of ours exists and the pod's name belongs to a link
 * that is not our placeholder.  Partial means something removed a piece.
 */
static int binding_state(const struct ns_state *st)
{
	const struct ns_binding *b = &st->binding;
	struct ns_addr addrs[NS_MAX_ADDRS];
	struct nsnl_link nic, l, pod;
	struct nl_sock *sk;
	bool nic_ok, nic_named, br, tap, ph_ours, pod_named, fresh_addr = false;
	int ret = nsnl_open(&sk), n = 0;

	if (ret)
		return ret;
	nic_ok = !nsnl_link_get(sk, st->pod.ifindex, NULL, &nic) && !strcmp(nic.name, b->nic);
	nic_named = !nsnl_link_get(sk, 0, b->nic, &l);
	br = !nsnl_link_get(sk, 0, b->bridge, &l);
	tap = !nsnl_link_get(sk, 0, b->tap, &l);
	pod_named = !nsnl_link_get(sk, 0, b->placeholder, &pod);
	ph_ours = pod_named && pod.ifindex != st->pod.ifindex &&
		  !strcmp(pod.kind, b->placeholder_kind) && !memcmp(pod.mac, st->pod.mac, 6);
	if (pod_named && !nsnl_addr_list(sk, pod.ifindex, addrs, NS_MAX_ADDRS, &n))
		for (int i = 0; i < n; i++)
			fresh_addr |= addrs[i].family == AF_INET ||
				      (addrs[i].family == AF_INET6 &&
				       addrs[i].scope == RT_SCOPE_UNIVERSE);
	nsnl_close(sk);
	if (nic_ok && br && tap && ph_ours)
		return BINDING_LIVE;
	/*
	 * Only a namespace whose CNI has configured the pod interface afresh
	 * counts as new: one with an address where the cache had one.  Any
	 * other mismatch is repaired from the cache, which never loses the
	 * pod IP.
	 */
	if (!br && !tap && !ph_ours && !nic_named && pod_named && (b->l2_only || fresh_addr))
		return BINDING_ABSENT;
	return BINDING_PARTIAL;
}

/* Plan the binding and run it as a transaction (which rolls back on failure). */
static int plan_and_run(const struct ns_opts *o, struct ns_state *st, struct ns_txn *tp,
			struct err *e)
{
	uint8_t mac[6];
	int ret;

	ret = ns_mac_random(st->pod.mac, mac);
	if (ret)
		return err_at(e, "plan", err_sys(e, ret, "cannot pick the nic's MAC"));
	ret = ns_plan_build(st, o, mac, e);
	if (ret)
		return err_at(e, "plan", ret);
	if (st->binding.l2_only)
		log_info(
			"netsetup",
			"no IPv4 and no global IPv6 address on the pod interface: L2-only binding, no DHCP",
			"{s:s}", "iface", st->pod.iface);
	ns_masq_ipv6_gate(st);
	ret = preflight(st, e);
	if (ret)
		return ret;
	ret = ns_txn_setup(tp, e);
	if (!ret && st->binding.kind == NS_BINDING_MASQUERADE)
		log_info("netsetup", "masquerade binding in place", "{s:s, s:s, s:s, s:s, s:s}",
			 "bridge", st->binding.bridge, "tap", st->binding.tap, "table",
			 st->binding.masq.table, "guest", st->binding.masq.v4.guest, "pod_ip",
			 st->binding.masq.v4.pod);
	else if (!ret)
		log_info("netsetup", "bridge binding in place", "{s:s, s:s, s:s, s:s, s:s}",
			 "bridge", st->binding.bridge, "nic", st->binding.nic, "tap",
			 st->binding.tap, "placeholder", st->binding.placeholder,
			 "placeholder_kind", st->binding.placeholder_kind);
	return ret;
}

/*
 * A "done" masquerade binding: 0 when in place, else what to do next
 * (NS_MASQ_PARTIAL: roll back from the cache and redo; NS_MASQ_ABSENT:
 * the journal's undos are all no-ops or restore the pod interface's
 * forwarding, then the cache is set aside and the pod discovered anew).
 */
static int masq_done(struct ns_txn *t, const char *path, struct err *e)
{
	int ret = ns_masq_binding_state(t->st);

	if (ret == NS_MASQ_LIVE) {
		log_info("netsetup", "binding already in place (cache says done); nothing to do",
			 "{s:s, s:s}", "file", path, "binding", "masquerade");
		return 0;
	}
	if (ret < 0)
		return err_at(e, "check", err_sys(e, ret, "cannot check the cached binding"));
	if (ret == NS_MASQ_PARTIAL)
		return ret; /* the journal is rolled back below */
	log_warn("netsetup",
		 "the cached binding is not in this network namespace "
		 "(recreated?); keeping the cache as .stale and starting over",
		 "{s:s}", "file", path);
	ret = ns_txn_rollback(t, e) ?:
				      err_at(e, "cache",
					     err_sys(e, ns_cache_set_aside(path), "cannot set the cache aside"));
	return ret ? ret : NS_MASQ_ABSENT;
}

static int setup_locked(const struct ns_opts *o, struct ns_state *st, char *path, struct err *e)
{
	struct ns_txn t = { .st = st, .cache_path = path };
	static struct ns_journal_entry old_journal[NS_MAX_JOURNAL];
	int ret, n_old = 0;

	ret = ns_cache_read(path, st, e);
	if (!ret && st->phase == NS_PHASE_DONE && st->binding.kind == NS_BINDING_MASQUERADE) {
		ret = masq_done(&t, path, e);
		if (ret <= 0)
			return ret;
		ret = ret == NS_MASQ_ABSENT ? -ENOENT : 0;
	} else if (!ret && st->phase == NS_PHASE_DONE) {
		ret = binding_state(st);
		if (ret == BINDING_LIVE) {
			/* Names alone are not a binding: state drifts under them. */
			ret = ns_binding_repair(st);
			if (!ret) {
				log_info("netsetup",
					 "binding already in place (cache says done); "
					 "nothing to do",
					 "{s:s}", "file", path);
				return 0;
			}
			if (ret > 0) {
				log_info("netsetup", "binding repaired in place (cache says done)",
					 "{s:s, s:i}", "file", path, "repairs", ret);
				return 0;
			}
			if (ret != -ESTALE)
				return err_at(e, "check",
					      err_sys(e, ret, "cannot check the cached binding"));
			ret = BINDING_PARTIAL;
		}
		if (ret == BINDING_ABSENT) {
			log_warn("netsetup",
				 "the cached binding is not in this network namespace "
				 "(recreated?); keeping the cache as .stale and starting over",
				 "{s:s}", "file", path);
			ret = ns_cache_set_aside(path);
			if (ret)
				return err_at(e, "cache",
					      err_sys(e, ret, "cannot set the cache aside"));
			ret = -ENOENT;
		} else if (ret == BINDING_PARTIAL) {
			log_warn("netsetup",
				 "the cached binding is only partly in place or cannot "
				 "be repaired; rolling it back and setting up again",
				 "{s:s}", "file", path);
			ret = 0;
		} else {
			return err_at(e, "check",
				      err_sys(e, ret, "cannot check the cached binding"));
		}
	}
	if (!ret) {
		/* The cache's pod state is the truth: the live interface may have lost it. */
		if (st->n_journal) {
			log_warn("netsetup",
				 "interrupted setup found; rolling back before retrying",
				 "{s:s, s:i}", "file", path, "steps", st->n_journal);
			t.retry = true;
			ret = ns_txn_rollback(&t, e);
			t.retry = false;
			if (ret)
				return ret; /* step "rollback": of the interrupted setup */
			memcpy(old_journal, st->journal, sizeof(old_journal));
			n_old = st->n_journal;
			st->n_journal = 0;
		}
	} else if (ret == -ENOENT) {
		memset(st, 0, sizeof(*st));
		/*
		 * The masquerade binding leaves the pod interface up with its
		 * routes, so a route it could not restore is no obstacle: it is
		 * never taken away.  The bridge binding takes the interface down.
		 */
		ret = ns_discover(
			o->iface, o->resolv_conf, &st->pod,
			o->binding == NS_BINDING_MASQUERADE ? NS_DISCOVER_SKIP_UNRESTORABLE : 0, e);
		if (!ret && st->pod.n_unrestorable)
			log_info("netsetup",
				 "routes the masquerade binding leaves alone are not recorded",
				 "{s:s, s:i, s:s}", "iface", o->iface, "routes",
				 st->pod.n_unrestorable, "first", st->pod.unrestorable);
		/* A failure here is before any change: the namespace is as it was. */
		if (ret && !e->code)
			err_sys(e, ret, "discovery of %s failed", o->iface);
		if (ret)
			return err_at(e, "discover", ret);
	} else {
		return ret; /* corrupt or foreign: e says what is wrong */
	}
	st->version = NS_CACHE_VERSION;
	ret = plan_and_run(o, st, &t, e);
	if (ret && n_old) {
		/*
		 * The retry failed: the fast rollback above left routes from
		 * addresses in DAD out, so roll back again, all of it (every undo
		 * is idempotent: after the retry's own rollback this only checks).
		 */
		struct err rbe = { 0 };

		memcpy(st->journal, old_journal, sizeof(old_journal));
		st->n_journal = n_old;
		if (ns_txn_rollback(&t, &rbe)) /* a second failure: the retry's goes up */
			err_log("netsetup", "rollback of the interrupted setup failed", &rbe,
				"{s:s}", "file", path);
	}
	return ret;
}

/* The cache lock serialises concurrent podlaunch runs on one interface. */
static int cache_lock(const char *path, struct err *e)
{
	int lock = ns_cache_lock(path);

	if (lock < 0)
		return err_at(e, "lock", err_sys(e, lock, "cannot lock the state cache"));
	return lock;
}

/* The cache's path, "" until known. */
static int cache_path(const struct ns_opts *o, char *path, size_t len, struct err *e)
{
	path[0] = 0;
	return err_at(e, "cache",
		      err_sys(e, ns_cache_path(o->state_dir, o->iface, path, len),
			      "cannot name the state cache"));
}

int ns_setup(const struct ns_opts *o, struct ns_state *st, char *path, size_t len, int *lock_fd,
	     struct err *e)
{
	int ret, lock;

	ret = cache_path(o, path, len, e);
	if (ret)
		return ret;
	lock = cache_lock(path, e);
	if (lock < 0)
		return lock;
	ret = setup_locked(o, st, path, e);
	if (ret || !lock_fd)
		close(lock);
	else
		*lock_fd = lock;
	return ret;
}

static int teardown_locked(struct ns_txn *t, struct err *e)
{
	int ret = ns_cache_read(t->cache_path, t->st, e);

	if (ret == -ENOENT) {
		log_info("netsetup", "no state cache; nothing to tear down", "{s:s}", "file",
			 t->cache_path);
		return 0;
	}
	if (ret)
		return ret; /* corrupt or foreign: e says what is wrong */
	/* A teardown killed halfway must not leave a "done" cache over a
	 * half-restored namespace: the next setup would take it for a new
	 * namespace and rediscover a pod interface without its address.  As
	 * an interrupted transaction, its undos are finished by the next
	 * setup or teardown, from the cache. */
	if (t->st->phase == NS_PHASE_DONE) {
		t->st->phase = NS_PHASE_IN_PROGRESS;
		ret = ns_cache_write(t->cache_path, t->st);
		if (ret)
			return err_at(e, "cache",
				      err_sys(e, ret, "cannot mark the state cache for teardown"));
	}
	/* Incomplete: the cache is kept for another try (step "rollback"). */
	ret = ns_txn_rollback(t, e);
	if (ret)
		return ret;
	ret = ns_cache_remove(t->cache_path);
	if (ret)
		return err_at(e, "cache", err_sys(e, ret, "cannot remove the state cache"));
	log_info("netsetup", "binding torn down; the pod interface is back", "{s:s}", "iface",
		 t->st->pod.iface);
	return 0;
}

int ns_teardown(const struct ns_opts *o, char *path, size_t len, struct err *e)
{
	struct ns_state st;
	struct ns_txn t = { .st = &st };
	int ret, lock;

	ret = cache_path(o, path, len, e);
	if (ret)
		return ret;
	t.cache_path = path;
	lock = cache_lock(path, e);
	if (lock < 0)
		return lock;
	ret = teardown_locked(&t, e);
	close(lock);
	return ret;
}
