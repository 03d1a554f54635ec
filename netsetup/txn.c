// SPDX-License-Identifier: MIT
/*
 * The bridge binding as a transaction.  The journal of every step's undo
 * goes into the cache (atomically) before the first step acts, and every
 * undo is idempotent: it works from the cached pre-binding state and is a
 * no-op for a step that never acted (preflight guarantees the names the
 * binding creates were free, so what carries them is ours).  So whatever
 * instant a SIGKILL lands at, the next run finds the cache "in-progress",
 * runs the undos in reverse and retries from scratch.  Journaling the whole
 * plan at once costs one cache write instead of one per step.
 *
 * Test-only fault injection: PODLAUNCH_FAULT_STEP=<step> fails that step
 * right after it acted (so its own undo is exercised too);
 * PODLAUNCH_FAULT_KILL=<step> SIGKILLs the process at the same point;
 * PODLAUNCH_FAULT_KILL_BEFORE=<step> SIGKILLs it just before the step acts.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "netsetup/steps.h"

/* ---- helpers the steps share ---- */

int steps_ifindex(struct step_ctx *c, const char *name)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, 0, name, &l);

	return ret ? ret : l.ifindex;
}

int steps_del_named(struct step_ctx *c, const char *name, const char *kind1, const char *kind2)
{
	struct nsnl_link l;
	int ret = nsnl_link_get(c->sk, 0, name, &l);

	if (ret == -ENODEV)
		return 0;
	if (ret)
		return ret;
	/* Never delete the pod interface or something that is not ours. */
	if (l.ifindex == c->st->pod.ifindex ||
	    (strcmp(l.kind, kind1) && (!kind2 || strcmp(l.kind, kind2))))
		return 0;
	ret = nsnl_link_del(c->sk, l.ifindex);
	return ret == -ENODEV ? 0 : ret;
}

/* ---- the plan ---- */

static const struct step steps[] = {
	{ "pod_down", NULL, step_pod_down_act, step_pod_down_undo },
	{ "pod_flush", NULL, step_pod_flush_act, step_pod_flush_undo },
	{ "pod_rename", NULL, step_pod_rename_act, step_pod_rename_undo },
	{ "pod_mac", NULL, step_pod_mac_act, step_pod_mac_undo },
	{ "pod_mtu", NULL, step_pod_mtu_act, step_pod_mtu_undo },
	{ "bridge_create", NULL, step_bridge_create_act, step_bridge_create_undo },
	{ "bridge_conf", NULL, step_bridge_conf_act, step_bridge_conf_undo },
	{ "bridge_addr", NULL, step_bridge_addr_act, step_bridge_addr_undo },
	{ "bridge_up", NULL, step_bridge_up_act, step_bridge_up_undo },
	{ "nic_enslave", NULL, step_nic_enslave_act, step_nic_enslave_undo },
	{ "nic_learning", NULL, step_nic_learning_act, step_nic_learning_undo },
	{ "nic_up", NULL, step_nic_up_act, step_nic_up_undo },
	{ "tap_create", NULL, step_tap_create_act, step_tap_create_undo },
	{ "tap_attach", NULL, step_tap_attach_act, step_tap_attach_undo },
	{ "placeholder_create", NULL, step_placeholder_create_act, step_placeholder_create_undo },
	{ "placeholder_addr", NULL, step_placeholder_addr_act, step_placeholder_addr_undo },
};

#define N_STEPS (int)(ARRAY_SIZE(steps))

/*
 * The masquerade binding: the bridge binding's own steps where they fit
 * (same names, so a journal reads the same whichever table wrote it), the
 * pod interface left alone but for its forwarding setting, and the
 * nftables table last, so that nothing is NAT'ed to a guest subnet that
 * is not there yet.
 */
static const struct step masq_steps[] = {
	{ "bridge_create", NULL, step_bridge_create_act, step_bridge_create_undo },
	{ "guest_bridge_conf", NULL, step_guest_bridge_conf_act, step_guest_bridge_conf_undo },
	{ "guest_bridge_addr", NULL, step_guest_bridge_addr_act, step_guest_bridge_addr_undo },
	{ "bridge_up", NULL, step_bridge_up_act, step_bridge_up_undo },
	{ "tap_create", NULL, step_tap_create_act, step_tap_create_undo },
	{ "tap_attach", NULL, step_tap_attach_act, step_tap_attach_undo },
	{ "pod_forwarding", step_pod_forwarding_prep, step_pod_forwarding_act,
	  step_pod_forwarding_undo },
	{ "nft_table", NULL, step_nft_table_act, step_nft_table_undo },
};

