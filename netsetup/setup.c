// SPDX-License-Identifier: MIT
/* setup and teardown as the commands see them: cache first, then the transaction. */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "netsetup/netsetup.h"
#include "netsetup/nl.h"

/*
 * Before the first step: the links the binding creates must not exist, and
 * the pod interface must be the one the cache describes.  A clash fails
 * here, with nothing journaled, so no undo can ever delete a foreign link.
 */
static int preflight(const struct ns_state *st)
{
	const struct ns_binding *b = &st->binding;
	const char *mine[] = { b->bridge, b->nic, b->tap };
	struct nl_sock *sk;
	struct nsnl_link l;
	int ret = nsnl_open(&sk);

	if (ret)
		return ret;
	ret = nsnl_link_get(sk, st->pod.ifindex, NULL, &l);
	if (ret || strcmp(l.name, st->pod.iface)) {
		log_error("netsetup", "pod interface is not where the cache says",
			  "{s:s, s:i}", "iface", st->pod.iface, "ifindex", st->pod.ifindex);
		ret = ret ?: -ENODEV;
		goto out;
	}
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
		ret = nsnl_link_get(sk, 0, mine[i], &l);
		if (ret == -ENODEV) {
			ret = 0;
			continue;
		}
		if (!ret) {
			log_error("netsetup", "a link with the binding's name already exists",
				  "{s:s}", "link", mine[i]);
			ret = -EEXIST;
		}
		goto out;
	}
out:
	nsnl_close(sk);
	return ret;
}

int ns_setup(const struct ns_opts *o, struct ns_state *st, char *path, size_t len)
{
	struct ns_txn t = { .st = st, .cache_path = path };
	char err[256];
	uint8_t mac[6];
	int ret;

	ret = ns_cache_path(o->state_dir, o->iface, path, len);
	if (ret)
		return ret;
	ret = ns_cache_read(path, st);
	if (!ret && st->phase == NS_PHASE_DONE) {
		log_info("netsetup", "binding already in place (cache says done); nothing to do",
			 "{s:s}", "file", path);
		return 0;
	}
	if (!ret) {
		/* The cache's pod state is the truth: the live interface may have lost it. */
		if (st->n_journal) {
			log_warn("netsetup", "interrupted setup found; rolling back before retrying",
				 "{s:s, s:i}", "file", path, "steps", st->n_journal);
			ret = ns_txn_rollback(&t);
			if (ret) {
				log_error("netsetup", "rollback of the interrupted setup failed",
					  "{s:s, s:s}", "file", path, "error", strerror(-ret));
				return ret;
			}
			st->n_journal = 0;
		}
	} else if (ret == -ENOENT) {
		memset(st, 0, sizeof(*st));
		ret = ns_discover(o->iface, o->resolv_conf, &st->pod);
		if (ret) {
			log_error("netsetup", "discovery failed", "{s:s, s:s}", "iface", o->iface,
				  "error", strerror(-ret));
			return ret;
		}
	} else {
		return ret;	/* corrupt or foreign: logged with the file name */
	}
	st->version = NS_CACHE_VERSION;

	ret = ns_mac_random(st->pod.mac, mac);
	if (!ret)
		ret = ns_plan_build(st, o, mac, err, sizeof(err));
	if (ret) {
		log_error("netsetup", "cannot plan the binding", "{s:s, s:s}", "step", "plan",
			  "error", ret == -ENAMETOOLONG || ret == -EINVAL ? err : strerror(-ret));
		return ret;
	}
	if (st->binding.l2_only)
		log_info("netsetup", "no IPv4 address on the pod interface: L2-only binding, no DHCP",
			 "{s:s}", "iface", st->pod.iface);
	ret = preflight(st);
	if (ret)
		return ret;
	ret = ns_txn_setup(&t);
	if (!ret)
		log_info("netsetup", "bridge binding in place", "{s:s, s:s, s:s, s:s, s:s}",
			 "bridge", st->binding.bridge, "nic", st->binding.nic, "tap",
			 st->binding.tap, "placeholder", st->binding.placeholder,
			 "placeholder_kind", st->binding.placeholder_kind);
	return ret;
}

int ns_teardown(const struct ns_opts *o)
{
	struct ns_state st;
	struct ns_txn t = { .st = &st };
	char path[4096];
	int ret;

	ret = ns_cache_path(o->state_dir, o->iface, path, sizeof(path));
	if (ret)
		return ret;
	t.cache_path = path;
	ret = ns_cache_read(path, &st);
	if (ret == -ENOENT) {
		log_info("netsetup", "no state cache; nothing to tear down", "{s:s}", "file", path);
		return 0;
	}
	if (ret)
		return ret;
	ret = ns_txn_rollback(&t);
	if (ret) {
		log_error("netsetup", "teardown incomplete; the cache is kept for another try",
			  "{s:s, s:s}", "file", path, "error", strerror(-ret));
		return ret;
	}
	ret = ns_cache_remove(path);
	if (ret)
		log_error("netsetup", "cannot remove the state cache", "{s:s, s:s}", "file", path,
			  "error", strerror(-ret));
	else
		log_info("netsetup", "binding torn down; the pod interface is back", "{s:s}",
			 "iface", st.pod.iface);
	return ret;
}
