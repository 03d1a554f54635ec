#!/bin/bash
# Builds the rig's node and guest from Debian packages (tests/linux/lib.sh):
#   $BUILD/linux/vmlinuz      the Debian kernel (node and guest)
#   $BUILD/linux/node.cpio    the node's initramfs: busybox, the kvm/vhost/
#                             bridge/veth/dummy/nftables NAT modules, iproute2, the CNI
#                             plugins, podlaunch and podvmm with their
#                             libraries, the guest kernel (bzImage and the
#                             vmlinux ELF inside it), the guest initramfs
#                             and make demo's (demo/linux-initrd.sh)
# Downloads and extractions are cached in $BUILD/linux/cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/linux/lib.sh
. tests/linux/lib.sh

kpkg=$(rig_kernel_package)
kdir=$(rig_fetch "$kpkg")
kver=$(basename "$(ls -d "$kdir"/lib/modules/*)")
moddir=$kdir/lib/modules/$kver
# The package ships no modules.dep (its postinst runs depmod).
[ -s "$moddir/modules.dep" ] || depmod -b "$kdir" "$kver"
mkdir -p "$RIG"
cp "$kdir/boot/vmlinuz-$kver" "$RIG/vmlinuz"
[ -s "$RIG/vmlinux" ] || rig_extract_vmlinux "$RIG/vmlinuz" "$RIG/vmlinux" ||
	{ echo "no ELF payload in $RIG/vmlinuz" >&2; exit 1; }
iproute=$(rig_fetch iproute2)
cni=$(rig_fetch containernetworking-plugins)
dhclient=$(rig_fetch isc-dhcp-client)
dhcpcd=$(rig_fetch dhcpcd-base)
ethtool=$(rig_fetch ethtool)

# The guest: busybox, the virtio-net modules, the three DHCP clients.
g=$RIG/guest-root
rm -rf "$g"
mkdir -p "$g"/{bin,proc,sys,dev,etc,tmp,rig}
rig_busybox "$g"
rig_modules "$g" "$moddir" virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev \
	virtio_pci failover net_failover virtio_net
# The power-button modes' modules, apart: loaded only by guest/pwrbtn.sh
# (with the button driver loaded, podvmm's default --shutdown both would
# wait half the timeout before its Ctrl-Alt-Del in the other modes).
rig_modules "$g/rig/acpi" "$moddir" button evdev
cp tests/linux/guest/init "$g/init"
cp tests/linux/guest/inittab "$g/etc/inittab"
cp tests/linux/guest/{main.sh,pwrbtn.sh,pwrf.sh,who.sh,dial.sh,rx.sh,stats.sh,offloads.sh,sink.sh,src.sh,dhcp.sh,hook.sh,dhclient.conf,dhcpcd.conf,dhcpcd6.conf} "$g/rig/"
rig_copy_bin "$g" "$dhclient/sbin/dhclient" /sbin/dhclient
rig_copy_bin "$g" "$dhcpcd/usr/sbin/dhcpcd" /sbin/dhcpcd
# iproute2 reads back what each client configured (busybox ip does not show every route).
rig_copy_bin "$g" "$iproute/bin/ip" /rig/ip
# ethtool -k: the offloads the guest's virtio_net turned on.
rig_copy_bin "$g" "$ethtool/sbin/ethtool" /rig/ethtool
echo "root:x:0:0:root:/:/bin/sh" >"$g/etc/passwd"
echo "root:x:0:" >"$g/etc/group"

# The node.
n=$RIG/node-root
rm -rf "$n"
mkdir -p "$n"/{bin,proc,sys,dev,etc,tmp,rig/bin,rig/kernel,rig/node,usr/lib/cni}
rig_busybox "$n"
rig_modules "$n" "$moddir" irqbypass kvm ccp kvm-amd tun tap vhost_iotlb vhost vhost_net \
	llc stp bridge veth dummy crc32c_generic nf_tables nft_chain_nat nft_nat nft_masq
cp tests/linux/node/init "$n/init"
cp tests/linux/node/{run-scenarios.sh,scenarios.sh,vmlib.sh,netlib.sh,direct.sh} "$n/rig/node/"
rig_copy_bin "$n" "$iproute/bin/ip" /sbin/ip
for p in ptp host-local loopback; do cp "$cni/usr/lib/cni/$p" "$n/usr/lib/cni/"; done
rig_copy_bin "$n" "$BUILD/podvmm" /rig/bin/podvmm
rig_copy_bin "$n" "$BUILD/podlaunch" /rig/bin/podlaunch
cp "$RIG/vmlinuz" "$RIG/vmlinux" "$n/rig/kernel/"
rig_cpio "$g" "$n/rig/guest.cpio"
# make demo's Linux guest, as demo.sh builds it (the demo-guest scenario).
BUSYBOX=$(rig_fetch busybox-static)/bin/busybox demo/linux-initrd.sh "$n/rig/demo.cpio" \
	"$RIG/vmlinuz" "$moddir" >/dev/null
printf 'root:x:0:0:root:/:/bin/sh\nvmm:x:107:107::/:/bin/false\n' >"$n/etc/passwd"
printf 'root:x:0:\nvmm:x:107:\n' >"$n/etc/group"
rig_cpio "$n" "$RIG/node.cpio"
echo "$RIG/node.cpio: kernel $kver, $(du -m "$RIG/node.cpio" | cut -f1) MiB"

# make bench (bench/linux, RIG_BENCH=1): QEMU itself in the node, to boot
# the same guest with -M microvm -enable-kvm, in a second archive appended
# to the first (the kernel unpacks concatenated cpio archives in turn), so
# make check's node stays as it is.  microvm's firmware is qboot
# (bios-microvm.bin, qemu-system-data).
if [ -n "${RIG_BENCH:-}" ]; then
	b=$RIG/bench-root
	rm -rf "$b"
	mkdir -p "$b/usr/share/qemu" "$b/rig/node"
	rig_copy_bin "$b" "$(command -v qemu-system-x86_64)" /usr/bin/qemu-system-x86_64
	cp -L /usr/share/qemu/bios-microvm.bin "$b/usr/share/qemu/"
	cp tests/linux/node/bench.sh "$b/rig/node/"
	rig_cpio "$b" "$RIG/bench.cpio"
	cat "$RIG/node.cpio" "$RIG/bench.cpio" >"$RIG/node-bench.cpio"
	echo "$RIG/node-bench.cpio: the node plus QEMU, $(du -m "$RIG/node-bench.cpio" | cut -f1) MiB"
fi
