# vmm: the KVM machine (libvmm.a), podvmm, the test guest and their tests.
VMM_SRCS := vmm/guest_mem.c vmm/iobus.c vmm/pci.c vmm/vm.c vmm/vcpu.c vmm/cpuid.c \
	vmm/boot.c vmm/loader_bzimage.c vmm/loader_elf.c vmm/mptable.c vmm/serial.c \
	vmm/i8042.c vmm/rtc.c vmm/devices.c vmm/setup.c vmm/net_spec.c \
	vmm/acpi.c vmm/acpi_pm.c vmm/aml.c
# virtio-net (issue 5, vmm/virtio.mk, $(LIBVIRTIO)) provides
# net_devices_attach() once vmm/virtio_net.c exists; until then net_none.c
# answers --net with -ENOSYS.  VMM_NET=none forces the latter.
-include vmm/virtio.mk
VMM_NET ?= $(if $(wildcard vmm/virtio_net.c),virtio,none)
ifeq ($(VMM_NET),none)
VMM_SRCS += vmm/net_none.c
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
-include vmm/seccomp.mk
