# netsetup: discovery, the transactional bridge binding, the state cache.
NETSETUP_SRCS := $(wildcard netsetup/*.c)
NETSETUP_OBJS := $(NETSETUP_SRCS:%.c=$(BUILD)/%.o)
LIBNETSETUP   := $(BUILD)/libnetsetup.a

$(LIBNETSETUP): $(NETSETUP_OBJS)
	$(AR) rcs $@ $^

# Unit tests of the pure parts (no root).
NETSETUP_UNIT := $(patsubst tests/unit/netsetup/%.c,$(BUILD)/tests/unit/netsetup/%,\
	$(wildcard tests/unit/netsetup/test_*.c))
TEST_BINS += $(NETSETUP_UNIT)
TESTS     += $(NETSETUP_UNIT)
# run's --dhcp-option/--lease-time are checked by the DHCP server's parsers
# (libdhcp); dhcp/module.mk is read after this file, hence $$(LIBDHCP).
$(NETSETUP_UNIT): $(BUILD)/tests/unit/netsetup/%: $(BUILD)/tests/unit/netsetup/%.o $(LIBNETSETUP) $$(LIBDHCP) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

# Root namespace tests (skip with 77 without root or CNI plugins).
FAKEVMM := $(BUILD)/tests/fakevmm/fakevmm
TEST_BINS += $(FAKEVMM) $(BUILD)/podlaunch
$(FAKEVMM): $(BUILD)/tests/fakevmm/fakevmm.o
	$(CC) $(LDFLAGS) -o $@ $^
TESTS += $(sort $(wildcard tests/ns/netsetup-*.sh))

include cmd/podlaunch/module.mk
