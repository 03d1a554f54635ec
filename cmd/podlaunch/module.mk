# podlaunch: the entrypoint binary (setup, teardown, discover, run, dhcp).
PODLAUNCH      := $(BUILD)/podlaunch
PODLAUNCH_SRCS := cmd/podlaunch/main.c cmd/podlaunch/opts_common.c cmd/podlaunch/cmd_setup.c \
	cmd/podlaunch/cmd_teardown.c cmd/podlaunch/cmd_discover.c cmd/podlaunch/cmd_run.c \
	cmd/podlaunch/cmd_dhcp.c
PODLAUNCH_OBJS := $(PODLAUNCH_SRCS:%.c=$(BUILD)/%.o)
PROGRAMS += $(PODLAUNCH)

$(PODLAUNCH): $(PODLAUNCH_OBJS) $(LIBNETSETUP) $(LIBDHCP) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
