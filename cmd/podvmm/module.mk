PODVMM      := $(BUILD)/podvmm
PODVMM_OBJS := $(addprefix $(BUILD)/cmd/podvmm/,main.o cli.o console.o)
PROGRAMS    += $(PODVMM)

$(PODVMM): $(PODVMM_OBJS) $(VMM_NET_LIB) $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $(PODVMM_OBJS) $(VMM_LIBS)
