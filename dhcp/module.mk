# dhcp/: the single-client DHCPv4 server and the IPv6 side (DHCPv6 + RAs).
# Pure packet/option code and the socket I/O live in separate files;
# everything is archived in libdhcp.a, which podlaunch and the netsetup
# tests link.  The fuzzers build the pure part from the same list.
DHCP_PURE_SRCS := dhcp/msg.c dhcp/optenc.c dhcp/config.c dhcp/reply.c dhcp/server.c \
	dhcp/frame.c dhcp/ip6pkt.c dhcp/dhcp6_msg.c dhcp/dnsname.c dhcp/config6.c \
	dhcp/dhcp6_server.c dhcp/ndp.c dhcp/ra.c dhcp/serve6.c
DHCP_SRCS := $(DHCP_PURE_SRCS) dhcp/io.c dhcp/io6.c dhcp/sock.c
DHCP_HDRS := dhcp/config.h dhcp/frame.h dhcp/io.h dhcp/msg.h dhcp/optenc.h dhcp/proto.h \
	dhcp/reply.h dhcp/server.h dhcp/proto6.h dhcp/ip6pkt.h dhcp/dhcp6_msg.h dhcp/dnsname.h \
	dhcp/config6.h dhcp/dhcp6_server.h dhcp/ndp.h dhcp/ra.h dhcp/serve6.h dhcp/io6.h \
	dhcp/sock.h
DHCP_OBJS := $(DHCP_SRCS:%.c=$(BUILD)/%.o)
LIBDHCP   := $(BUILD)/libdhcp.a

$(LIBDHCP): $(DHCP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# Unit tests (cmocka): one binary per file in tests/unit/dhcp/.
DHCP_UNIT := test_config test_config_masq test_log_filtered test_msg test_noalloc test_optenc \
	test_server test_config6 test_dhcp6 test_ndp test_serve6
DHCP_UNIT_BINS := $(DHCP_UNIT:%=$(BUILD)/tests/unit/dhcp/%)
TEST_BINS += $(DHCP_UNIT_BINS)
TESTS     += $(DHCP_UNIT_BINS)

$(DHCP_UNIT_BINS): $(BUILD)/tests/unit/dhcp/%: $(BUILD)/tests/unit/dhcp/%.o $(LIBDHCP) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

# Interop tests: real clients in network namespaces (root; skip otherwise).
TESTS += tests/netns/dhcp-udhcpc.sh tests/netns/dhcp-dhclient.sh tests/netns/dhcp-dhcpcd.sh tests/netns/dhcp-server.sh \
	tests/netns/dhcp-overload.sh tests/netns/dhcp-run.sh tests/netns/dhcp-split121.sh
# IPv6 (DHCPv6 + RAs) with real clients in a dual-stack pod.
TESTS += tests/netns/dhcp6-dhcpcd.sh tests/netns/dhcp6-dhclient.sh tests/netns/dhcp6-server.sh \
	tests/netns/dhcp6-bridge.sh tests/netns/dhcp6-calico.sh tests/netns/dhcp6-rio.sh

# libFuzzer targets (clang): the parser alone, request -> reply, and the
# configuration parser, each over the pure sources; for IPv6 the DHCPv6
# parser, the IPv6/ND parsers, and the whole IPv6 request -> reply path.
DHCP_FUZZ := dhcp_parse dhcp_server dhcp_config dhcp6_parse ndp_parse dhcp6_server
DHCP_FUZZ_BINS := $(DHCP_FUZZ:%=$(BUILD)/fuzz/%)
FUZZERS += $(DHCP_FUZZ_BINS)
TESTS   += $(DHCP_FUZZ_BINS:%=fuzz:%)

$(DHCP_FUZZ_BINS): $(BUILD)/fuzz/%: tests/fuzz/%.c $(DHCP_PURE_SRCS) $(COMMON_PURE_SRCS) $(DHCP_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(PKG_LIBS)
