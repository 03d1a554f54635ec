#!/bin/bash
# Boots Debian's linux-image-amd64 with a busybox-static initramfs that
# loads the virtio modules, prints a marker and powers off: ACPI S5 through
# the FADT's PM1a_CNT and \_S5 (vmm/x86/acpi.c) ends podvmm with exit 0.  Only where KVM runs guests in
# hardware: a software KVM (like the build machines' kvm_pvm) emulates
# instructions Linux needs (cmpxchg16b, xsave, SSE), and Linux never
# finishes booting there.  The KVM check comes before any package check.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

if [ -d /sys/module/kvm_pvm ]; then
	skip "KVM here is kvm_pvm, a software KVM: Linux guests need hardware virtualisation"
fi
# No module hint: time a fixed loop in the test guest (about 1.5 million
# instructions: under 10 ms in hardware, about a second when emulated).
start=$(date +%s%N)
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --cmdline "mode=spin"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" -eq 0 ] || fail "timing guest failed (exit $rc)"
if [ "$ms" -gt 300 ]; then
	skip "KVM emulates instructions here (fixed loop took ${ms} ms; hardware needs <10 ms)"
fi

kernel=$(find /boot -maxdepth 1 -name "vmlinuz-*" 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || skip "linux-image-amd64 is not installed (no /boot/vmlinuz-*)"
[ -x /bin/busybox ] || skip "busybox-static is not installed"
kver=${kernel#/boot/vmlinuz-}
moddir=/lib/modules/$kver

root=$tmp/root
mkdir -p "$root"/{bin,proc,sys,dev,modules}
cp /bin/busybox "$root/bin/busybox"
# The virtio PCI and net modules with their dependencies, in load order.
mods=
for m in virtio_pci virtio_net; do
	path=$(grep -E "/$m\.ko(\.[a-z]+)?:" "$moddir/modules.dep" 2>/dev/null | head -n 1)
	[ -n "$path" ] || continue
	for dep in $(echo "$path" | tr -d ':' | awk '{for (i = NF; i >= 1; i--) print $i}'); do
		name=$(basename "$dep" | sed -E 's/\.ko(\.[a-z]+)?$//')
		case " $mods " in *" $name "*) continue ;; esac
		case $dep in
		*.ko.xz) xz -dc "$moddir/$dep" >"$root/modules/$name.ko" ;;
		*.ko.zst) zstd -qdc "$moddir/$dep" >"$root/modules/$name.ko" ;;
		*) cp "$moddir/$dep" "$root/modules/$name.ko" ;;
		esac
		mods="$mods $name"
	done
done
cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
for m in $mods; do /bin/busybox insmod /modules/\$m.ko && echo "loaded \$m"; done
echo "PODVMM-LINUX-BOOTED cpus=\$(/bin/busybox grep -c ^processor /proc/cpuinfo)"
/bin/busybox poweroff -f
INIT
chmod +x "$root/init"
python3 - "$root" "$tmp/initramfs" <<'PY'
# cpio "newc" (the initramfs format, Documentation/driver-api/early-userspace)
import os, sys
root, out = sys.argv[1], sys.argv[2]
ino = 1
with open(out, 'wb') as f:
    def entry(name, mode, data=b''):
        global ino
        hdr = '070701' + ''.join('%08x' % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0))
        ino += 1
        f.write(hdr.encode() + name.encode() + b'\0')
        f.write(b'\0' * ((4 - (110 + len(name) + 1) % 4) % 4))
        f.write(data)
        f.write(b'\0' * ((4 - len(data) % 4) % 4))
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        if rel != '.':
            entry(rel, 0o040755)
        for n in sorted(files):
            p = os.path.join(d, n)
            entry(os.path.normpath(os.path.join(rel, n)), 0o100755, open(p, 'rb').read())
    entry('TRAILER!!!', 0)
PY

run_vm "$tmp/out" "$tmp/err" --kernel "$kernel" --initrd "$tmp/initramfs" --cpus 2 \
	--memory 512 --cmdline "console=ttyS0 reboot=k panic=-1 rdinit=/init"
expect_line "$tmp/out" 'PODVMM-LINUX-BOOTED cpus=2' "Linux did not reach /init with 2 CPUs"
expect_rc 0 "Linux power-off"
expect_line "$tmp/err" '"reason":"power-off port"' "Linux did not power off through ACPI PM1a_CNT"
grep -q 'ACPI: RSDP' "$tmp/out" || echo "note: no 'ACPI: RSDP' line in the kernel log"
grep -q 'loaded virtio_net' "$tmp/out" || echo "note: virtio_net module not loaded"
echo "ok: $(grep -m1 'Linux version' "$tmp/out" | cut -c1-80)"
