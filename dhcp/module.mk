# dhcp/: the single-client DHCPv4 server.  Pure packet/option code and the
# socket I/O live in separate files; everything is archived in libdhcp.a,
# which the podlaunch link (netsetup/module.mk) picks up through LIBDHCP.
DHCP_SRCS := dhcp/msg.c dhcp/optenc.c dhcp/config.c dhcp/reply.c dhcp/server.c dhcp/frame.c dhcp/io.c
DHCP_OBJS := $(DHCP_SRCS:%.c=$(BUILD)/%.o)
LIBDHCP   := $(BUILD)/libdhcp.a

$(LIBDHCP): $(DHCP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
