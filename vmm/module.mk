# vmm: the KVM machine (libvmm.a): vmm/kvm (the VM, vCPUs, guest memory,
# buses), vmm/x86 (boot formats and firmware tables, pure), vmm/hw (device
# models and the PC board), and vmm/seccomp.  The *_PURE_SRCS lists are the
# parts without ioctls that fuzzers build directly (tests/unit/vmm/module.mk,
# vmm/virtio/module.mk).
KVM_PURE_SRCS := vmm/kvm/guest_mem.c vmm/kvm/iobus.c
KVM_SRCS      := $(KVM_PURE_SRCS) vmm/kvm/vm.c vmm/kvm/vcpu.c
X86_LOADER_SRCS := vmm/x86/loader_bzimage.c vmm/x86/loader_elf.c vmm/x86/boot.c
X86_SRCS      := $(X86_LOADER_SRCS) vmm/x86/cpuid.c vmm/x86/mptable.c vmm/x86/acpi.c vmm/x86/aml.c
HW_PCI_SRCS   := vmm/hw/pci.c
HW_SRCS       := $(HW_PCI_SRCS) vmm/hw/serial.c vmm/hw/i8042.c vmm/hw/rtc.c vmm/hw/acpi_pm.c \
	vmm/hw/pc_devices.c vmm/hw/pc_boot.c
VMM_SRCS := $(KVM_SRCS) $(X86_SRCS) $(HW_SRCS)
VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/%.o) $(SECCOMP_OBJS)
LIBVMM   := $(BUILD)/libvmm.a

$(LIBVMM): $(VMM_OBJS)
	rm -f $@
	$(AR) rcs $@ $^
