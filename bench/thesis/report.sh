#!/bin/bash
# bench/thesis/report.sh: writes report.md from the experiments' CSVs and figures: the thesis's numbers, QEMU's and tinyvmm's side by side, and how each was measured.
#
# Usage: bench/thesis/report.sh DIR SCALE SECONDS > DIR/report.md
# Only numbers found in DIR's CSVs are shown; a figure that is missing shows its reason
# (failures.csv, figures_missing.txt) in its place.
set -u
D=$1 SCALE=$2 SECS=$3
cd "$D" || exit 1
host=$(awk -F, 'NR == 2 { print $1 }' environment.csv 2>/dev/null)
host=${host:-unknown}

# table FILE AWK-PROGRAM: a markdown table from a CSV; the program prints "|"-separated rows
# rest(LINE, K): LINE without its first K fields, quotes dropped (the free-text note at the end)
AWK_REST='function rest(l, k,    i) { for (i = 0; i < k; i++) sub(/^[^,]*,/, "", l); gsub(/"/, "", l); return l }'
table() { awk -F, "$AWK_REST $2" "$1" 2>/dev/null; }
# the reasons an experiment missed figures, as a list
notes() { # EXPERIMENT: what the scale left out here, and why
	awk -F, -v e="$1" 'NR > 1 && $2 == e { sub(/^[^,]*,[^,]*,/, ""); gsub(/^"|"$/, ""); gsub(/""/, "\""); print "- **Note:** " $0 }' notes.csv 2>/dev/null
}
failures() { # EXPERIMENT
	awk -F, -v e="$1" 'NR > 1 && $2 == e { sub(/^[^,]*,[^,]*,/, ""); gsub(/^"|"$/, ""); gsub(/""/, "\""); print "- **Not measured:** " $0 }' failures.csv 2>/dev/null
}
figure() { # NAME CAPTION
	if [ -s "$1.png" ]; then
		echo "![$2]($1.png)"
		echo
		echo "*$2.* Numbers: [\`$1.csv\`]($1.csv)."
	else
		echo "*Figure not drawn:* $(grep "^$1" figures_missing.txt 2>/dev/null | head -1 | cut -d: -f2- || echo "no data")"
	fi
	echo
}
commands() { # EXPERIMENT: the exact command lines, one of each VMM and type
	echo "Command lines (\`build\` is the build directory; rerun one by hand to check a figure):"
	echo
	echo '```'
	awk -v e="$1" 'BEGIN { FS = "," }
		NR > 1 && $1 == e { k = $2 "," $3; if (k in seen) next; seen[k] = 1
			c = substr($0, length($1) + length($2) + length($3) + 4); gsub(/^"|"$/, "", c); gsub(/""/, "\"", c)
			print "# " $2 ", " $3; print c }' commands.csv 2>/dev/null
	echo '```'
	echo
}

cat <<EOF
# The thesis's chapters 4 and 5, regenerated: tinyvmm beside QEMU

