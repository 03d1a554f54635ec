# netsetup: discovery, the transactional bridge binding, the state cache.
NETSETUP_SRCS := netsetup/cache.c netsetup/discover.c netsetup/drift.c netsetup/mac.c \
	netsetup/nl.c netsetup/opts.c netsetup/plan.c netsetup/repair.c netsetup/resolv.c \
	netsetup/setup.c netsetup/state.c netsetup/steps_links.c netsetup/steps_pod.c \
	netsetup/tap.c netsetup/txn.c
NETSETUP_OBJS := $(NETSETUP_SRCS:%.c=$(BUILD)/%.o)
LIBNETSETUP   := $(BUILD)/libnetsetup.a

$(LIBNETSETUP): $(NETSETUP_OBJS)
	$(AR) rcs $@ $^

# Unit tests of the pure parts (no root).  run's --dhcp-option/--lease-time
# are checked by the DHCP server's parsers, hence libdhcp.
NETSETUP_UNIT := test_drift test_mac test_opts test_plan test_resolv test_state
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
TESTS += tests/ns/netsetup-cli.sh tests/ns/netsetup-corrupt.sh tests/ns/netsetup-datapath.sh \
	tests/ns/netsetup-discover.sh tests/ns/netsetup-neigh.sh tests/ns/netsetup-repair.sh \
	tests/ns/netsetup-resume.sh tests/ns/netsetup-rollback.sh tests/ns/netsetup-run.sh \
	tests/ns/netsetup-setup.sh tests/ns/netsetup-stale.sh
