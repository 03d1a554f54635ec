# common/: logging, error context, MAC text, numbers, capabilities, users (libcommon.a).
# The pure part (no libcap) is what the fuzzers link.
COMMON_PURE_SRCS := common/err.c common/log.c common/num.c common/mac.c
COMMON_SRCS := $(COMMON_PURE_SRCS) common/caps.c common/user.c
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/%.o)
LIBCOMMON   := $(BUILD)/libcommon.a

$(LIBCOMMON): $(COMMON_OBJS)
	$(AR) rcs $@ $^

# Unit tests (cmocka): one binary per file in tests/unit/common/
# (test_log runs threads against the logger's non-blocking path).
COMMON_UNIT := test_err test_log test_mac
COMMON_UNIT_BINS := $(COMMON_UNIT:%=$(BUILD)/tests/unit/common/%)
TEST_BINS += $(COMMON_UNIT_BINS)
TESTS     += $(COMMON_UNIT_BINS)
$(COMMON_UNIT_BINS): $(BUILD)/tests/unit/common/%: $(BUILD)/tests/unit/common/%.o $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lpthread
