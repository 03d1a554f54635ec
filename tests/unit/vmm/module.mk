# Unit tests of the VMM's pure parts (no /dev/kvm needed).
VMM_UNIT := test_loader test_boot test_devices test_cpuid test_pci test_cli
VMM_UNIT_BINS := $(VMM_UNIT:%=$(BUILD)/tests/unit/vmm/%)
TEST_BINS += $(VMM_UNIT_BINS)
TESTS     += $(VMM_UNIT_BINS)

$(BUILD)/tests/unit/vmm/test_cli: $(BUILD)/tests/unit/vmm/test_cli.o \
		$(BUILD)/cmd/podvmm/cli.o $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lpthread

$(BUILD)/tests/unit/vmm/%: $(BUILD)/tests/unit/vmm/%.o $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lpthread
