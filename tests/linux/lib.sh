# shellcheck shell=bash
# Build helpers for the Linux rig (tests/linux/build.sh).  Source this file.
#
# Everything comes from Debian packages: `apt-get download` into a cache
# under $BUILD/linux/cache, extracted with dpkg-deb -x; a second build finds
# the cache and touches neither the network nor apt.

BUILD=${BUILD:-build}
RIG=$BUILD/linux
CACHE=$RIG/cache

# rig_kernel_package: the versioned package linux-image-amd64 depends on
# (linux-image-6.1.0-N-amd64), remembered in the cache.
rig_kernel_package() {
	local f=$CACHE/kernel-package name
	if [ ! -s "$f" ]; then
		name=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
		[ -n "$name" ] || { echo "cannot resolve linux-image-amd64 (apt-cache)" >&2; return 1; }
		mkdir -p "$CACHE"
		echo "$name" >"$f"
	fi
	cat "$f"
}

# rig_fetch PKG: PKG's files under $CACHE/pkg/PKG (prints that path).
rig_fetch() {
	local pkg=$1 dir=$CACHE/pkg/$1 deb
	if [ ! -e "$dir.ok" ]; then
		mkdir -p "$CACHE/debs"
		deb=$(find "$CACHE/debs" -name "${pkg}_*.deb" | head -n 1)
		if [ -z "$deb" ]; then
			(cd "$CACHE/debs" && apt-get download "$pkg" >/dev/null 2>&1) ||
				{ echo "apt-get download $pkg failed" >&2; return 1; }
			deb=$(find "$CACHE/debs" -name "${pkg}_*.deb" | head -n 1)
		fi
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir" || return 1
		touch "$dir.ok"
	fi
	echo "$dir"
}

# rig_copy_bin ROOT FILE [DEST]: FILE into ROOT (at DEST, default its own
# path) with every shared library ldd names, the dynamic loader included,
# resolved on this machine (the same Debian release as the packages).
rig_copy_bin() {
	local root=$1 file=$2 dest=${3:-$2} lib
	mkdir -p "$root/$(dirname "$dest")"
	cp -L "$file" "$root/$dest"
	for lib in $(ldd "$file" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root/$lib" ] && continue
		mkdir -p "$root/$(dirname "$lib")"
		cp -L "$lib" "$root/$lib"
	done
}

# rig_modules ROOT MODDIR NAME...: the modules and their dependencies
# (modules.dep, in load order) into ROOT/modules, their names appended in
# load order to ROOT/modules/order.  A module that is built in is skipped.
rig_modules() {
	local root=$1 moddir=$2 m line dep name
	shift 2
	mkdir -p "$root/modules"
	touch "$root/modules/order"
	for m in "$@"; do
		line=$(grep -E "/$m\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n 1)
		[ -n "$line" ] || continue
		for dep in $(echo "$line" | tr -d ':' | awk '{for (i = NF; i >= 1; i--) print $i}'); do
			name=$(basename "$dep" | sed -E 's/\.ko(\.[a-z]+)?$//')
			grep -qx "$name" "$root/modules/order" && continue
			case $dep in
			*.ko.xz) xz -dc "$moddir/$dep" >"$root/modules/$name.ko" ;;
			*.ko.zst) zstd -qdc "$moddir/$dep" >"$root/modules/$name.ko" ;;
			*) cp "$moddir/$dep" "$root/modules/$name.ko" ;;
			esac
			echo "$name" >>"$root/modules/order"
		done
	done
}

# rig_busybox ROOT: busybox-static as ROOT/bin/busybox (its applets are
# installed as links at boot: busybox --install -s).
rig_busybox() {
	local bb
	bb=$(rig_fetch busybox-static) || return 1
	mkdir -p "$1/bin"
	cp "$bb/bin/busybox" "$1/bin/busybox"
}

# rig_cpio ROOT OUT: an uncompressed newc archive (the kernel unpacks it
# without a decompressor, which matters at emulation speed).
rig_cpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$2.tmp" &&
		mv "$2.tmp" "$2"
}

# rig_extract_vmlinux BZIMAGE OUT: the ELF inside a bzImage, found the way
# the kernel's scripts/extract-vmlinux does: at the first xz stream magic
# that decompresses to an ELF.
rig_extract_vmlinux() {
	local off
	# shellcheck disable=SC2013  # one offset a line, digits only
	for off in $(grep -abo "$(printf '\3757zXZ')" "$1" | cut -d: -f1); do
		tail -c +"$((off + 1))" "$1" | xz -dc 2>/dev/null >"$2.tmp"
		if [ "$(head -c 4 "$2.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv "$2.tmp" "$2"
			return 0
		fi
	done
	rm -f "$2.tmp"
	return 1
}
