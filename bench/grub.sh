# bench/grub.sh: the grub section of bench/measure.sh (sourced by it): GRUB Legacy from a floppy and an IDE disk to the kernel's first line, and the exits per boot.
#
# The images are make images' floppy-test.img and disk-test.img: GRUB Legacy 0.97 with
# `timeout 0` boots images/testkernel/mbkick, whose first line starts with "mbkick:" and which
# leaves through port 0xf4 with status 1. Each run is timed from the VMM's start to that
# word on its stdout (first_ms) and to its end (wall_ms). Uses measure.sh's helpers and
# variables (HOST, GRUB_RUNS, TIMEIT, TVMM, QEMU, put, fail, step, fields, hist_on, ...).
# shellcheck shell=sh

GRUB_WORD=mbkick:
GRUB_TIMEOUT_S=60        # a tinyvmm run
GRUB_QEMU_TIMEOUT_S=120  # a QEMU run: SeaBIOS retries a failed boot only after 60 s
GRUB_SLOW_MS=10000       # a QEMU case whose first run takes longer than this ...
GRUB_SLOW_RUNS=3         # ... gets only this many runs
GRUB_HISTS="kvm_exit:exit_reason kvm_userspace_exit:reason kvm_pio:port,rw"
GRUB_EXTRA=""            # more tinyvmm options (the counting run adds -exit-stats)

# grub_timed TOOL MEDIA [timeit options]: one timeit run of that image under TOOL.
# tinyvmm gets the issue's memory sizes (2 MiB with the floppy, 4 with the disk); QEMU gets
# 4 MiB both ways, as SeaBIOS wants room of its own.
grub_timed() {
	tool=$1 media=$2
	shift 2
	case $media in
	floppy) mb=2 drive=-fda img=$BUILD/images/floppy-test.img ;;
	*) mb=4 drive=-hda img=$BUILD/images/disk-test.img ;;
	esac
	case $tool in
	tinyvmm)
		# shellcheck disable=SC2086
		"$TIMEIT" -t $GRUB_TIMEOUT_S "$@" -- "$TVMM" run -m $mb $drive "$img" -snapshot \
			-screen none $GRUB_EXTRA </dev/null ;;
	qemu-pc)
		"$TIMEIT" -t $GRUB_QEMU_TIMEOUT_S "$@" -- "$QEMU" -enable-kvm -m 4 $drive "$img" \
			-snapshot -display none -serial stdio -device "$DEBUG_EXIT" -no-reboot </dev/null ;;
	esac
}

# A run counts when the VMM ended with status 1 after printing the word.
grub_booted() { echo "$1" | awk '/ status=1 |^status=1 / && / ready_ms=[0-9]/ { ok = 1 } END { exit !ok }'; }

# grub_count TOOL MEDIA: one more run, not timed, for the counts: the serial bytes before the
# word and in all; tinyvmm's own -exit-stats report; and, with tracefs, KVM's trace events
# (every VM exit by reason, every return to user space, every port access by port).
grub_count() {
	tool=$1 media=$2 pre="$HOST,$1,$2"
	step "counting $tool $media"
	traced=0
	find_tracefs && hist_on "$GRUB_HISTS" && traced=1
	GRUB_EXTRA=""
	[ "$tool" = tinyvmm ] && GRUB_EXTRA=-exit-stats
	err=$OUT/grub-count.err
	line=$(grub_timed "$tool" "$media" -p 100 -r "$GRUB_WORD" 2>"$err")
	GRUB_EXTRA=""
	cat "$err" >>"$ERRLOG"
	grub_booted "$line" || fail "the counting run of $tool from the $media did not reach '$GRUB_WORD'"
	echo "$line" | fields "out_bytes ready_byte" | awk -F, -v pre="$pre" -v w="$GRUB_WORD" '{
		print pre ",serial,bytes," $1
		if ($2 != "") print pre ",serial,bytes before " w "," $2
	}' | put "$grub_exits"
	# tinyvmm's report: "N exits to user space in S s", then by kind, by device, by BIOS vector
	[ "$tool" = tinyvmm ] && awk -v pre="$pre,exit_stats" '
		function list(s, kind,   n, a, i, name, cnt) {
			n = split(s, a, /, /)
			for (i = 1; i <= n; i++) {
				name = a[i]; sub(/ [0-9]+$/, "", name); cnt = a[i]; sub(/.* /, "", cnt)
				print pre "," kind name "," cnt
			}
		}
		/ exits to user space in / {
			for (i = 1; i <= NF; i++) {
				if ($i == "exits" && $(i + 1) == "to") print pre ",exits to user space," $(i - 1)
				if ($i == "in" && $(i + 2) == "s") print pre ",seconds," $(i + 1)
			}
		}
		/^  port I\/O / { s = $0; sub(/^ +/, "", s); list(s, "kind:") }
		/^  port accesses by device/ { list(substr($0, index($0, "): ") + 3), "device:") }
		/^  BIOS service calls / {
			print pre ",BIOS service calls," $4
			list(substr($0, index($0, "): ") + 3), "bios:")
		}' "$err" | put "$grub_exits"
	rm -f "$err"
	if [ "$traced" = 0 ]; then
		echo "$pre,kvm trace,unavailable (needs root and tracefs)," | put "$grub_exits"
		return 0
	fi
	ids=$(echo "$line" | fields "tids kthread_pids" | tr , ' ')
	for h in $GRUB_HISTS; do
		ev=${h%%:*}
		# "{ common_pid: 93, port: 1016, rw: 1 } hitcount: 658": ports in hex, rw as in/out
		awk -v ids="$ids" -v pre="$pre,$ev" '
			BEGIN { n = split(ids, a, " "); for (i = 1; i <= n; i++) ours[a[i]] = 1 }
			index($0, "{ common_pid:") == 1 {
				gsub(/[{}:,]/, " ")
				if (!($2 in ours)) next
				key = ""
				for (i = 3; $i != "hitcount" && i < NF; i += 2) {
					v = $(i + 1)
					if ($i == "port") v = sprintf("0x%x", v)
					if ($i == "rw") v = v ? "out" : "in"
					key = key (key == "" ? "" : " ") v
				}
				c[key] += $(i + 1)
			}
			END { for (k in c) print pre "," k "," c[k] }
		' "$T/events/kvm/$ev/hist" | put "$grub_exits"
	done
	hist_off "$GRUB_HISTS"
}

