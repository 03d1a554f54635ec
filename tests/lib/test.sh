# shellcheck shell=bash
# What every test script sources first: how a test ends and how it waits.
# tests/run-tests.sh reads the exit status: 0 pass, 77 skip (the last
# "SKIP: reason" line is shown in the summary), anything else fail.
#
#   skip REASON...          "SKIP: REASON", exit 77
#   fail MESSAGE...         "FAIL: MESSAGE", then the script's own on_fail
#                           (if it defines one: logs worth seeing), exit 1
#   need_root WHAT          skip unless uid 0 (WHAT: what root is needed for)
#   need_cmd CMD [PACKAGE]  skip unless CMD is on PATH
#   need_kvm                skip unless /dev/kvm is readable and writable
#   need_built PATH...      skip unless each PATH exists (a build output)
#   wait_for FILE REGEX [SECONDS]   until a line of FILE matches the
#                           extended REGEX; 1 after SECONDS (default 20)
#   wait_until SECONDS CMD...       until CMD succeeds, every 0.1 s; 1 after SECONDS
#   wait_tenths TENTHS CMD...       the same, for TENTHS tenths of a second
# and what wait_until is mostly given to run:
#   pid_gone PID...         every PID has exited (kill -0 fails)
#   has_output CMD...       CMD prints something
#   no_output CMD...        CMD prints nothing
#   output_matches REGEX CMD...  a line CMD prints matches the extended REGEX
#   line_or_gone FILE REGEX PID  a line of FILE matches, or PID has exited

skip() { echo "SKIP: $*"; exit 77; }

fail() {
	echo "FAIL: $*"
	if declare -F on_fail >/dev/null; then on_fail; fi
	exit 1
}

need_root() { [ "$(id -u)" = 0 ] || skip "needs root for $*"; }

need_cmd() {
	command -v "$1" >/dev/null || skip "$1${2:+ ($2)} is not installed"
}

need_kvm() {
	[ -e /dev/kvm ] || skip "no /dev/kvm on this machine"
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		skip "/dev/kvm is not accessible to uid $(id -u)"
	fi
}

need_built() {
	local f
	for f in "$@"; do [ -e "$f" ] || skip "$f is not built"; done
}

wait_for() {
	local file=$1 re=$2 secs=${3:-20} i
	for ((i = 0; i < secs * 10; i++)); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

wait_tenths() {
	local tenths=$1 i
	shift
	for ((i = 0; i < tenths; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

wait_until() {
	local secs=$1
	shift
	wait_tenths $((secs * 10)) "$@"
}

pid_gone() {
	local p
	for p; do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}
has_output() { [ -n "$("$@")" ]; }
no_output() { [ -z "$("$@")" ]; }
output_matches() {
	local re=$1
	shift
	"$@" | grep -Eq -- "$re"
}
line_or_gone() { grep -aEq -- "$2" "$1" 2>/dev/null || pid_gone "$3"; }
