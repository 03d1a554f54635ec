#!/bin/bash
# Least privilege, shown: while `podlaunch run` serves the test guest in a
# CNI pod namespace, read /proc/PID/status of podvmm (what podlaunch exec'd)
# and of the DHCP child and assert the exact capability sets, no_new_privs
# and the seccomp mode:
#   podvmm: CapInh = CapPrm = CapEff = CapAmb = CapBnd = 0, NoNewPrivs 1,
#           Seccomp 2 on every thread;
#   DHCP child: CapPrm/CapEff within {CAP_NET_RAW}, CapInh = CapAmb = 0,
#           CapBnd within {CAP_NET_RAW}, NoNewPrivs 1.
# podlaunch itself before the exec lives only milliseconds (it holds
# CAP_NET_ADMIN only during setup); the exec'd process is what is checked.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/podns.sh
. tests/lib/podns.sh
ROOT=$PWD
PODLAUNCH=$ROOT/$BUILD/podlaunch
GUEST=$ROOT/$BUILD/guest/guest.elf

podns_require
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then echo "SKIP: /dev/kvm not usable"; exit 77; fi
if ! [ -x "$PODLAUNCH" ] || ! [ -x "$ROOT/$BUILD/podvmm" ]; then echo "SKIP: podlaunch/podvmm not built in $BUILD"; exit 77; fi
[ -f "$GUEST" ] || { echo "SKIP: test guest not built"; exit 77; }

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
fail() {
	echo "FAIL: $*"
	echo "--- log"; tail -n 20 "$work/err" 2>/dev/null
	exit 1
}

field() { awk -v k="$2:" '$1 == k {print $2}' "$1"; }
# hex capability set -> decimal bit mask
mask() { printf '%d' "0x$1"; }
NET_RAW=$((1 << 13))

podns_create "$NAME" ptp 10.244.7.0/24 || fail "CNI pod namespace"
printf 'nameserver 10.96.0.10\n' >"$work/resolv.conf"
ip netns exec "$NAME-pod" "$PODLAUNCH" run --state-dir "$work/state" --resolv-conf "$work/resolv.conf" \
	-- --kernel "$GUEST" --cpu-template baseline --console stdio >"$work/out" 2>"$work/err" </dev/null &
pid=$!
for _ in $(seq 1 120); do
	grep -aq '^LEASE ' "$work/out" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.5
done
grep -aq '^LEASE ' "$work/out" || fail "guest never got its lease"
[ "$(cat /proc/$pid/comm)" = podvmm ] || fail "pid $pid is $(cat /proc/$pid/comm), not podvmm"

st=/proc/$pid/status
for f in CapInh CapPrm CapEff CapAmb CapBnd; do
	v=$(field "$st" $f)
	[ "$(mask "$v")" = 0 ] || fail "podvmm $f is $v, expected 0"
done
[ "$(field "$st" NoNewPrivs)" = 1 ] || fail "podvmm NoNewPrivs is $(field "$st" NoNewPrivs)"
n=0
for t in /proc/"$pid"/task/*; do
	case $(cat "$t/comm") in kvm-*) continue ;; esac
	[ "$(field "$t/status" Seccomp)" = 2 ] || fail "podvmm thread ${t##*/} ($(cat "$t/comm")) not in seccomp filter mode"
	n=$((n + 1))
done
echo "podvmm $pid: CapInh/Prm/Eff/Amb/Bnd all 0, NoNewPrivs 1, seccomp on $n threads"

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
[ "$rc" = 0 ] || fail "podvmm exit $rc after SIGTERM"
echo PASS