Made by \`make thesis\` (\`bench/thesis/\`, scale **$SCALE**, $((SECS / 60)) min $((SECS % 60)) s) on a
**$host** host. The thesis's own figures are quoted from its text; QEMU and tinyvmm were
measured in the same run on the same host, one after the other.

EOF
table environment.csv 'NR == 1 { print "| host kind | scale | kernel | CPU | cpus | memory | KVM | tinyvmm | QEMU | load at start |"; print "|---|---|---|---|---:|---:|---|---|---|---|"; next }
	{ m = match($0, /"[^"]*"/); cpu = substr($0, RSTART + 1, RLENGTH - 2); line = $0; sub(/"[^"]*"/, "CPU", line); split(line, f, ",")
	  printf "| %s | %s | %s | %s | %s | %.1f GiB | %s | %s | %s | %s |\n", f[1], f[2], f[3], cpu, f[5], f[6] / 1048576, f[7], f[8], f[9], f[10] }'
echo
echo "## What this host kind can and cannot show"
echo
case $host in
nested-tcg) cat <<'EOF'
- This machine has no `/dev/kvm`: every VM ran inside a QEMU VM whose TCG emulates AMD-V
  (`tests/nested/run.sh`), with one emulated vCPU. **All times and CPU figures are relative**:
  compare tinyvmm with QEMU here, not with the thesis's hardware. Host CPU % is that VM's.
- Memory figures are the nested VM's kernel's and compare well; its kernel backs anonymous
  memory with transparent huge pages, which rounds small guests' RAM up.
- fib(n) runs ~10x slower than on the thesis's machines, so the full scale lowers n where the
  tables say (the patterns' bursts and the scaling laps); the sleeps are the thesis's.
- QEMU boots every guest here (SeaBIOS reads GRUB floppies under the nested kvm_amd).
EOF
;;
kvm_pvm) cat <<'EOF'
- kvm_pvm is a software KVM: guest kernel-mode, real-mode and firmware code is emulated at
  ~1 µs per instruction, so **ring-0 CPU work (boot times, kernel CPU) cannot be compared**
  with hardware; guest user-mode code (the apps' fib) runs natively and compares.
- A stock Linux does not reach user space there: tcl rows are missing, and say so.
- QEMU cannot read a GRUB floppy there: its L4 guests boot by direct multiboot (`-kernel`).
EOF
;;
hardware) echo "- Hardware KVM: every figure compares, with the thesis's too (different CPUs, 2012 vs now)." ;;
*) echo "- Unknown host kind: read every figure as relative." ;;
esac
echo
if [ "$(awk -F, 'NR > 1 && $2 == "setup"' failures.csv 2>/dev/null | wc -l)" -gt 0 ]; then
	echo "**Some figures could not be measured**; each section lists its own. Setup:"
	echo
	failures setup
	echo
fi

# --- the main findings, each computed from the tables below ----------------------------------------
echo "## Main findings"
echo
{
	# footprint: at each N where both VMMs ran, QEMU's per-guest memory over tinyvmm's
	awk -F, 'NR > 1 && $6 != "" && $6 > 0 { m[$2, $4, $3] = $6; p[$2, $4, $3] = $7; k[$2 SUBSEP $4] = 1 }
		END { for (x in k) { split(x, a, SUBSEP); t = a[1]; n = a[2]
			if (((t, n, "tinyvmm") in m) && ((t, n, "qemu-pc") in m))
				printf "- **Footprint, %s at N = %s:** %.2f MiB per idle guest under tinyvmm, %.2f MiB under QEMU -M pc (MemAvailable drop; %.1fx), PSS %.2f vs %.2f MiB (%.1fx).\n",
					t, n, m[t, n, "tinyvmm"] / 1024, m[t, n, "qemu-pc"] / 1024, m[t, n, "qemu-pc"] / m[t, n, "tinyvmm"],
					p[t, n, "tinyvmm"] / 1024, p[t, n, "qemu-pc"] / 1024, (p[t, n, "tinyvmm"] > 0 ? p[t, n, "qemu-pc"] / p[t, n, "tinyvmm"] : 0) } }' footprint.csv 2>/dev/null | sort
	# bursts per pattern against the thesis's 9/4/25
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["bursts_median"] != "" { p = $4; b[p] = b[p] (b[p] == "" ? "" : ", ") $3 " " $c["bursts_median"]; w[p] = $8; th[p] = $c["thesis_bursts"]; n[p] = $5 }
		END { for (p in b) printf "- **Pattern %s** (fib(%s), %s s window): bursts per guest %s; the thesis counted %s.\n", p, n[p], w[p], b[p], th[p] }' pattern_bursts.csv 2>/dev/null | sort
	# scaling: the first and last population each VMM finished
	awk -F, 'NR > 1 && $10 != "" { v = $3; if (!(v in lo) || $4 + 0 < lo[v]) { lo[v] = $4 + 0; tl[v] = $10 } if ($4 + 0 > hi[v]) { hi[v] = $4 + 0; th[v] = $10 } }
		END { for (v in lo) if (hi[v] > lo[v]) printf "- **Scaling, %s:** the same laps took %.1f s on %d VMs and %.1f s on %d VMs (%+.0f%%).\n", v, tl[v], lo[v], th[v], hi[v], 100 * (th[v] - tl[v]) / tl[v] }' scaling.csv 2>/dev/null | sort
	# boot medians
	awk -F, 'NR > 1 { k = $2 " under " $3; v[k, ++n[k]] = $5 + 0 }
		END { for (k in n) { m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			printf "- **Boot, %s:** median %.0f ms from launch to the first app line (%d guests).\n", k, a[int((m + 1) / 2)], m } }' boot.csv 2>/dev/null | sort
	awk -F, 'NR > 1 { n++; if ($3 > mv) mv = $3; c += $4; if ($5 > mm) mm = $5; e += $6; last = $2 }
		END { if (n) printf "- **Mixed population:** up to %d guests in one tinyvmm, sampled for %.0f s; host CPU %.1f %% on average, %.0f MiB of memory used at the peak, %.0f exits to user space per second.\n", mv, last, c / n, mm / 1024, e / n }' mixed_stats.csv 2>/dev/null
} | grep . || echo "- Nothing was measured: see the sections below."
echo
echo "These are $host figures; the section above says what they can and cannot show."
echo

# --- 1 -----------------------------------------------------------------------------------------------
cat <<'EOF'
## 1. Image sizes and the smallest RAM (sections 5.1.5 and 6)

The thesis: images of 1.5 MB (L4), 32 MB (BareMetal) and 20 MB (Tiny Core); the smallest RAM
that booted them 1.68 MB, 16 MB and 48 MB under QEMU. Here: each type's image, and the
smallest `-m` that runs pattern A (one lap of fib(20), its line seen), found by bisection at
the stated resolution, for tinyvmm and each QEMU machine type that boots the guest.

EOF
table sizes.csv 'NR == 1 { print "| type | image | image size | booted files | thesis image | note |"; print "|---|---|---:|---:|---:|---|"; next }
	{ note = rest($0, 6)
	  printf "| %s | %s | %s | %s | %s MB | %s |\n", $2, ($3 == "" ? "—" : $3), ($4 == "" ? "—" : sprintf("%.2f MiB", $4 / 1048576)), ($5 == "" ? "—" : sprintf("%.2f MiB", $5 / 1048576)), $6, note }'
echo
table minmem.csv 'NR == 1 { print "| type | VMM | smallest -m | resolution | probes | thesis (QEMU) | note |"; print "|---|---|---:|---:|---:|---:|---|"; next }
	{ note = rest($0, 7)
	  printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, ($3 == "" ? "—" : $3), ($4 == "" ? "—" : sprintf("%d KiB (%.2f MiB)", $4, $4 / 1024)), ($5 == "" ? "—" : $5 " KiB"), ($6 == "" ? "—" : $6), ($7 == "" ? "—" : $7 " MB"), note }'
echo
notes sizes
failures sizes
figure fig1_minmem "Smallest RAM that runs pattern A, per type and VMM (KiB, log scale)"
commands sizes

# --- 2 -----------------------------------------------------------------------------------------------
cat <<'EOF'
## 2. Host memory per idle guest (Table 5.1)

The thesis: 3.45 MB (L4), 3.53 MB (BareMetal) and 24.82 MB (Tiny Core) per idle VM under QEMU
on its hardware lab (host memory used with 10 VMs, less without, / 10). Here: N guests each
printing a line every 20 s (the thesis's Appendix A), read once all have printed their first
line and have settled: the drop of MemAvailable / N (kernel side included) and PSS / N
(tinyvmm: its one process; QEMU: the sum over its N processes).

EOF
table footprint.csv 'NR == 1 { print "| type | VMM | N | running | MemAvailable drop / VM | PSS / VM | RSS / VM | thesis (QEMU) | note |"; print "|---|---|---:|---:|---:|---:|---:|---:|---|"; next }
	{ note = rest($0, 9)
	  printf "| %s | %s | %s | %s | %s | %s | %s | %s MB | %s |\n", $2, ($3 == "" ? "—" : $3), ($4 == "" ? "—" : $4), ($5 == "" ? "—" : $5),
		($6 == "" ? "—" : sprintf("%.2f MiB", $6 / 1024)), ($7 == "" ? "—" : sprintf("%.2f MiB", $7 / 1024)), ($8 == "" ? "—" : sprintf("%.2f MiB", $8 / 1024)), $9, note }'
echo
# the ratios, only where both VMMs were measured at the same N
ratios=$(awk -F, 'NR > 1 && $6 != "" { m[$2, $4, $3] = $6; p[$2, $4, $3] = $7; k[$2 "," $4] = 1 }
	END { for (x in k) { split(x, a, ","); t = a[1]; n = a[2]
		if ((t, n, "tinyvmm") in m && (t, n, "qemu-pc") in m && m[t, n, "tinyvmm"] > 0 && p[t, n, "tinyvmm"] > 0)
			printf "| %s | %s | %.1fx | %.1fx |\n", t, n, m[t, n, "qemu-pc"] / m[t, n, "tinyvmm"], p[t, n, "qemu-pc"] / p[t, n, "tinyvmm"] } }' footprint.csv 2>/dev/null | sort)
if [ -n "$ratios" ]; then
	echo "QEMU (-M pc) over tinyvmm, per idle guest:"
	echo
	echo "| type | N | MemAvailable drop | PSS |"
	echo "|---|---:|---:|---:|"
	echo "$ratios"
	echo
fi
notes footprint
failures footprint
figure fig2_footprint "Host memory per idle guest, MiB, beside the thesis's QEMU figure"
commands footprint

# --- 3 -----------------------------------------------------------------------------------------------
cat <<'EOF'
## 3. Usage patterns A, B and C (sections 3.6, 4.2 and 4.4)

The thesis: each pattern is fib(n) then a sleep, lap after lap (A: fib(40), 20 s; B: fib(43),
40 s; C: fib(40), 5 s), 10 VMs started 5 s apart, the host's CPU sampled every second by
perf.pl; over 200 samples it counted **9 bursts for A, 4 for B and 25 for C**. Here: the same
(at the n and sleeps below), the host CPU sampled the same way for both VMMs, and the bursts
counted per guest from its own lap lines (the laps that began within the window after its app
started; a lap's start is the host's stamp on its line less the time the guest printed for it),
so no graph has to be read.

EOF
table pattern_bursts.csv 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
		print "| type | VMM | pattern | fib(n) | sleep | VMs | window | guests started | with a whole window | bursts per guest: median (min–max) | lap, median ms (guest own) | thesis bursts |"
		print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"; next }
	function v(name) { return (name in c) ? $c[name] : "" }
	function d(x) { return x == "" ? "—" : x }
	{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, d($3), $4, d(v("n")), d(v("sleep")), d(v("vms")),
		(v("window_s") == "" ? "—" : v("window_s") " s"), d(v("guests_started")), d(v("guests_full_window")),
		(v("bursts_median") == "" ? "—" : v("bursts_median") " (" v("bursts_min") "–" v("bursts_max") ")"), d(v("lap_ms_median")), v("thesis_bursts") }'
echo
notes patterns
failures patterns
for p in A B C; do figure "fig3_pattern_$p" "Pattern $p: host CPU % at 1 Hz, one panel per VMM, time from the first launch"; done
commands patterns

# --- 4 -----------------------------------------------------------------------------------------------
cat <<'EOF'
## 4. Scaling: the same work over more VMs (sections 4.3 and 5.2)

The thesis: 1536 laps of fib(40) split over 4, 8, 16, 32 and 64 VMs (384 … 24 laps each), all
booted together, each sleeping 60 s before its laps; the time to finish grew with the
population (on its hardware lab by 54 s for BareMetal, 108 s for Tiny Core and 390 s for L4
from 4 to 64 VMs). Here: the same split, each guest's laps placed by its own report; time to
finish = from the first guest's start of laps to the last guest's end; host CPU = the mean of
the 1 Hz samples over that span; "laps began within" = how far apart the guests started their
laps (a boot that outlasts the sleep shows there, and stretches the time to finish). tinyvmm
then goes on alone to 1,000 VMs.

EOF
table scaling.csv 'NR == 1 { print "| type | VMM | VMs | laps (total) | fib(n) | sleep before | guests done | laps done | time to finish | host CPU (mean) | laps began within |"; print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"; next }
	{ printf "| %s | %s | %s | %s | %s | %s s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8, $9, ($10 == "" ? "—" : sprintf("%.1f s", $10)), ($11 == "" ? "—" : $11 " %"), ($13 == "" ? "—" : sprintf("%.1f s", $13)) }'
echo
notes scaling
failures scaling
figure fig4_scaling "Time to finish all laps and host CPU against the number of VMs (log scale)"
commands scaling

# --- 5 -----------------------------------------------------------------------------------------------
cat <<'EOF'
## 5. Boot: launch to the first app line

Not in the thesis (it waited 10 s between launches and never timed a boot). Here: a
population per type; tinyvmm launches its guests one after another in one process (a guest's
time runs from its own launch to its app's first report), QEMU processes are all started at
once by a shell loop (from each process's start to the host's stamp on its first line).

EOF
table boot.csv 'NR > 1 { k = $2 "," $3; v[k, ++n[k]] = $5; if (!(k in seen)) { seen[k] = 1; order[++no] = k } }
	END { if (!no) exit; print "| type | VMM | guests | median | 90th percentile | max |"; print "|---|---|---:|---:|---:|---:|"
		for (o = 1; o <= no; o++) { k = order[o]; m = n[k]
			for (i = 1; i <= m; i++) a[i] = v[k, i] + 0
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			split(k, kk, ",")
			printf "| %s | %s | %d | %.0f ms | %.0f ms | %.0f ms |\n", kk[1], kk[2], m, a[int((m + 1) / 2)], a[int(0.9 * m + 0.99)], a[m] } }'
echo
table boot_notes.csv 'NR > 1 && $5 != "" { n = rest($0, 4); print "- " n }'
echo
notes boot
failures boot
figure fig5_boot_cdf "Launch to the first app line: cumulative share of guests, per type and VMM"
commands boot

# --- 6 -----------------------------------------------------------------------------------------------
cat <<'EOF'
## 6. What the thesis could not do: a thousand mixed guests

The thesis stopped at 64 VMs (its conclusion: "a population of almost 500 minimal L4 VMs
equals one Ubuntu Server"). Here: one tinyvmm process runs the population below, the patterns
assigned per group by a `--spec` file, sampled every second by tinyvmm's own statistics.

EOF
if [ -s mixed_spec.csv ]; then
	echo '```'
	sed 's/^"//; s/"$//; s/""/"/g' mixed_spec.csv
	echo '```'
	echo
