#!/bin/sh
# shellcheck shell=dash
# direct.sh ROOT LIST: the rig's scenarios without the node, for a host
# whose own /dev/kvm runs Linux guests (hardware KVM: tests/linux/run.sh
# picks this there).  ROOT is the node's root: node.cpio unpacked on the
# host, "/" inside a node (the `direct` scenario, which checks this path on
# the node's KVM).  The node's /init runs chrooted into ROOT in new mount,
# network and PID namespaces, so the scenarios see a loopback and the pods
# they make, never the host's links; pidof and kill reach only their own
# processes; /dev holds only the devices below, as nodes of its own, so a
# scenario can hide one (vhost-fallback renames /dev/vhost-net).  The host
# must have the node's modules loaded (run.sh modprobes them).  Output: the
# node's marker lines, as on its serial console.
set -eu
if [ "${1:-}" != --inside ]; then
	[ $# = 2 ] || { echo "usage: $0 ROOT NAME[:SECONDS],..." >&2; exit 2; }
	exec unshare -m -n -p -f --propagation private /bin/sh "$0" --inside "$@"
fi
root=$2 list=$3

# The devices, read before /dev is covered (ROOT may be /).
devs=
for d in null zero full random urandom tty kvm net/tun vhost-net; do
	[ -c "/dev/$d" ] || continue
	# shellcheck disable=SC2046  # major, minor (hex) and mode
	set -- $(stat -c '%t %T %a' "/dev/$d")
	devs="$devs $d:$((0x$1)):$((0x$2)):$3"
done

mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/var"
[ -e "$root/var/run" ] || ln -s /run "$root/var/run"
# This PID namespace's processes and this network namespace's links.
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount -t tmpfs -o mode=0755 dev "$root/dev"
for e in $devs; do
	IFS=: read -r d maj min mode <<EOF
$e
EOF
	case $d in */*) mkdir -p "$root/dev/${d%/*}" ;; esac
	mknod -m "$mode" "$root/dev/$d" c "$maj" "$min"
done
mkdir "$root/dev/pts"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs tmp "$root/tmp"
mount -t tmpfs run "$root/run"
exec chroot "$root" /init direct "$list"
