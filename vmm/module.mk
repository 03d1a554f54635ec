# vmm: the KVM machine (libvmm.a), podvmm, the test guest and their tests.
VMM_SRCS := vmm/kvm/guest_mem.c vmm/kvm/iobus.c vmm/hw/pci.c vmm/kvm/vm.c vmm/kvm/vcpu.c vmm/x86/cpuid.c \
	vmm/x86/boot.c vmm/x86/loader_bzimage.c vmm/x86/loader_elf.c vmm/x86/mptable.c vmm/hw/serial.c \
	vmm/hw/i8042.c vmm/hw/rtc.c vmm/hw/pc_devices.c vmm/hw/pc_boot.c vmm/virtio/net/net_spec.c \
	vmm/x86/acpi.c vmm/hw/acpi_pm.c vmm/x86/aml.c
# virtio-net (issue 5, vmm/virtio/module.mk, $(LIBVIRTIO)) provides
# net_devices_attach() once vmm/virtio/net/virtio_net.c exists; until then net_none.c
# answers --net with -ENOSYS.  VMM_NET=none forces the latter.
-include vmm/virtio/module.mk
VMM_NET ?= $(if $(wildcard vmm/virtio/net/virtio_net.c),virtio,none)
ifeq ($(VMM_NET),none)
VMM_SRCS += vmm/virtio/net/net_none.c
VMM_NET_LIB :=
else
VMM_NET_LIB := $(LIBVIRTIO)
endif
VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/%.o)
LIBVMM   := $(BUILD)/libvmm.a
VMM_LIBS := $(VMM_NET_LIB) $(LIBVMM) $(LIBCOMMON) $(PKG_LIBS) -lpthread

$(LIBVMM): $(VMM_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# The freestanding test guest (tests/guest), booted by the boot tests.
GUEST_ELF := $(BUILD)/guest/guest.elf

-include cmd/podvmm/module.mk
-include tests/guest/module.mk
-include tests/unit/vmm/module.mk
-include tests/vmm/module.mk
-include vmm/seccomp/module.mk
