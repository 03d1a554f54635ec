#!/bin/bash
# Builds the initramfs the demo boots with a Linux kernel (KERNEL=... without
# INITRD=...): busybox-static, the virtio PCI/net modules of that kernel, and
# an /init that asks DHCP for the pod identity with udhcpc, applies it (address,
# option 121 routes, MTU, DNS), prints the same one-line `LEASE ...` as the
# in-tree test guest, answers ping, and reboots on Ctrl-Alt-Del (podvmm's
# SIGTERM path; reboot=k ends podvmm with exit 0).
#
#   linux-initrd.sh OUT.cpio KERNEL [MODULES_DIR]
#
# MODULES_DIR defaults to /lib/modules/<version of KERNEL>; BUSYBOX to the
# busybox on PATH (make demo passes busybox-static's from the package cache).
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 OUT.cpio KERNEL [MODULES_DIR]" >&2; exit 2; }
out=$1 kernel=$2
kver=$(basename "$kernel"); kver=${kver#vmlinuz-}
moddir=${3:-/lib/modules/$kver}
busybox=${BUSYBOX:-$(command -v busybox || true)}
if [ -z "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	echo "$0: needs busybox-static (a statically linked busybox)" >&2; exit 1
fi
[ -d "$moddir" ] || { echo "$0: no modules for $kver in $moddir (set MODULES_DIR)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,etc,modules,tmp}
cp "$busybox" "$root/bin/busybox"

# A module's dependencies from its .modinfo section (no kmod needed).
mod_file() { find "$moddir" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" | head -n 1; }
mod_cat() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*) cat "$1" ;;
	esac
}
order=''
add_mod() {
	local name=$1 f dep
	case " $order " in *" $name "*) return 0 ;; esac
	f=$(mod_file "$name")
	[ -n "$f" ] || return 0 # built in
	for dep in $(mod_cat "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_mod "$dep"
	done
	mod_cat "$f" >"$root/modules/$name.ko"
	order="$order $name"
}
for m in virtio_pci virtio_net; do add_mod "$m"; done
[ -n "$order" ] || echo "$0: note: virtio_pci/virtio_net not found as modules; assuming built in" >&2

cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in$order; do insmod /modules/\$m.ko; done
# podvmm turns SIGTERM into Ctrl-Alt-Del; with ctrl-alt-del=0 the kernel
# hands it to init as SIGINT instead of rebooting at once.
echo 0 >/proc/sys/kernel/ctrl-alt-del
trap 'echo "guest: powering off"; reboot -f' INT TERM
ip link set lo up
ip link set eth0 up || { echo "guest: no eth0"; sleep 5; reboot -f; }
until udhcpc -i eth0 -s /udhcpc.script -O staticroutes -O search -O mtu -t 10 -T 1 -n -q; do sleep 1; done
echo "net: serving icmp echo"
while :; do sleep 1; done
INIT

cat >"$root/udhcpc.script" <<'SCRIPT'
#!/bin/busybox sh
# busybox udhcpc hook: $ip $mask $router $dns $search $domain $mtu
# $hostname $staticroutes (RFC 3442 pairs "dst/len gw").
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
ip addr flush dev "$interface"
ip addr add "$ip/$mask" dev "$interface"
[ -z "$mtu" ] || ip link set "$interface" mtu "$mtu"
routes=''
if [ -n "$staticroutes" ]; then
	set -- $staticroutes
	while [ $# -ge 2 ]; do
		if [ "$2" = 0.0.0.0 ]; then ip route replace "$1" dev "$interface"; else ip route replace "$1" via "$2" dev "$interface" onlink; fi
		routes="$routes${routes:+,}${1}via$2"
		shift 2
	done
elif [ -n "$router" ]; then
	ip route replace default via "${router%% *}" dev "$interface"
fi
: >/etc/resolv.conf
for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
[ -z "${search:-$domain}" ] || echo "search ${search:-$domain}" >>/etc/resolv.conf
[ -z "$hostname" ] || hostname "$hostname"
list=$(echo ${search:-$domain} | tr ' ' ',')
dnslist=$(echo $dns | tr ' ' ',')
echo "LEASE ip=$ip/$mask gw=${router%% *} routes=$routes mtu=$mtu dns=$dnslist search=$list hostname=$hostname"
SCRIPT
chmod +x "$root/init" "$root/udhcpc.script"

# newc cpio (Documentation/driver-api/early-userspace/buffer-format.rst).
python3 - "$root" "$out" <<'PY'
import os, sys
root, out = sys.argv[1], sys.argv[2]
ino = 1
with open(out, "wb") as f:
    def entry(name, mode, data=b""):
        global ino
        hdr = "070701" + "".join("%08x" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0))
        ino += 1
        f.write(hdr.encode() + name.encode() + b"\0")
        f.write(b"\0" * ((4 - (110 + len(name) + 1) % 4) % 4))
        f.write(data)
        f.write(b"\0" * ((4 - len(data) % 4) % 4))
    for d, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(d, root)
        if rel != ".":
            entry(rel, 0o040755)
        for n in sorted(files):
            p = os.path.join(d, n)
            entry(os.path.normpath(os.path.join(rel, n)), 0o100755, open(p, "rb").read())
    entry("TRAILER!!!", 0)
PY
echo "$out: busybox, modules:${order:- none}"
