# vmm/seccomp: podvmm's seccomp allow-lists.  seccomp.c (installation, raw
# syscall) is what the threads call as they start; seccomp_filter.c (the
# lists, libseccomp) builds them, before the guest runs.  Both go into
# libvmm.a (vmm/module.mk).
SECCOMP_SRCS        := vmm/seccomp/seccomp.c
SECCOMP_FILTER_SRCS := vmm/seccomp/seccomp_filter.c
SECCOMP_OBJS := $(SECCOMP_SRCS:%.c=$(BUILD)/%.o) $(SECCOMP_FILTER_SRCS:%.c=$(BUILD)/%.o)
TESTS += tests/kvm/vmm-seccomp-filter.sh

# Unit test of the lists (no KVM, no root: fork, filter, syscall, wait).
SECCOMP_UNIT := $(BUILD)/tests/unit/seccomp/test_seccomp
$(SECCOMP_UNIT): $(BUILD)/tests/unit/seccomp/test_seccomp.o $(SECCOMP_OBJS) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(SECCOMP_LIBS) $(PKG_LIBS) -lpthread
TEST_BINS += $(SECCOMP_UNIT)
TESTS     += $(SECCOMP_UNIT)
