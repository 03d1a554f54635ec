#!/bin/bash
# --cpus 2: the MP table lists both CPUs, CPUID reports the topology, and
# the guest starts the second one through INIT-SIPI-SIPI.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --cpus 2 --cmdline "expect_cpus=2"
expect_rc 0 "two-CPU boot"
expect_line "$tmp/out" '^mptable: 2 cpus$' "MP table does not list 2 CPUs"
expect_line "$tmp/out" '^smp: 1 of 1 application processors started$' "AP did not start"
expect_line "$tmp/out" '^PASS: each AP has its own CPUID APIC ID$' "AP APIC ID check missing"
no_line "$tmp/out" '^FAIL' "a guest check failed"
expect_line "$tmp/out" '^summary: [0-9]+ passed, 0 failed$' "no summary"
echo ok
