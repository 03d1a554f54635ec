# podlaunch: the entrypoint binary.  cmd_dhcp.c belongs to the dhcp module;
# until it exists, dhcp_missing.c stands in and says so at run time.
PODLAUNCH      := $(BUILD)/podlaunch
PODLAUNCH_SRCS := $(filter-out cmd/podlaunch/dhcp_missing.c,$(wildcard cmd/podlaunch/*.c))
ifeq ($(wildcard cmd/podlaunch/cmd_dhcp.c),)
PODLAUNCH_SRCS += cmd/podlaunch/dhcp_missing.c
endif
PODLAUNCH_OBJS := $(PODLAUNCH_SRCS:%.c=$(BUILD)/%.o)
PROGRAMS += $(PODLAUNCH)

# dhcp/module.mk is read after this file, so LIBDHCP is expanded late.
$(PODLAUNCH): $(PODLAUNCH_OBJS) $$(LIBDHCP) $(LIBNETSETUP) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $(PODLAUNCH_OBJS) $(LIBNETSETUP) $(LIBDHCP) $(LIBCOMMON) $(PKG_LIBS)
