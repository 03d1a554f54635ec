
# demo and manifests: podlaunch as a runc entrypoint, offline manifest checks
TESTS += tests/netns/runc-entrypoint.sh
TESTS += tests/unit/manifests-validate.sh
TESTS += tests/kvm/demo-check.sh

# hardening: capability sets of podvmm and the DHCP child in a live run
TESTS += tests/kvm/caps-live.sh
# hardening: SIGKILL podlaunch anywhere in setup/run/teardown (CHAOS_KILLS, default 200)
TESTS += tests/netns/chaos-kill.sh
TESTS += tests/netns/chaos-env.sh
# hardening: a hostile guest against podvmm (seccomp on)
TESTS += tests/kvm/hostile-guest.sh

# The include layering (tests/lint/include-layers.sh) is checked by `make lint`,
# which `make check` runs first.
