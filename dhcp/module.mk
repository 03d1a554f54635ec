# dhcp/: the single-client DHCPv4 server.  Pure packet/option code and the
# socket I/O live in separate files; everything is archived in libdhcp.a,
# which podlaunch and the netsetup tests link.  The fuzzers build the pure
# part from the same list.
DHCP_PURE_SRCS := dhcp/msg.c dhcp/optenc.c dhcp/config.c dhcp/reply.c dhcp/server.c
DHCP_SRCS := $(DHCP_PURE_SRCS) dhcp/frame.c dhcp/io.c
DHCP_HDRS := dhcp/config.h dhcp/frame.h dhcp/io.h dhcp/msg.h dhcp/optenc.h dhcp/proto.h \
	dhcp/reply.h dhcp/server.h
DHCP_OBJS := $(DHCP_SRCS:%.c=$(BUILD)/%.o)
LIBDHCP   := $(BUILD)/libdhcp.a

$(LIBDHCP): $(DHCP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# Unit tests (cmocka): one binary per file in tests/unit/dhcp/.
DHCP_UNIT := test_config test_config_masq test_log_filtered test_msg test_noalloc test_optenc test_server
DHCP_UNIT_BINS := $(DHCP_UNIT:%=$(BUILD)/tests/unit/dhcp/%)
TEST_BINS += $(DHCP_UNIT_BINS)
TESTS     += $(DHCP_UNIT_BINS)

$(DHCP_UNIT_BINS): $(BUILD)/tests/unit/dhcp/%: $(BUILD)/tests/unit/dhcp/%.o $(LIBDHCP) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

# Interop tests: real clients in network namespaces (root; skip otherwise).
TESTS += tests/netns/dhcp-udhcpc.sh tests/netns/dhcp-dhclient.sh tests/netns/dhcp-dhcpcd.sh tests/netns/dhcp-server.sh \
	tests/netns/dhcp-overload.sh tests/netns/dhcp-run.sh tests/netns/dhcp-split121.sh

# libFuzzer targets (clang): the parser alone, request -> reply, and the
# configuration parser, each over the pure sources.
DHCP_FUZZ := dhcp_parse dhcp_server dhcp_config
DHCP_FUZZ_BINS := $(DHCP_FUZZ:%=$(BUILD)/fuzz/%)
FUZZERS += $(DHCP_FUZZ_BINS)
TESTS   += $(DHCP_FUZZ_BINS:%=fuzz:%)

$(DHCP_FUZZ_BINS): $(BUILD)/fuzz/%: tests/fuzz/%.c $(DHCP_PURE_SRCS) $(COMMON_PURE_SRCS) $(DHCP_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(PKG_LIBS)
