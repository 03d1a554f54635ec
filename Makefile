# podlaunch: one Makefile; each module adds its objects, programs and tests
# through its own module.mk so the pieces stay independent.

BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
PKGS     := libnl-3.0 libnl-route-3.0 libmnl libnftnl libcap jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SECCOMP_LIBS := $(shell pkg-config --libs libseccomp 2>/dev/null)
CMOCKA_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection -fPIE
OPT      ?= -O2 -g
ifeq ($(SANITIZE),1)
OPT      := -O1 -g -fno-omit-frame-pointer
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined
HARDEN   := -fstack-protector-strong -fPIE
endif
CFLAGS   := -std=gnu11 $(OPT) $(WARN) $(HARDEN) $(SAN) -I. $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS  := -pie -Wl,-z,relro,-z,now $(SAN) $(EXTRA_LDFLAGS)

# Filled in by the module.mk files.
PROGRAMS :=
TEST_BINS:=
# Entries run by `make check`: an executable, or fuzz:PATH for a short
# bounded libFuzzer run of PATH over its seed corpus.
TESTS    :=
FUZZERS  :=
BENCHES  :=
BENCH_BINS :=
CLEAN    :=

all: programs

# Every module.mk, in dependency order: a fragment names only the libraries
# and source lists of the fragments above it.
include common/module.mk
include dhcp/module.mk
include netsetup/module.mk
include vmm/seccomp/module.mk
include vmm/module.mk
include vmm/virtio/module.mk
include cmd/podlaunch/module.mk
include cmd/podvmm/module.mk
include tests/guest/module.mk
include tests/unit/vmm/module.mk
include tests/kvm/module.mk
include tests/module.mk
include tests/linux/module.mk
include bench/module.mk

programs: $(PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Fuzz targets are built with clang and libFuzzer.
FUZZ_CFLAGS := -std=gnu11 -O1 -g -I. $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -DFUZZING
FUZZ_TIME ?= 20

FUZZ_SMOKE ?= 10

# check installs what a fresh machine lacks first, then re-reads this
# Makefile so pkg-config sees the freshly installed libraries.
check:
	@tests/ensure-packages.sh
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory check-run

check-run: all $(TEST_BINS) $(FUZZERS)
	@BUILD=$(BUILD) FUZZ_SMOKE=$(FUZZ_SMOKE) tests/run-tests.sh $(TESTS)

fuzz: $(FUZZERS)
	@tests/run-fuzz.sh $(FUZZ_TIME) $(FUZZERS)

bench: all $(BENCH_BINS)
	@for b in $(BENCHES); do echo "== $$b"; BUILD=$(BUILD) $$b || exit 1; done

# No prerequisites: demo.sh first installs what a fresh machine lacks
# (compiler, -dev packages, runc, CNI plugins), then builds.
demo:
	@BUILD=$(BUILD) BINDING=$(BINDING) demo/demo.sh

clean:
	rm -rf $(BUILD) $(CLEAN)

# Static checks, run by `make check`: shellcheck on every tracked shell
# script, cppcheck on the C, the include layering, the C's layout
# (tests/lint/).
lint:
	@tests/lint/shellcheck.sh
	@tests/lint/cppcheck.sh
	@tests/lint/include-layers.sh
	@CLANG_FORMAT=$(CLANG_FORMAT) tests/lint/format.sh

# .clang-format (the kernel's style) over every tracked .c/.h; format-check
# (tests/lint/format.sh, also part of lint) names what format would change.
CLANG_FORMAT ?= clang-format
format:
	@git ls-files '*.c' '*.h' | xargs $(CLANG_FORMAT) -i

format-check:
	@CLANG_FORMAT=$(CLANG_FORMAT) tests/lint/format.sh

# Keep intermediate objects (no "rm ..." after the test summary).
.SECONDARY:

.PHONY: all programs check check-run fuzz bench demo clean lint format format-check
# (The Linux rig's package cache under $(BUILD)/linux holds directories named *.d.)
-include $(shell find $(BUILD) -path $(BUILD)/linux -prune -o -name '*.d' -type f -print 2>/dev/null)
