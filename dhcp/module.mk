# dhcp/: the single-client DHCPv4 server.  Pure packet/option code and the
# socket I/O live in separate files; everything is archived in libdhcp.a,
# which the podlaunch link (netsetup/module.mk) picks up through LIBDHCP.
DHCP_SRCS := dhcp/msg.c dhcp/optenc.c dhcp/config.c dhcp/reply.c dhcp/server.c dhcp/frame.c dhcp/io.c
DHCP_OBJS := $(DHCP_SRCS:%.c=$(BUILD)/%.o)
LIBDHCP   := $(BUILD)/libdhcp.a

$(LIBDHCP): $(DHCP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# Unit tests (cmocka): one binary per file in tests/unit/dhcp/.
DHCP_UNIT_SRCS := $(wildcard tests/unit/dhcp/test_*.c)
DHCP_UNIT_BINS := $(DHCP_UNIT_SRCS:%.c=$(BUILD)/%)
TEST_BINS += $(DHCP_UNIT_BINS)
TESTS     += $(DHCP_UNIT_BINS)

$(DHCP_UNIT_BINS): $(BUILD)/tests/unit/dhcp/%: $(BUILD)/tests/unit/dhcp/%.o $(LIBDHCP) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

# Interop tests: real clients in network namespaces (root; skip otherwise).
TESTS += tests/ns/dhcp-udhcpc.sh tests/ns/dhcp-dhclient.sh tests/ns/dhcp-dhcpcd.sh tests/ns/dhcp-server.sh \
	tests/ns/dhcp-overload.sh tests/ns/dhcp-run.sh

# libFuzzer targets (clang): the parser alone, and request -> reply.
DHCP_FUZZ_PURE := dhcp/msg.c dhcp/optenc.c dhcp/reply.c dhcp/server.c dhcp/config.c common/log.c common/num.c
FUZZERS += $(BUILD)/fuzz/dhcp_parse $(BUILD)/fuzz/dhcp_server $(BUILD)/fuzz/dhcp_config
TESTS   += fuzz:$(BUILD)/fuzz/dhcp_parse fuzz:$(BUILD)/fuzz/dhcp_server fuzz:$(BUILD)/fuzz/dhcp_config

$(BUILD)/fuzz/dhcp_parse: tests/fuzz/dhcp_parse.c dhcp/msg.c dhcp/msg.h dhcp/proto.h
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ tests/fuzz/dhcp_parse.c dhcp/msg.c

$(BUILD)/fuzz/dhcp_server: tests/fuzz/dhcp_server.c $(DHCP_FUZZ_PURE) $(wildcard dhcp/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ tests/fuzz/dhcp_server.c $(DHCP_FUZZ_PURE) $(PKG_LIBS)

$(BUILD)/fuzz/dhcp_config: tests/fuzz/dhcp_config.c $(DHCP_FUZZ_PURE) $(wildcard dhcp/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ tests/fuzz/dhcp_config.c $(DHCP_FUZZ_PURE) $(PKG_LIBS)
