#!/bin/bash
# Every kind of bad input gets a clear message: bad flags exit 2 naming
# the flag, unusable kernels exit 1 saying why.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
[ -x "$PODVMM" ] || fail "$PODVMM not built"

flag() {	# FLAG ARGS...: expect exit 2 and the flag named in the log
	local f=$1
	shift
	"$PODVMM" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	expect_rc 2 "bad flag $f"
	expect_line "$tmp/err" "\"error\":\"$f: " "message does not name $f"
}
flag --kernel
flag --kernel --cpus 2
flag --memory --kernel x --memory lots
flag --cpus --kernel x --cpus 0
flag --cpu-template --kernel x --cpu-template turbo
flag --console --kernel x --console serial
flag --shutdown-timeout --kernel x --shutdown-timeout -1
flag --net --kernel x --net fd=3
flag --bogus --kernel x --bogus

require_kvm
kernel() {	# FILE REASON
	run_vm "$tmp/out" "$tmp/err" --kernel "$1"
	expect_rc 1 "kernel $1"
	expect_line "$tmp/err" "$2" "no clear reason for $1"
}
kernel "$tmp/missing" 'cannot read the kernel.*No such file'
: >"$tmp/empty"
kernel "$tmp/empty" 'not a non-empty regular file'
head -c 8192 /dev/urandom >"$tmp/random"
kernel "$tmp/random" 'not a bzImage'
# A real ELF, but a host program: not loadable as a guest kernel.
kernel /bin/true 'ELF (is not an executable|PT_LOAD segment lies below 1 MiB|entry point)'
# The test guest cut short: its segment runs past the end of the file.
head -c 4200 "$GUEST" >"$tmp/short.elf"
kernel "$tmp/short.elf" 'outside the file'
# An old-protocol bzImage header.
python3 - "$tmp/old.bz" <<'PY'
import struct, sys
b = bytearray(8192)
struct.pack_into('<H', b, 0x1fe, 0xaa55)
b[0x201] = 0x6a
b[0x202:0x206] = b'HdrS'
struct.pack_into('<H', b, 0x206, 0x0204)
open(sys.argv[1], 'wb').write(b)
PY
kernel "$tmp/old.bz" 'boot protocol too old'
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --boot pvh --initrd "$tmp/missing"
expect_rc 1 "missing initrd"
expect_line "$tmp/err" 'cannot read the initrd' "no clear reason for a missing initrd"
long=$(head -c 3000 /dev/zero | tr '\0' 'a')
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --cmdline "$long"
expect_rc 1 "overlong command line"
expect_line "$tmp/err" 'command line is longer' "no clear reason for a long command line"
echo ok