fi
table mixed_types.csv 'NR == 1 { print "| type | pattern | guests | started their app | laps | vCPU time | vCPU per guest | exits to user space | note |"; print "|---|---|---:|---:|---:|---:|---:|---:|---|"; next }
	{ note = rest($0, 8)
	  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, ($3 == "" ? "—" : $3), $4, ($5 == "" ? "—" : $5), ($6 == "" ? "—" : $6),
		($7 == "" ? "—" : $7 " s"), ($7 == "" || $4 == 0 ? "—" : sprintf("%.2f s", $7 / $4)), ($8 == "" ? "—" : $8), note }'
echo
table mixed_stats.csv 'NR > 1 { n++; if ($3 > maxv) maxv = $3; c += $4; e += $6; if ($5 > mm) mm = $5; if ($8 > rss) rss = $8; if ($9 > pss) pss = $9; last = $2 }
	END { if (!n) exit; print "| seconds sampled | most VMs running | host CPU, mean | memory used, peak | exits/s, mean | tinyvmm RSS, peak | tinyvmm PSS, peak |"
		print "|---:|---:|---:|---:|---:|---:|---:|"
		printf "| %.0f | %d | %.1f %% | %.0f MiB | %.0f | %.1f MiB | %.1f MiB |\n", last, maxv, c / n, mm / 1024, e / n, rss / 1024, pss / 1024 }'
echo
notes mixed
failures mixed
figure fig6_mixed "Mixed population: host CPU and VMs running, memory used, exits/s over time; vCPU time per type"
commands mixed

cat <<EOF
## Files

Every figure's numbers are in the CSV of the same name; the raw rows of each experiment are in
\`sizes.csv\`, \`minmem.csv\`, \`footprint.csv\`, \`pattern_trace.csv\`, \`pattern_laps.csv\`,
\`pattern_bursts.csv\`, \`scaling.csv\`, \`boot.csv\`, \`mixed_stats.csv\`, \`mixed_types.csv\`; every
row starts with the host kind (**$host**). \`commands.csv\` holds every distinct command line,
\`timing.csv\` each experiment's duration, \`failures.csv\` what could not be measured and why.
EOF
awk -F, 'NR == 1 { print ""; print "| experiment | seconds |"; print "|---|---:|"; next } { printf "| %s | %s |\n", $2, $3 }' timing.csv 2>/dev/null
exit 0
