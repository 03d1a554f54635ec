# Unit tests of the VMM's pure parts (no /dev/kvm needed).
VMM_UNIT := test_loader test_boot test_devices test_cpuid test_pci test_cli test_acpi
VMM_UNIT_BINS := $(VMM_UNIT:%=$(BUILD)/tests/unit/vmm/%)
TEST_BINS += $(VMM_UNIT_BINS)
TESTS     += $(VMM_UNIT_BINS)

# podvmm's command line, with the --net spec parser from libvirtio.
$(BUILD)/tests/unit/vmm/test_cli: $(BUILD)/tests/unit/vmm/test_cli.o \
		$(BUILD)/cmd/podvmm/cli.o $(LIBVIRTIO) $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lpthread

# Writes the ACPI tables to files for tests/unit/acpi-iasl.sh.
TEST_BINS += $(BUILD)/tests/unit/vmm/acpi_dump

$(BUILD)/tests/unit/vmm/%: $(BUILD)/tests/unit/vmm/%.o $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lpthread

# libFuzzer over the kernel loaders (pure code, fake guest RAM).
$(BUILD)/fuzz/vmm_loader_fuzz: tests/fuzz/vmm_loader_fuzz.c $(X86_LOADER_SRCS) $(KVM_PURE_SRCS) \
		$(COMMON_PURE_SRCS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $^ $(PKG_LIBS)
FUZZERS += $(BUILD)/fuzz/vmm_loader_fuzz
TESTS   += fuzz:$(BUILD)/fuzz/vmm_loader_fuzz
