#!/bin/bash
# A corrupt or foreign-version state cache is an error naming the file; it
# is never overwritten and the namespace is left alone.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

n=nsC$$
ns_new "$n" ptp
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
cache=$(pl_cache "$n")

check_refused() {
	local what=$1 cmd
	cp "$cache" "$STATE_ROOT/$n.orig"
	for cmd in setup teardown; do
		pl "$n" "$cmd" 2>"$STATE_ROOT/$n.log"
		rc=$?
		[ "$rc" = 1 ] || { cat "$STATE_ROOT/$n.log"; fail "$what: $cmd exit $rc, want 1"; }
		grep -q "\"file\":\"$cache\"" "$STATE_ROOT/$n.log" ||
			{ cat "$STATE_ROOT/$n.log"; fail "$what: $cmd error does not name $cache"; }
		jq -c 'select(.level == "error" and .step == null)' "$STATE_ROOT/$n.log" | grep -q . &&
			fail "$what: $cmd logged an error without its step"
		cmp -s "$cache" "$STATE_ROOT/$n.orig" || fail "$what: $cmd touched the cache"
		expect_same "$n" "$STATE_ROOT/$n.before" "$what: $cmd"
	done
	echo "ok $what refused"
}

printf '{"version": 1, "phase": "done", "pod": {' >"$cache"
check_refused "truncated JSON"
printf 'not json at all\n' >"$cache"
check_refused "garbage"

# A real cache from a killed setup, then edited.
rm -f "$cache"
cp "$STATE_ROOT/$n.before" "$STATE_ROOT/$n.pristine"
pl "$n" setup 2>/dev/null || fail "setup"
pl "$n" teardown 2>/dev/null || fail "teardown"
in_pod "$n" env PODLAUNCH_FAULT_KILL=pod_flush \
	"$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>/dev/null
ns_snapshot "$n" >"$STATE_ROOT/$n.killed"
cp "$cache" "$STATE_ROOT/$n.good"
jq '.version = 99' "$STATE_ROOT/$n.good" >"$cache"
cp "$STATE_ROOT/$n.killed" "$STATE_ROOT/$n.before"
check_refused "foreign version"
grep -q 'foreign version' "$STATE_ROOT/$n.log" || fail "foreign version not said"
jq '.pod.mac = "xx"' "$STATE_ROOT/$n.good" >"$cache"
check_refused "bad MAC"
jq 'del(.binding)' "$STATE_ROOT/$n.good" >"$cache"
check_refused "missing binding"

# The intact cache still recovers the killed setup.
cp "$STATE_ROOT/$n.good" "$cache"
pl "$n" teardown 2>/dev/null || fail "teardown with the good cache"
expect_same "$n" "$STATE_ROOT/$n.pristine" "teardown with the good cache"
echo PASS
