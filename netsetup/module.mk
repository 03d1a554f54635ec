# netsetup: discovery, the transactional bridge and masquerade bindings, the state cache.
NETSETUP_SRCS := netsetup/binding.c netsetup/cache.c netsetup/discover.c netsetup/drift.c \
	netsetup/mac_random.c netsetup/masq_opts.c netsetup/masq_plan.c netsetup/masq_setup.c \
	netsetup/masq_state.c netsetup/nft_io.c netsetup/nft_table.c netsetup/nl.c netsetup/opts.c \
	netsetup/plan.c netsetup/repair.c netsetup/resolv.c netsetup/restore_plan.c netsetup/rtmsg.c \
	netsetup/state.c netsetup/step_bridge.c netsetup/step_bridge_port.c netsetup/step_masq.c \
	netsetup/step_placeholder.c \
	netsetup/step_pod_iface.c netsetup/step_tap.c netsetup/tap_dev.c netsetup/txn.c
NETSETUP_OBJS := $(NETSETUP_SRCS:%.c=$(BUILD)/%.o)
LIBNETSETUP   := $(BUILD)/libnetsetup.a

$(LIBNETSETUP): $(NETSETUP_OBJS)
	$(AR) rcs $@ $^

# Unit tests of the pure parts (no root).  run's --dhcp-option/--lease-time
# are checked by the DHCP server's parsers, hence libdhcp.
NETSETUP_UNIT := test_drift test_mac_random test_masq test_opts test_plan test_resolv test_restore \
	test_state
NETSETUP_UNIT_BINS := $(NETSETUP_UNIT:%=$(BUILD)/tests/unit/netsetup/%)
TEST_BINS += $(NETSETUP_UNIT_BINS)
TESTS     += $(NETSETUP_UNIT_BINS)
$(NETSETUP_UNIT_BINS): $(BUILD)/tests/unit/netsetup/%: $(BUILD)/tests/unit/netsetup/%.o \
		$(LIBNETSETUP) $(LIBDHCP) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

# Root namespace tests (skip with 77 without root or CNI plugins).
FAKEVMM := $(BUILD)/tests/fakevmm/fakevmm
TEST_BINS += $(FAKEVMM) $(BUILD)/podlaunch
$(FAKEVMM): $(BUILD)/tests/fakevmm/fakevmm.o
	$(CC) $(LDFLAGS) -o $@ $^
TESTS += tests/unit/podlaunch-cli.sh tests/netns/netsetup-corrupt.sh tests/netns/netsetup-datapath.sh \
	tests/netns/netsetup-discover.sh tests/netns/netsetup-masq-datapath.sh \
	tests/netns/netsetup-masq-ipv6.sh tests/netns/netsetup-masq-txn.sh tests/netns/netsetup-neigh.sh tests/netns/netsetup-repair.sh \
	tests/netns/netsetup-resume.sh tests/netns/netsetup-rollback.sh tests/netns/netsetup-run.sh \
	tests/netns/netsetup-setup.sh tests/netns/netsetup-stale.sh tests/netns/netsetup-nexthop.sh
