COMMON_SRCS := common/err.c common/log.c common/caps.c common/num.c common/user.c
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/%.o)
LIBCOMMON   := $(BUILD)/libcommon.a

$(LIBCOMMON): $(COMMON_OBJS)
	$(AR) rcs $@ $^
