# virtio-net for podvmm: rings, the modern PCI transport, the device and its
# tap backends (userspace and vhost-net).  Included from vmm/module.mk.

VIRTIO_PURE_SRCS := vmm/virtio/virtq.c vmm/virtio/net/virtio_net_feat.c
VIRTIO_SRCS      := $(VIRTIO_PURE_SRCS) vmm/virtio/net/tap.c vmm/virtio/net/net_userspace.c vmm/virtio/virtio_pci.c vmm/virtio/net/virtio_net.c vmm/virtio/net/vhost_net.c
VIRTIO_OBJS      := $(VIRTIO_SRCS:%.c=$(BUILD)/%.o)
LIBVIRTIO        := $(BUILD)/libvirtio.a

$(LIBVIRTIO): $(VIRTIO_OBJS)
	$(AR) rcs $@ $^

# Unit tests (pure logic over fake guest memory).
VIRTIO_UNIT := test_virtq test_net_feat test_virtio_pci test_net_userspace test_tap
VIRTIO_UNIT_BINS := $(VIRTIO_UNIT:%=$(BUILD)/tests/unit/virtio/%)
$(VIRTIO_UNIT_BINS): $(BUILD)/tests/unit/virtio/%: $(BUILD)/tests/unit/virtio/%.o \
		$(LIBVIRTIO) $(BUILD)/libvmm.a $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lpthread
TEST_BINS += $(VIRTIO_UNIT_BINS)
TESTS     += $(VIRTIO_UNIT_BINS)

# libFuzzer targets, built with clang and the sanitizers.
VIRTIO_FUZZ := virtio_virtq_fuzz virtio_pci_fuzz virtio_net_fuzz
VIRTIO_FUZZ_BINS := $(VIRTIO_FUZZ:%=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/virtio_virtq_fuzz: tests/fuzz/virtio_virtq_fuzz.c vmm/virtio/virtq.c vmm/kvm/guest_mem.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $^
$(BUILD)/fuzz/virtio_pci_fuzz: tests/fuzz/virtio_pci_fuzz.c vmm/virtio/virtio_pci.c vmm/virtio/virtq.c \
		vmm/virtio/net/virtio_net_feat.c vmm/kvm/guest_mem.c vmm/hw/pci.c vmm/kvm/iobus.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $^ -lpthread
$(BUILD)/fuzz/virtio_net_fuzz: tests/fuzz/virtio_net_fuzz.c vmm/virtio/net/net_userspace.c vmm/virtio/virtq.c \
		vmm/virtio/net/virtio_net_feat.c vmm/kvm/guest_mem.c vmm/seccomp/seccomp.c common/log.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread
FUZZERS += $(VIRTIO_FUZZ_BINS)
TESTS   += $(VIRTIO_FUZZ_BINS:%=fuzz:%)

# bench/net (the userspace backend against a plain tap loop).
$(BUILD)/bench/net: $(BUILD)/bench/net.o $(LIBVIRTIO) $(BUILD)/libvmm.a $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# Integration (root): podvmm + the test guest on a tap with dnsmasq, the same
# with vhost-net, and the whole podlaunch run path in a CNI pod namespace.
TESTS += tests/e2e/virtio-tap.sh tests/e2e/vhost-net.sh tests/e2e/podlaunch-run.sh