section_grub() {
	grub_csv=$OUT/grub_time.csv grub_exits=$OUT/grub_exits.csv
	new_csv "$grub_csv" "host,tool,media,run,first_ms,wall_ms,user_ms,sys_ms,out_bytes,status"
	new_csv "$grub_exits" "host,tool,media,source,key,count"
	for f in "$BUILD/images/floppy-test.img" "$BUILD/images/disk-test.img"; do
		[ -e "$f" ] || { fail "missing $f (make images builds it)"; return 0; }
	done
	cases="tinyvmm:floppy tinyvmm:disk"
	[ "$WITH_QEMU" = 1 ] && cases="$cases qemu-pc:disk qemu-pc:floppy"
	# QEMU's -snapshot overlay goes to /var/tmp whatever TMPDIR says; the nested VM has none.
	[ -d /var/tmp ] || mkdir -p /var/tmp
	echo "bench [$HOST]: GRUB Legacy to the kernel's first line, $GRUB_RUNS runs each of: $cases"
	# runs left per case (qemu-pc:disk -> left_qemu_pc_disk); the cases take turns run by run.
	# QEMU gets one try from the floppy, as the issue asks: whether SeaBIOS boots it at all.
	# (Timing it further also froze the nested VM twice in 17 runs.)
	for c in $cases; do
		v=$(echo "left_$c" | tr :- __) n=$GRUB_RUNS
		[ "$c" = qemu-pc:floppy ] && n=1
		eval "$v=$n"
	done
	i=1 left=0
	while [ "$i" -le "$GRUB_RUNS" ]; do
		for c in $cases; do
			v=$(echo "left_$c" | tr :- __)
			eval "left=\$$v"
			[ "$left" -gt 0 ] || continue
			eval "$v=$((left - 1))"
			tool=${c%:*} media=${c#*:}
			step "$tool $media run $i"
			line=$(grub_timed "$tool" "$media" -p 0 -r "$GRUB_WORD" 2>>"$ERRLOG")
			echo "$HOST,$tool,$media,$i,$(echo "$line" | fields "ready_ms wall_ms user_ms sys_ms out_bytes status")" |
				put "$grub_csv"
			if [ "$i" != 1 ] || [ "$tool" != qemu-pc ]; then continue; fi
			# QEMU's first run decides how many more it gets: none when it did not boot
			# (the floppy is expected to fail with SeaBIOS on some hosts: recorded, not an
			# error), fewer when it is slow.
			if ! grub_booted "$line"; then
				eval "$v=0"
				echo "bench [$HOST]: qemu-pc did not reach '$GRUB_WORD' from the $media: $(echo "$line" |
					fields "status wall_ms out_bytes" | awk -F, '{printf "status %s after %s ms, %s bytes of output", $1, $2, $3}')"
				[ "$media" = floppy ] || fail "qemu-pc did not reach '$GRUB_WORD' from the $media (see its stderr below)"
			elif [ "$(echo "$line" | fields wall_ms | cut -d. -f1)" -gt "$GRUB_SLOW_MS" ]; then
				eval "left=\$$v"
				if [ "$left" -ge "$GRUB_SLOW_RUNS" ]; then
					eval "$v=$((GRUB_SLOW_RUNS - 1))"
					echo "bench [$HOST]: qemu-pc from the $media takes over $((GRUB_SLOW_MS / 1000)) s a run: $GRUB_SLOW_RUNS runs only"
				fi
			fi
		done
		i=$((i + 1))
	done
	for t in tinyvmm:floppy tinyvmm:disk; do
		bad=$(awk -F, -v t="${t%:*}" -v m="${t#*:}" 'NR > 1 && $2 == t && $3 == m && ($10 != 1 || $5 == "") { n++ }
			END { print n + 0 }' "$grub_csv")
		[ "$bad" -eq 0 ] || fail "$bad of $GRUB_RUNS tinyvmm runs from the ${t#*:} did not print '$GRUB_WORD' and end with status 1"
	done
	for c in $cases; do
		[ "$c" = qemu-pc:floppy ] && continue
		booted=$(awk -F, -v t="${c%:*}" -v m="${c#*:}" 'NR > 1 && $2 == t && $3 == m && $10 == 1 && $5 != "" { n++ }
			END { print n + 0 }' "$grub_csv")
		[ "$booted" -gt 0 ] && grub_count "${c%:*}" "${c#*:}"
	done
	return 0
}
