# The test guest booted by the VMM tests: freestanding x86-64, no SSE (the
# build machines' software KVM does not emulate it), linked at 1 MiB with a
# PVH note.
GUEST_ELF := $(BUILD)/guest/guest.elf
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding -nostdlib -fno-pic \
	-fno-pie -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -fcf-protection=none -m64
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T tests/guest/guest.ld
# tests/guest/net/: the virtio-net driver and DHCP client the NIC tests run.
GUEST_NET_SRCS := tests/guest/net/net_main.c tests/guest/net/nic.c tests/guest/net/dhcp.c
GUEST_SRCS := tests/guest/guest_main.c tests/guest/lib.c tests/guest/hostile.c tests/guest/guest_acpi.c $(GUEST_NET_SRCS)
GUEST_OBJS := $(GUEST_SRCS:%.c=$(BUILD)/guest-obj/%.o) $(BUILD)/guest-obj/tests/guest/start.o
TEST_BINS  += $(GUEST_ELF)

$(BUILD)/guest-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -Itests/guest -MMD -MP -c $< -o $@

$(BUILD)/guest-obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) tests/guest/guest.ld
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)

# The same guest as a bzImage, for the bzImage boot path.
GUEST_BZIMAGE := $(BUILD)/guest/guest.bzImage
TEST_BINS += $(GUEST_BZIMAGE)
$(GUEST_BZIMAGE): $(GUEST_ELF) tests/guest/mkbzimage.py
	python3 tests/guest/mkbzimage.py $< $@

# The same guest as an ELF32 (i386) PVH image, the class QEMU also boots:
# objcopy keeps the segments, addresses and the PVH note.
GUEST_ELF32 := $(BUILD)/guest/guest32.elf
TEST_BINS += $(GUEST_ELF32)
$(GUEST_ELF32): $(GUEST_ELF)
	objcopy -O elf32-i386 $< $@