#define N_MASQ_STEPS (int)(ARRAY_SIZE(masq_steps))

static const struct step *plan_steps(const struct ns_state *st, int *n)
{
	if (st->binding.kind == NS_BINDING_MASQUERADE) {
		*n = N_MASQ_STEPS;
		return masq_steps;
	}
	*n = N_STEPS;
	return steps;
}

/*
 * A journal written by an older podlaunch may start with "arp_ignore",
 * which set net.ipv4.conf.all.arp_ignore through /proc/sys.  The bridge
 * carries the setting now and /proc/sys is not written any more, so that
 * entry's undo leaves conf.all as it is (it was 1 from the pod spec in a
 * real pod, where the old step wrote nothing) and the rest undoes as usual.
 */
static int legacy_arp_undo(struct step_ctx *c, const struct ns_journal_entry *je)
{
	log_info("netsetup", "journal from an older podlaunch; conf.all.arp_ignore left as it is",
		 "{s:s}", "saved", je->old);
	return 0;
}

static const struct step legacy_steps[] = {
	{ "arp_ignore", NULL, NULL, legacy_arp_undo },
};

static const struct step *step_find(const char *name)
{
	for (int i = 0; i < N_STEPS; i++)
		if (!strcmp(steps[i].name, name))
			return &steps[i];
	for (int i = 0; i < N_MASQ_STEPS; i++)
		if (!strcmp(masq_steps[i].name, name))
			return &masq_steps[i];
	for (size_t i = 0; i < ARRAY_SIZE(legacy_steps); i++)
		if (!strcmp(legacy_steps[i].name, name))
			return &legacy_steps[i];
	return NULL;
}

static bool env_is(const char *var, const char *step)
{
	const char *v = getenv(var);

	return v && !strcmp(v, step);
}

/* "k6t" in ASCII: the link group the binding's own links are deleted through. */
#define NS_LINK_GROUP 0x6b3674

/*
 * Delete the links the binding created in one kernel batch (see
 * nsnl_group_del), when they can be told apart with certainty: each found
 * by name with the expected kind, and no other link in the group.  Anything
 * unexpected leaves the job to the per-step undos, which also finish it
 * after a SIGKILL between the two requests.
 */
static void batch_delete(struct step_ctx *c)
{
	const struct ns_binding *b = &c->st->binding;
	const struct {
		const char *name, *kind1, *kind2;
	} links[] = {
		{ b->placeholder, "dummy", "bridge" },
		{ b->tap, "tun", NULL },
		{ b->bridge, "bridge", NULL },
	};
	int ours[3], n = 0, foreign;

	for (int i = 0; i < 3; i++) {
		struct nsnl_link l;

		if (!links[i].name[0] || nsnl_link_get(c->sk, 0, links[i].name, &l) ||
		    l.ifindex == c->st->pod.ifindex ||
		    (strcmp(l.kind, links[i].kind1) &&
		     (!links[i].kind2 || strcmp(l.kind, links[i].kind2))))
			continue;
		if (nsnl_link_set_group(c->sk, l.ifindex, NS_LINK_GROUP))
			return;
		ours[n++] = l.ifindex;
	}
	if (n < 2 || nsnl_group_members(c->sk, NS_LINK_GROUP, ours, n, &foreign) != n || foreign)
		return;
	if (nsnl_group_del(NS_LINK_GROUP))
		log_debug("netsetup", "batched link delete failed; deleting one by one", NULL);
}

/*
 * Undo journal entries [0, upto) in reverse, all of them whatever fails:
 * the first failure goes up in e, any after it is logged here.
 */
