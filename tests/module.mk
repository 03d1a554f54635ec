
# demo and manifests: podlaunch as a runc entrypoint, offline manifest checks
TESTS += tests/demo/runc-entrypoint.sh
TESTS += tests/manifests/validate.sh
TESTS += tests/demo/demo-check.sh

# hardening: capability sets of podvmm and the DHCP child in a live run
TESTS += tests/caps/run.sh
# hardening: SIGKILL podlaunch anywhere in setup/run/teardown (CHAOS_KILLS, default 200)
TESTS += tests/chaos/run.sh
TESTS += tests/chaos/env.sh
# hardening: a hostile guest against podvmm (seccomp on)
TESTS += tests/hostile/run.sh

# Include layering (tests/lint/include-layers.sh: no folder includes one above it)
TESTS += tests/lint/include-layers.sh
