# vmm/virtio (rings, the modern PCI transport) and vmm/virtio/net (the
# virtio-net device, its feature logic, the tap and its two backends,
# userspace and vhost-net, and the --net spec): libvirtio.a, above libvmm.a.
VIRTQ_SRCS   := vmm/virtio/virtq.c
VIRTIO_SRCS  := $(VIRTQ_SRCS) vmm/virtio/virtio_pci.c
# The data path a guest drives: feature logic and the userspace backend.
VNET_FEAT_SRCS := vmm/virtio/net/virtio_net_feat.c
VNET_DATA_SRCS := $(VNET_FEAT_SRCS) vmm/virtio/net/net_userspace.c
VNET_SRCS    := $(VNET_DATA_SRCS) vmm/virtio/net/net_spec.c vmm/virtio/net/tap.c \
	vmm/virtio/net/virtio_net.c vmm/virtio/net/vhost_net.c
LIBVIRTIO_SRCS := $(VIRTIO_SRCS) $(VNET_SRCS)
LIBVIRTIO    := $(BUILD)/libvirtio.a

$(LIBVIRTIO): $(LIBVIRTIO_SRCS:%.c=$(BUILD)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

# What a podvmm-like binary links, in link order.
VMM_LIBS := $(LIBVIRTIO) $(LIBVMM) $(LIBCOMMON) $(PKG_LIBS) $(SECCOMP_LIBS) -lpthread

# Unit tests (pure logic over fake guest memory).
VIRTIO_UNIT := test_virtq test_net_feat test_virtio_pci test_net_userspace test_tap
VIRTIO_UNIT_BINS := $(VIRTIO_UNIT:%=$(BUILD)/tests/unit/virtio/%)
$(VIRTIO_UNIT_BINS): $(BUILD)/tests/unit/virtio/%: $(BUILD)/tests/unit/virtio/%.o \
		$(LIBVIRTIO) $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lpthread
TEST_BINS += $(VIRTIO_UNIT_BINS)
TESTS     += $(VIRTIO_UNIT_BINS)

# libFuzzer targets over the guest-writable surfaces, built with clang and
# the sanitizers from the same source lists as the libraries.
VIRTIO_FUZZ := virtio_virtq_fuzz virtio_pci_fuzz virtio_net_fuzz
VIRTIO_FUZZ_BINS := $(VIRTIO_FUZZ:%=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/virtio_virtq_fuzz: tests/fuzz/virtio_virtq_fuzz.c $(VIRTQ_SRCS) $(KVM_PURE_SRCS)
$(BUILD)/fuzz/virtio_pci_fuzz: tests/fuzz/virtio_pci_fuzz.c $(VIRTIO_SRCS) $(VNET_FEAT_SRCS) \
	$(KVM_PURE_SRCS) $(HW_PCI_SRCS)
$(BUILD)/fuzz/virtio_net_fuzz: tests/fuzz/virtio_net_fuzz.c $(VIRTQ_SRCS) $(VNET_DATA_SRCS) \
	$(KVM_PURE_SRCS) $(SECCOMP_SRCS) $(COMMON_PURE_SRCS)
$(VIRTIO_FUZZ_BINS):
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread
FUZZERS += $(VIRTIO_FUZZ_BINS)
TESTS   += $(VIRTIO_FUZZ_BINS:%=fuzz:%)

# Integration (root): podvmm + the test guest on a tap with dnsmasq, the same
# with vhost-net, and the whole podlaunch run path in a CNI pod namespace.
TESTS += tests/kvm/e2e-virtio-tap.sh tests/kvm/e2e-podlaunch-run.sh
