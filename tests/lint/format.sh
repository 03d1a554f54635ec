#!/bin/bash
# clang-format (the tree's .clang-format, the kernel's style tuned to this
# tree) over every C file git tracks: fails naming each file whose layout
# `make format` would change, with the first lines of the change.  Part of
# `make lint` (and so of `make check`).
set -euo pipefail
cd "$(dirname "$0")/../.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
command -v "$CLANG_FORMAT" >/dev/null ||
	{ echo "lint: $CLANG_FORMAT is not installed (package clang-format)" >&2; exit 1; }
mapfile -t srcs < <(git ls-files '*.c' '*.h')
[ ${#srcs[@]} -gt 0 ] || { echo "lint: no C files found (not a git checkout?)" >&2; exit 1; }
bad=0
for f in "${srcs[@]}"; do
	if ! out=$("$CLANG_FORMAT" --style=file "$f" | diff -u "$f" - 2>&1); then
		echo "lint: $f is not formatted (make format):"
		printf '%s\n' "$out" | sed -n '3,12p'
		bad=$((bad + 1))
	fi
done
[ "$bad" = 0 ] || { echo "lint: $bad of ${#srcs[@]} C files not formatted" >&2; exit 1; }
echo "lint: clang-format clean on ${#srcs[@]} C files"
