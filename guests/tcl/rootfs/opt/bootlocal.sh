#!/bin/sh
# /opt/bootlocal.sh: the tcl guest's workload: runs tinyvmm-app with the tinyvmm.* words of the kernel command line, then ends the machine.
#
# Kernel command line words tinyvmm.KEY=VALUE become the app's command line KEY=VALUE, in
# their order ("tinyvmm.app=pattern tinyvmm.pattern=B" runs "app=pattern pattern=B"; none
# at all runs hello). Two keys are this script's own and never reach the app:
#   tinyvmm.end=reboot           reboot instead of powering off when the app has ended
#   tinyvmm.report=port|file:P   where the app's reports go (exported as TINYVMM_REPORT;
#                                default port, the host's report device)
# The kernel keeps dotted words for modules, so they reach neither init's arguments nor its
# environment: this script reads them from /proc/cmdline. TC_CMDLINE_FILE replaces that
# file for the host tests only (see tc-config).
#
# The app runs as root with the superuser boot code (it needs root for the report port),
# else as Tiny Core's user tc. A host's command line through the report port, if any,
# replaces this one inside the app (tinyvmm pop --app).

CMDLINE_FILE=${TC_CMDLINE_FILE:-/proc/cmdline}
APP=/usr/local/bin/tinyvmm-app

args=""
end=poweroff
# Words only: no file-name expansion of what the command line holds.
set -f
for w in $(cat "$CMDLINE_FILE"); do
	case $w in
	tinyvmm.end=*) end=${w#tinyvmm.end=} ;;
	tinyvmm.report=*) export TINYVMM_REPORT="${w#tinyvmm.report=}" ;;
	tinyvmm.*) args="$args${args:+ }${w#tinyvmm.}" ;;
	esac
done

user=root
[ -e /etc/sysconfig/superuser ] || user=$(cat /etc/sysconfig/tcuser 2>/dev/null || echo tc)
echo "bootlocal: running $APP ${args:-(no arguments: hello)} as $user"
# $args unquoted on purpose: one argument per word, which the app joins with spaces again.
if [ "$user" = root ]; then
	$APP $args
else
	# The words as the shell's arguments, never as part of its script.
	su "$user" -s /bin/sh -c 'exec "$0" "$@"' "$APP" $args
fi
status=$?

# A write to the console returns once the UART driver has queued it; stopping the machine at
# once could cut off the last lines. stty applies settings with TCSADRAIN, so setting the
# console's own settings again waits until it has sent everything (a pipe, as in the host
# tests, has no settings: nothing to wait for).
drain_console() {
	settings=$(stty -g <&3 2>/dev/null) && stty "$settings" <&3 2>/dev/null
}

case $end in
reboot)
	echo "bootlocal: the app ended with status $status; rebooting"
	drain_console 3>&1
	reboot -f
	;;
*)
	[ "$end" = poweroff ] || echo "bootlocal: tinyvmm.end=$end is not poweroff or reboot"
	echo "bootlocal: the app ended with status $status; powering off"
	drain_console 3>&1
	poweroff -f
	;;
esac
