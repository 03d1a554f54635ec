#!/bin/bash
# Builds an OCI runtime bundle (rootfs + config.json) for runc that looks like
# what containerd gives a Kubernetes pod container with
#   securityContext.capabilities.add: [NET_ADMIN]   (not privileged)
# plus /dev/kvm, /dev/net/tun and /dev/vhost-net from a device plugin.
#
#   bundle.sh --out DIR --netns PATH [--bin PATH[:DEST]]... [--file SRC:DEST]...
#             [--hostname NAME] [--nameserver IP]... [--search DOMAIN]...
#             [--volume HOSTDIR:DEST]... [--cwd DIR] -- ARGS...
#
# --bin copies an executable with every shared library ldd lists (and the
# dynamic loader) so the rootfs needs no distribution; --file copies a plain
# file; --volume bind-mounts a host directory (what an emptyDir is to a
# pod).  ARGS is the container's process argv.  No sysctl is set and
# /proc/sys is read-only, as containerd does: podlaunch must manage with
# NET_ADMIN alone.
set -euo pipefail

usage() { echo "usage: $0 --out DIR --netns PATH [options] -- ARGS..." >&2; exit 2; }

out='' netns='' hostname=pod cwd=/
bins=() files=() nameservers=() search=() volumes=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=${2:?--out needs a value}; shift 2 ;;
	--netns) netns=${2:?--netns needs a value}; shift 2 ;;
	--bin) bins+=("${2:?--bin needs a value}"); shift 2 ;;
	--file) files+=("${2:?--file needs a value}"); shift 2 ;;
	--hostname) hostname=${2:?--hostname needs a value}; shift 2 ;;
	--nameserver) nameservers+=("${2:?--nameserver needs a value}"); shift 2 ;;
	--search) search+=("${2:?--search needs a value}"); shift 2 ;;
	--volume) volumes+=("${2:?--volume needs a value}"); shift 2 ;;
	--cwd) cwd=${2:?--cwd needs a value}; shift 2 ;;
	--) shift; break ;;
	*) echo "$0: unknown flag $1" >&2; usage ;;
	esac
done
if [ -z "$out" ] || [ -z "$netns" ] || [ $# -eq 0 ]; then usage; fi

rootfs=$out/rootfs
rm -rf "$out"
mkdir -p "$rootfs"/{bin,lib,lib64,etc,proc,sys,dev,tmp,run,var/run}
chmod 1777 "$rootfs/tmp"

# Copy FILE to rootfs path DEST keeping its mode.
put() { mkdir -p "$rootfs$(dirname "$2")"; cp -L "$1" "$rootfs$2"; }

# Every library an executable links, at the same path as on the host, so the
# loader's default search path finds them; the loader itself too.
put_libs() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
		[ -e "$rootfs$lib" ] || put "$lib" "$lib"
	done
}

for b in "${bins[@]+"${bins[@]}"}"; do
	src=${b%%:*} dest=/bin/$(basename "${b%%:*}")
	[[ $b == *:* ]] && dest=${b#*:}
	[ -x "$src" ] || { echo "$0: --bin $src: not an executable" >&2; exit 1; }
	put "$src" "$dest"
	put_libs "$src"
done
for f in "${files[@]+"${files[@]}"}"; do
	[[ $f == *:* ]] || { echo "$0: --file $f: want SRC:DEST" >&2; exit 2; }
	[ -r "${f%%:*}" ] || { echo "$0: --file ${f%%:*}: not readable" >&2; exit 1; }
	put "${f%%:*}" "${f#*:}"
done

# What kubelet writes into a pod: resolv.conf from the cluster DNS settings
# and the pod's hostname.
{
	for ns in "${nameservers[@]+"${nameservers[@]}"}"; do echo "nameserver $ns"; done
	[ ${#search[@]} -eq 0 ] || echo "search ${search[*]}"
	echo "options ndots:5"
} >"$rootfs/etc/resolv.conf"
echo "$hostname" >"$rootfs/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' >"$rootfs/etc/hosts"
echo "root:x:0:0:root:/:/bin/sh" >"$rootfs/etc/passwd"
echo "root:x:0:" >"$rootfs/etc/group"

# Character devices a device plugin hands the container, with the cgroup rule
# that lets it open them (everything else is denied).
devices='[]' rules='[{"allow": false, "access": "rwm"}]'
for d in /dev/kvm /dev/net/tun /dev/vhost-net; do
	[ -c "$d" ] || continue
	read -r maj min < <(stat -c '%t %T' "$d")
	maj=$((16#$maj)) min=$((16#$min))
	devices=$(jq -c --arg p "$d" --argjson a "$maj" --argjson b "$min" \
		'. + [{path: $p, type: "c", major: $a, minor: $b, fileMode: 438, uid: 0, gid: 0}]' <<<"$devices")
	rules=$(jq -c --argjson a "$maj" --argjson b "$min" \
		'. + [{allow: true, type: "c", major: $a, minor: $b, access: "rwm"}]' <<<"$rules")
done

# noNewPrivileges mirrors pod.yaml's allowPrivilegeEscalation: false.
# containerd's default capability set for a non-privileged container
# (pkg/cap, oci.WithDefaultSpec / the CRI plugin) plus NET_ADMIN from
# capabilities.add.  Inheritable and ambient stay empty, as containerd does
# since 1.6.18 / 1.7.
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD",
"CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP",
"CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE",
"CAP_NET_ADMIN"]'

mounts_json='[]'
for v in "${volumes[@]+"${volumes[@]}"}"; do
	[[ $v == *:/* ]] || { echo "$0: --volume $v: want HOSTDIR:/DEST" >&2; exit 2; }
	mkdir -p "${v%%:*}"
	mounts_json=$(jq -c --arg s "$(realpath "${v%%:*}")" --arg d "${v#*:}" \
		'. + [{destination: $d, type: "bind", source: $s, options: ["rbind", "rw", "nosuid", "nodev"]}]' <<<"$mounts_json")
done

# One argument per line: argv entries never hold newlines here.
args_json=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)

jq -n \
	--argjson args "$args_json" --arg netns "$netns" --arg hostname "$hostname" --arg cwd "$cwd" \
	--argjson caps "$caps" --argjson devices "$devices" --argjson rules "$rules" \
	--argjson volumes "$mounts_json" '
{
  ociVersion: "1.0.2",
  process: {
    terminal: false,
    user: {uid: 0, gid: 0},
    args: $args,
    env: ["PATH=/bin:/usr/sbin:/usr/bin:/sbin", "HOSTNAME=\($hostname)"],
    cwd: $cwd,
    capabilities: {bounding: $caps, effective: $caps, permitted: $caps},
    noNewPrivileges: true
  },
  root: {path: "rootfs", readonly: false},
  hostname: $hostname,
  mounts: ([
    {destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]},
    {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
    {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]},
    {destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=755"]}
  ] + $volumes),
  linux: {
    namespaces: [
      {type: "pid"}, {type: "ipc"}, {type: "uts"}, {type: "mount"},
      {type: "network", path: $netns}
    ],
    devices: $devices,
    resources: {devices: $rules},
    maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
      "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
    readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
      "/proc/sysrq-trigger"]
  }
}' >"$out/config.json"
