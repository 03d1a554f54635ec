# common/: logging, error context, numbers, capabilities, users (libcommon.a).
# The pure part (no libcap) is what the fuzzers link.
COMMON_PURE_SRCS := common/err.c common/log.c common/num.c
COMMON_SRCS := $(COMMON_PURE_SRCS) common/caps.c common/user.c
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/%.o)
LIBCOMMON   := $(BUILD)/libcommon.a

$(LIBCOMMON): $(COMMON_OBJS)
	$(AR) rcs $@ $^
