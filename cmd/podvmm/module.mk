# podvmm: the VMM binary (command line, console, the event loop).
PODVMM      := $(BUILD)/podvmm
PODVMM_OBJS := $(addprefix $(BUILD)/cmd/podvmm/,main.o cli.o console.o)
PROGRAMS    += $(PODVMM)

$(PODVMM): $(PODVMM_OBJS) $(LIBVIRTIO) $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $(PODVMM_OBJS) $(VMM_LIBS)