static int rollback(struct step_ctx *c, int upto, struct err *e)
{
	struct ns_state *st = c->st;
	struct err later;
	int first = 0;

	if (upto > 1)
		batch_delete(c);

	for (int i = upto - 1; i >= 0; i--) {
		const struct ns_journal_entry *je = &st->journal[i];
		const struct step *s = step_find(je->step);
		int ret;

		if (!s)
			ret = err_set(first ? &later : e, EINVAL, "unknown step %s in the journal",
				      je->step);
		else if ((ret = s->undo(c, je)))
			err_sys(first ? &later : e, ret, "undo %s", je->step);
		if (ret && first)
			err_log("netsetup", "undo failed as well", &later, "{s:s}", "step",
				"rollback");
		else if (ret)
			first = err_at(e, "rollback", ret);
		else
			log_debug("netsetup", "undone", "{s:s}", "step", je->step);
	}
	return first;
}

int ns_txn_rollback(struct ns_txn *t, struct err *e)
{
	struct step_ctx c = { .st = t->st, .retry = t->retry };
	int ret = nsnl_open(&c.sk);

	if (ret)
		return err_at(e, "rollback", err_sys(e, ret, "netlink socket"));
	ret = rollback(&c, t->st->n_journal, e);
	nsnl_close(c.sk);
	return ret;
}

/* A step, or the journal write before the steps, failed: e says which. */
static int step_failed(struct err *e, const char *step, const char *what, int ret)
{
	if (!ret)
		return 0;
	err_sys(e, ret, "%s", what);
	return err_at(e, step, ret);
}

int ns_txn_setup(struct ns_txn *t, struct err *e)
{
	struct ns_state *st = t->st;
	struct step_ctx c = { .st = st };
	int n_steps, ret = nsnl_open(&c.sk), rb, i;
	const struct step *plan = plan_steps(st, &n_steps);
	struct err rbe = { 0 };

	if (ret)
		return step_failed(e, "netlink", "netlink socket", ret);
	st->n_journal = 0;
	for (i = 0; i < n_steps; i++) {
		struct ns_journal_entry *je = &st->journal[st->n_journal++];

		memset(je, 0, sizeof(*je));
		snprintf(je->step, sizeof(je->step), "%s", plan[i].name);
		ret = plan[i].prep ? plan[i].prep(&c, je) : 0;
		if (ret) {
			step_failed(e, plan[i].name, "cannot prepare the step", ret);
			goto out;
		}
	}
	st->phase = NS_PHASE_IN_PROGRESS;
	ret = ns_cache_write(t->cache_path, st);
	if (ret) {
		step_failed(e, "journal", "cannot write the state cache", ret);
		goto out;
	}
	for (i = 0; i < n_steps; i++) {
		const struct step *s = &plan[i];

		if (env_is("PODLAUNCH_FAULT_KILL_BEFORE", s->name))
			raise(SIGKILL);
		ret = s->act(&c);
		if (!ret && env_is("PODLAUNCH_FAULT_KILL", s->name))
			raise(SIGKILL);
		if (!ret && env_is("PODLAUNCH_FAULT_STEP", s->name)) {
			log_warn("netsetup", "injected fault", "{s:s}", "step", s->name);
			ret = -EIO;
		}
		if (ret) {
			step_failed(e, s->name, "setup step failed", ret);
			goto rollback;
		}
		log_debug("netsetup", "step done", "{s:s}", "step", s->name);
	}
	st->phase = NS_PHASE_DONE;
	ret = ns_cache_write(t->cache_path, st);
	if (!ret)
		goto out;
	step_failed(e, "done", "cannot write the state cache", ret);
	i = n_steps - 1;
rollback:
	/* The step's failure goes up; the rollback's is a second one, logged here. */
	rb = rollback(&c, i + 1, &rbe);
	if (rb)
		err_log("netsetup",
			"rollback incomplete; the cache keeps the journal for the next run", &rbe,
			"{s:s}", "file", t->cache_path);
	else if ((rb = step_failed(&rbe, "cache", "cannot remove the state cache",
				   ns_cache_remove(t->cache_path))))
		err_log("netsetup", "rolled back, but the cache is left", &rbe, "{s:s}", "file",
			t->cache_path);
	else
		log_info("netsetup", "rolled back; the namespace is as it was", "{s:s}", "step",
			 e->step);
out:
	nsnl_close(c.sk);
	return ret;
}
