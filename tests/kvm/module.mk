# Boot tests: podvmm on /dev/kvm with the test guest (skip without KVM).
VMM_BOOT_TESTS := tests/kvm/vmm-bad-input.sh tests/kvm/vmm-boot-default.sh tests/kvm/vmm-boot-smp.sh \
	tests/kvm/vmm-boot-cad.sh tests/kvm/vmm-boot-paths.sh tests/kvm/vmm-boot-console.sh \
	tests/kvm/vmm-boot-acpi.sh tests/unit/acpi-iasl.sh tests/kvm/vmm-boot-pwrbtn.sh
TEST_BINS += $(PODVMM) $(GUEST_ELF)
TESTS     += $(VMM_BOOT_TESTS)
