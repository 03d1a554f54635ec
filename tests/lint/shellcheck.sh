#!/bin/bash
# Runs shellcheck -x on every shell script git tracks: *.sh, and files without an
# extension whose first line is a bash/sh shebang (bench/dhcp, .ci/run...).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v shellcheck >/dev/null || { echo "lint: shellcheck is not installed (package shellcheck)" >&2; exit 1; }
scripts=()
while IFS= read -r f; do
	[ -f "$f" ] || continue
	case ${f##*/} in
	*.sh) scripts+=("$f") ;;
	*.*) ;;
	*)
		first=''
		IFS= read -r first <"$f" || true
		if [[ $first =~ ^#!.*[/\ ](ba)?sh([[:space:]]|$) ]]; then scripts+=("$f"); fi
		;;
	esac
done < <(git ls-files)
[ ${#scripts[@]} -gt 0 ] || { echo "lint: no shell scripts found (not a git checkout?)" >&2; exit 1; }
printf '%s\0' "${scripts[@]}" | xargs -0 -n 4 -P "$(nproc)" shellcheck -x ||
	{ echo "lint: shellcheck findings above" >&2; exit 1; }
echo "lint: shellcheck clean on ${#scripts[@]} scripts"
