#!/bin/bash
# Least privilege, shown: while `podlaunch run` serves the test guest in a
# CNI pod namespace, read /proc/PID/status of podvmm (what podlaunch exec'd)
# and of the DHCP child and assert the exact capability sets, no_new_privs
# and the seccomp mode:
#   podvmm: CapInh = CapPrm = CapEff = CapAmb = CapBnd = 0, NoNewPrivs 1,
#           Seccomp 2 on every thread; with --vmm-user UID:GID also real,
#           effective, saved and fs uid/gid = UID/GID and no groups (the
#           second run, with two tap queues so the queue ioctls run as it);
#   DHCP child: CapPrm/CapEff within {CAP_NET_RAW}, CapInh = CapAmb = 0,
#           CapBnd within {CAP_NET_RAW}, NoNewPrivs 1.
# podlaunch itself before the exec lives only milliseconds (it holds
# CAP_NET_ADMIN only during setup); the exec'd process is what is checked.
# Last, podvmm started directly by root (no podlaunch) drops everything
# itself once its devices are open.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
# shellcheck source=tests/lib/podns.sh
. tests/lib/podns.sh
ROOT=$PWD
PODLAUNCH=$ROOT/$BUILD/podlaunch
GUEST=$ROOT/$BUILD/guest/guest.elf

podns_require
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then skip "/dev/kvm not usable"; fi
if ! [ -x "$PODLAUNCH" ] || ! [ -x "$ROOT/$BUILD/podvmm" ]; then skip "podlaunch/podvmm not built in $BUILD"; fi
[ -f "$GUEST" ] || skip "test guest not built"

NAME=hcap$$
NAME=${NAME:0:12}
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	podns_destroy "$NAME"
	rm -rf "$work"
}
trap cleanup EXIT
on_fail() {
	echo "--- log"; tail -n 20 "$work/err" 2>/dev/null
}

field() { awk -v k="$2:" '$1 == k {print $2}' "$1"; }
# hex capability set -> decimal bit mask
mask() { printf '%d' "0x$1"; }
NET_RAW=$((1 << 13))

podns_create "$NAME" ptp 10.244.7.0/24 || fail "CNI pod namespace"
printf 'nameserver 10.96.0.10\n' >"$work/resolv.conf"

# caps_zero PID WHAT: every capability set of PID is empty, NoNewPrivs 1.
caps_zero() {
	local st=/proc/$1/status f v
	for f in CapInh CapPrm CapEff CapAmb CapBnd; do
		v=$(field "$st" $f)
		[ "$(mask "$v")" = 0 ] || fail "$2 $f is $v, expected 0"
	done
	[ "$(field "$st" NoNewPrivs)" = 1 ] || fail "$2 NoNewPrivs is $(field "$st" NoNewPrivs)"
}

# ids_are PID UID GID WHAT: real, effective, saved and fs ids, no groups.
ids_are() {
	local st=/proc/$1/status
	[ "$(awk '$1 == "Uid:" {print $2, $3, $4, $5}' "$st")" = "$2 $2 $2 $2" ] ||
		fail "$4 Uid: $(grep '^Uid:' "$st"), expected $2 everywhere"
	[ "$(awk '$1 == "Gid:" {print $2, $3, $4, $5}' "$st")" = "$3 $3 $3 $3" ] ||
		fail "$4 Gid: $(grep '^Gid:' "$st"), expected $3 everywhere"
	[ -z "$(awk '$1 == "Groups:" {print $2}' "$st")" ] || fail "$4 $(grep '^Groups:' "$st")"
}

# check_run UID GID [podlaunch run flags...]
check_run() {
	local uid=$1 gid=$2 n t k f v rc st
	shift 2
	# The previous run's out still holds its LEASE line until the new
	# background job's redirection truncates it: remove it first, or the
	# wait below can see that line and read /proc/$pid while $pid is
	# still ip(8).
	rm -rf "$work/state" "$work/out" "$work/err"
	ip netns exec "$NAME-pod" "$PODLAUNCH" run --state-dir "$work/state" --resolv-conf "$work/resolv.conf" \
		"$@" -- --kernel "$GUEST" --cpu-template baseline --console stdio >"$work/out" 2>"$work/err" </dev/null &
	pid=$!
	wait_until 60 line_or_gone "$work/out" '^LEASE ' "$pid"
	grep -aq '^LEASE ' "$work/out" || fail "guest never got its lease ($*)"
	[ "$(cat /proc/$pid/comm)" = podvmm ] || fail "pid $pid is $(cat /proc/$pid/comm), not podvmm"

	caps_zero "$pid" podvmm
	ids_are "$pid" "$uid" "$gid" podvmm
	n=0
	for t in /proc/"$pid"/task/*; do
		case $(cat "$t/comm") in kvm-*) continue ;; esac
		[ "$(field "$t/status" Seccomp)" = 2 ] || fail "podvmm thread ${t##*/} ($(cat "$t/comm")) not in seccomp filter mode"
		n=$((n + 1))
	done
	echo "podvmm $pid ($*): uid $uid gid $gid, CapInh/Prm/Eff/Amb/Bnd all 0, NoNewPrivs 1, seccomp on $n threads"

	kids=$(pgrep -P "$pid")
	[ -n "$kids" ] || fail "no DHCP child under podvmm"
	for k in $kids; do
		st=/proc/$k/status
		for f in CapPrm CapEff CapBnd; do
			v=$(field "$st" $f)
			[ $(( $(mask "$v") & ~NET_RAW )) = 0 ] || fail "DHCP child $k $f is $v: more than CAP_NET_RAW"
		done
		for f in CapInh CapAmb; do
			v=$(field "$st" $f)
			[ "$(mask "$v")" = 0 ] || fail "DHCP child $k $f is $v, expected 0"
		done
		[ "$(field "$st" NoNewPrivs)" = 1 ] || fail "DHCP child $k NoNewPrivs is $(field "$st" NoNewPrivs)"
		echo "dhcp child $k: CapEff $(field "$st" CapEff) CapPrm $(field "$st" CapPrm) CapBnd $(field "$st" CapBnd) (within CAP_NET_RAW), NoNewPrivs 1"
	done
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] || fail "podvmm exit $rc after SIGTERM ($*)"
	ip netns exec "$NAME-pod" "$PODLAUNCH" teardown --state-dir "$work/state" 2>/dev/null ||
		fail "teardown after the run ($*)"
}

check_run 0 0
check_run 65534 65533 --vmm-user 65534:65533 --queues 2
grep -q '"msg":"privileges dropped","uid":65534,"gid":65533' "$work/err" || fail "podvmm did not log its switch"

# podvmm started by root directly, with every capability.
"$ROOT/$BUILD/podvmm" --kernel "$GUEST" --cmdline mode=hang --console none --shutdown-timeout 0 \
	</dev/null >/dev/null 2>"$work/err" &
pid=$!
wait_for "$work/err" '"guest started"' 10
grep -q '"guest started"' "$work/err" || fail "standalone podvmm did not start"
caps_zero "$pid" "standalone podvmm"
ids_are "$pid" 0 0 "standalone podvmm"
kill -TERM "$pid"; wait "$pid"; pid=
echo "standalone podvmm: CapInh/Prm/Eff/Amb/Bnd all 0, NoNewPrivs 1"
echo PASS
