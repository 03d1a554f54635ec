#!/bin/bash
# cppcheck on every C file git tracks: the warning, portability and
# performance checks (style is clang-format's business), with the checked
# false positives listed in tests/lint/cppcheck.supp.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v cppcheck >/dev/null || { echo "lint: cppcheck is not installed (package cppcheck)" >&2; exit 1; }
mapfile -t srcs < <(git ls-files '*.c')
[ ${#srcs[@]} -gt 0 ] || { echo "lint: no C files found (not a git checkout?)" >&2; exit 1; }
# -D__GNUC__: one configuration, the one the compilers see; -I.: the tree's
# own headers (system headers are not needed for these checks).
cppcheck -q -j "$(nproc)" --std=c11 -D__GNUC__ -D__linux__ -I. \
	--enable=warning,portability,performance --inline-suppr \
	--suppressions-list=tests/lint/cppcheck.supp --error-exitcode=1 \
	"${srcs[@]}" || { echo "lint: cppcheck findings above" >&2; exit 1; }
echo "lint: cppcheck clean on ${#srcs[@]} C files"
