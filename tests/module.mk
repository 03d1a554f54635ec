
# demo/manifests (issue 6): podlaunch as a runc entrypoint, offline manifest checks
TESTS += tests/demo/runc-entrypoint.sh
TESTS += tests/manifests/validate.sh
TESTS += tests/demo/demo-check.sh
