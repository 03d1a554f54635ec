# podvmm's seccomp allow-lists.  seccomp.o (installation, raw
# syscall) is in libvmm for the thread entry points; seccomp_filter.o (the
# lists, libseccomp) is only pulled in by podvmm's main.
SECCOMP_OBJS := $(BUILD)/vmm/seccomp/seccomp.o $(BUILD)/vmm/seccomp/seccomp_filter.o
$(LIBVMM): $(SECCOMP_OBJS)
VMM_LIBS += $(SECCOMP_LIBS)
TESTS += tests/vmm/seccomp-filter.sh

# Unit test of the lists (no KVM, no root: fork, filter, syscall, wait).
SECCOMP_UNIT := $(BUILD)/tests/unit/seccomp/test_seccomp
$(SECCOMP_UNIT): $(BUILD)/tests/unit/seccomp/test_seccomp.o $(SECCOMP_OBJS) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(SECCOMP_LIBS) $(PKG_LIBS) -lpthread
TEST_BINS += $(SECCOMP_UNIT)
TESTS     += $(SECCOMP_UNIT)
