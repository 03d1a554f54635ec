# Boot tests: podvmm on /dev/kvm with the test guest (skip without KVM).
VMM_BOOT_TESTS := tests/vmm/bad-input.sh tests/vmm/boot-default.sh tests/vmm/boot-smp.sh \
	tests/vmm/boot-cad.sh tests/vmm/boot-paths.sh tests/vmm/boot-console.sh tests/vmm/boot-linux.sh \
	tests/vmm/boot-acpi.sh tests/vmm/acpi-iasl.sh
TEST_BINS += $(PODVMM) $(GUEST_ELF)
TESTS     += $(VMM_BOOT_TESTS)
