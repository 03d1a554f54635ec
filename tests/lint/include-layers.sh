#!/bin/bash
# Include layering: a folder's C files include headers only from the folders
# below it (system headers aside).  Each line below is "folder: the folders
# it may include", lowest first; a folder always includes its own headers.
# The VMM is one stack (vmm/README.md, "Layout"): seccomp, kvm, x86, hw,
# virtio, virtio/net.  cmd/, tests/ and bench/ sit on top of everything and
# are not checked.  Exits 0 when every include points down, 1 (naming each
# upward or sideways include) otherwise.
set -u
cd "$(dirname "$0")/../.." || exit 1

LAYERS='
common:
dhcp: common
netsetup: common dhcp
vmm/seccomp: common
vmm/kvm: common vmm/seccomp
vmm/x86: common vmm/seccomp vmm/kvm
vmm/hw: common vmm/seccomp vmm/kvm vmm/x86
vmm/virtio: common vmm/seccomp vmm/kvm vmm/x86 vmm/hw
vmm/virtio/net: common vmm/seccomp vmm/kvm vmm/x86 vmm/hw vmm/virtio
'

declare -A allowed
folders=()
while IFS=: read -r folder deps; do
	[ -n "$folder" ] || continue
	folders+=("$folder")
	allowed[$folder]=" $folder $deps "
done <<<"$LAYERS"

# The folder a file or header belongs to: the longest listed prefix.
folder_of() {
	local best='' f
	for f in "${folders[@]}"; do
		case $1 in "$f"/*) [ ${#f} -gt ${#best} ] && best=$f ;; esac
	done
	printf '%s' "$best"
}

bad=0
while IFS= read -r file; do
	from=$(folder_of "$file")
	if [ -z "$from" ]; then
		echo "include-layers: $file: folder not in the layering (tests/lint/include-layers.sh)"
		bad=1
		continue
	fi
	while IFS=: read -r line hdr; do
		to=$(folder_of "$hdr")
		case ${allowed[$from]} in
		*" ${to:-none} "*) ;;
		*)
			echo "include-layers: $file:$line: $from includes $hdr (${to:-unlisted folder}), not below it"
			bad=1 ;;
		esac
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
		 sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2/')
done < <(git ls-files -- 'common/*.[ch]' 'dhcp/*.[ch]' 'netsetup/*.[ch]' 'vmm/*.[ch]')

[ "$bad" -eq 0 ] && echo "include-layers: every include points down"
exit "$bad"
