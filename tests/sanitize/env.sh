#!/bin/sh
# make sanitize / make tsan: the sanitizer options, the same on the host and in the nested VM, with every report written to a file.
#
# Usage: san-env.sh --print          the options as export lines (the host tier sources them)
#        san-env.sh COMMAND [ARGS]   runs COMMAND with them, then prints each report after a
#                                    "SANITIZER REPORT" line (the nested tier: its files die
#                                    with the VM, its console does not)
# tests/sanitize/run.sh copies this file into the build directory with san-kind beside it.
here=$(cd "$(dirname "$0")" && pwd)
kind=$(cat "$here/san-kind" 2>/dev/null || echo asan)
dir=${SAN_REPORTS:-/tmp/san-reports}
mkdir -p "$dir"
# Reports go to files named after the process: a boot test that runs tinyvmm and reads its
# stderr would otherwise swallow them. exitcode=86 makes a report fail the run too.
case $kind in
asan) opts="ASAN_OPTIONS=log_path=$dir/asan:detect_leaks=1:exitcode=86:allocator_may_return_null=1
UBSAN_OPTIONS=log_path=$dir/ubsan:print_stacktrace=1:halt_on_error=1
LSAN_OPTIONS=suppressions=$here/lsan.supp:print_suppressions=0" ;;
tsan) opts="TSAN_OPTIONS=log_path=$dir/tsan:exitcode=86:second_deadlock_stack=1:suppressions=$here/tsan.supp" ;;
*) echo "san-env.sh: unknown kind '$kind'" >&2; exit 2 ;;
esac
if [ "${1:-}" = --print ]; then
	for o in $opts; do echo "export $o"; done
	exit 0
fi
for o in $opts; do export "${o?}"; done
"$@"
rc=$?
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	echo "SANITIZER REPORT ($f):"
	cat "$f"
done
exit $rc
