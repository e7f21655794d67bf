#!/bin/bash
# bench/thesis/plot.sh: draws every figure of the report as PNG with gnuplot from the experiments' CSVs, each with its own CSV and series list beside it.
#
# Usage: bench/thesis/plot.sh DIR   (DIR holds the CSVs measure.sh wrote)
# For each figure F: F.png, F.csv (exactly the numbers drawn) and F.series (the titles of the
# series drawn, one a line; make test checks them). A figure without data is not drawn, and
# the reason goes to DIR/figures_missing.txt for the report.
set -u
D=$1
cd "$D" || exit 1
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
: >figures_missing.txt
status=0
host=$(awk -F, 'NR == 2 { print $1 }' environment.csv 2>/dev/null)
COMMON="set terminal pngcairo size 900,540 font 'DejaVu Sans,10' noenhanced
set datafile separator ','
set key outside right top
set grid"

# one colour per VMM in every figure
color() { case $1 in tinyvmm*) echo "#1f5fbf" ;; qemu-pc*) echo "#c0392b" ;; qemu-microvm*) echo "#e67e22" ;; *) echo "#555555" ;; esac; }
missing() { echo "$1: $2" >>figures_missing.txt; status=1; }
# draw NAME < gnuplot script: runs it, checks the PNG came out
draw() {
	if ! gnuplot >"$TMP/$1.gp.log" 2>&1; then
		missing "$1" "gnuplot failed: $(head -c 300 "$TMP/$1.gp.log" | tr '\n' ' ')"
		rm -f "$1.png"
		return 1
	fi
	[ -s "$1.png" ] || { missing "$1" "gnuplot wrote no image"; return 1; }
}
# rows of CSV FILE whose column NAME equals VALUE (header kept): for the per-series files
select_rows() { # FILE NAME VALUE
	awk -F, -v c="$2" -v v="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; print; next } $k == v' "$1"
}

# --- 1. smallest -m per type and VMM, with the thesis's -------------------------------------
fig_minmem() {
	local f=fig1_minmem
	[ -s minmem.csv ] || { missing $f "no minmem.csv"; return; }
	# one row per type: columns per VMM (KiB), the thesis's in KiB
	# a type not built keeps its thesis bar: what it would be compared with
	awk -F, 'NR > 1 && $4 != "" { v[$2, $3] = $4; vm[$3] = 1 }
		NR > 1 && $7 != "" { t[$2] = $7 * 1000; types[$2] = 1 }
		END { printf "type,tinyvmm,qemu-pc,qemu-microvm,thesis\n"
			for (ty in types) printf "%s,%s,%s,%s,%s\n", ty, v[ty, "tinyvmm"], v[ty, "qemu-pc"], v[ty, "qemu-microvm"], t[ty] }' minmem.csv >$f.csv
	awk -F, 'NR > 1 && ($2 $3 $4) != ""' $f.csv | grep -q . || { missing $f "no type ran pattern A in any amount of RAM"; rm -f $f.csv; return; }
	printf '%s\n' tinyvmm qemu-pc qemu-microvm "thesis (QEMU, 2012)" >$f.series
	draw $f <<GP
$COMMON
set output '$f.png'
set title 'Smallest RAM that runs pattern A ($host)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'KiB (log)'
set logscale y
set yrange [100:*]
set datafile columnheaders
plot '$f.csv' using 2:xtic(1) title 'tinyvmm', '' using 3 title 'qemu-pc', '' using 4 title 'qemu-microvm', '' using 5 title 'thesis (QEMU, 2012)'
GP
}

# --- 2. host memory per idle guest --------------------------------------------------------------
fig_footprint() {
	local f=fig2_footprint
	[ -s footprint.csv ] || { missing $f "no footprint.csv"; return; }
	awk -F, 'NR == 1 { print "case,vmm,memavail_drop_mib,pss_mib,thesis_mib"; next }
		$6 != "" { printf "%s %s n=%s,%s,%.2f,%.2f,%.2f\n", $2, $3, $4, $3, $6 / 1024, $7 / 1024, $9 * 1000 / 1024 }' footprint.csv >$f.csv
	[ "$(wc -l <$f.csv)" -gt 1 ] || { missing $f "no footprint was measured"; rm -f $f.csv; return; }
	printf '%s\n' "MemAvailable drop / N" "PSS / N" "thesis (QEMU, 2012)" >$f.series
	draw $f <<GP
$COMMON
set output '$f.png'
set title 'Host memory per idle guest ($host)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'MiB per VM'
set xtics rotate by -30
set key inside left top
set datafile columnheaders
plot '$f.csv' using 3:xtic(1) title 'MemAvailable drop / N', '' using 4 title 'PSS / N', '' using 5 title 'thesis (QEMU, 2012)'
GP
}

# --- 3. usage patterns: the 1 Hz host CPU trace, one panel per VMM, a figure per pattern ------------
fig_patterns() {
	local p f vmms v i n
	[ -s pattern_trace.csv ] || { missing fig3_pattern "no pattern_trace.csv"; return; }
	for p in A B C; do
		f=fig3_pattern_$p
		awk -F, -v p="$p" 'NR == 1 || $4 == p' pattern_trace.csv >$f.csv
		vmms=$(awk -F, 'NR > 1 { print $3 }' $f.csv | awk '!s[$0]++')
		[ -n "$vmms" ] || { missing $f "pattern $p was not measured"; rm -f $f.csv; continue; }
		n=$(echo "$vmms" | wc -l)
		echo "$vmms" >$f.series
		{
			echo "$COMMON"
			echo "set terminal pngcairo size 900,$((260 * n + 60)) font 'DejaVu Sans,10' noenhanced"
			echo "set output '$f.png'"
			echo "set multiplot layout $n,1 title 'Pattern $p: host CPU, 1 Hz samples (perf.pl), $host'"
			echo "set ylabel 'CPU % (all cores)'"
			echo "set yrange [0:100]"
			echo "set key inside right top"
			i=0
			for v in $vmms; do
				i=$((i + 1))
				select_rows $f.csv vmm "$v" >"$TMP/$p-$v.csv"
				[ $i = "$n" ] && echo "set xlabel 'seconds after the first launch'"
				echo "plot '$TMP/$p-$v.csv' every ::1 using 5:6 with lines lw 1.5 lc rgb '$(color "$v")' title '$v'"
			done
			echo "unset multiplot"
		} | draw $f
	done
}

# --- 4. scaling: time to finish 1536 laps, and host CPU, against the number of VMs ---------------
fig_scaling() {
	local f=fig4_scaling v vmms
	[ -s scaling.csv ] || { missing $f "no scaling.csv"; return; }
	awk -F, 'NR == 1 || $10 != ""' scaling.csv >$f.csv
	vmms=$(awk -F, 'NR > 1 { print $3 }' $f.csv | awk '!s[$0]++')
	[ -n "$vmms" ] || { missing $f "no population finished its laps"; rm -f $f.csv; return; }
	echo "$vmms" >$f.series
	{
		echo "$COMMON"
		echo "set terminal pngcairo size 900,700 font 'DejaVu Sans,10' noenhanced"
		echo "set output '$f.png'"
		echo "set multiplot layout 2,1 title 'Scaling: the same laps of fib(n) split over N VMs ($host)'"
		echo "set logscale x 2"
		# both panels over the same VM counts, so their points line up
		awk -F, 'NR > 1 { if (lo == "" || $4 < lo) lo = $4; if ($4 > hi) hi = $4 } END { printf "set xrange [%g:%g]\n", lo / 1.3, hi * 1.3 }' $f.csv
		echo "set key inside left top"
		echo "set ylabel 'time to finish all laps (s)'"
		local p1="plot" p2="plot"
		for v in $vmms; do
			select_rows $f.csv vmm "$v" >"$TMP/scal-$v.csv"
			p1="$p1 '$TMP/scal-$v.csv' every ::1 using 4:10 with linespoints lw 2 pt 7 lc rgb '$(color "$v")' title '$v',"
			# a run too short for one sample has no CPU figure: no point to draw
			awk -F, 'NR > 1 && $11 != "" { ok = 1 } END { exit !ok }' "$TMP/scal-$v.csv" || continue
			p2="$p2 '$TMP/scal-$v.csv' every ::1 using 4:11 with linespoints lw 2 pt 7 lc rgb '$(color "$v")' title '$v',"
		done
		[ "$p2" = plot ] && p2="set label 1 'no CPU samples fell within the laps' at graph 0.3, graph 0.5
plot [1:2] -1 notitle"
		echo "${p1%,}"
		echo "set ylabel 'host CPU during the laps (% of all cores)'"
		echo "set key inside right bottom"
		echo "set xlabel 'VMs'"
		echo "set yrange [0:105]"
		echo "${p2%,}"
		echo "unset multiplot"
	} | draw $f
}

# --- 5. boot: the distribution of launch-to-first-line times -----------------------------------------
fig_boot() {
	local f=fig5_boot_cdf series k
	[ -s boot.csv ] || { missing $f "no boot.csv"; return; }
	# per type and VMM: sorted times with their cumulative share
	awk -F, 'NR > 1 { print $2 " " $3 "," $5 }' boot.csv | sort -t, -k1,1 -k2,2g |
		awk -F, 'BEGIN { print "series,first_line_ms,share" } { n[$1]++; r[NR] = $0; s[NR] = $1 }
			END { for (i = 1; i <= NR; i++) { split(r[i], a, ","); if (!c[s[i]]) printf "%s,%s,0\n", a[1], a[2]
				c[s[i]]++; printf "%s,%s,%.4f\n", a[1], a[2], c[s[i]] / n[s[i]] } }' >$f.csv
	series=$(awk -F, 'NR > 1 { print $1 }' $f.csv | awk '!s[$0]++')
	[ -n "$series" ] || { missing $f "no guest reached its first line"; rm -f $f.csv; return; }
	echo "$series" >$f.series
	{
		echo "$COMMON"
		echo "set output '$f.png'"
		echo "set title 'Launch to the first app line, per guest ($host)'"
		echo "set xlabel 'ms (log)'"
		echo "set ylabel 'share of guests'"
		echo "set logscale x"
		echo "set yrange [0:1.02]"
		local pl="plot"
		while IFS= read -r k; do
			select_rows $f.csv series "$k" >"$TMP/boot-${k// /_}.csv"
			pl="$pl '$TMP/boot-${k// /_}.csv' every ::1 using 2:3 with steps lw 2 lc rgb '$(color "${k#* }")' dt $([ "${k%% *}" = l4 ] && echo 1 || echo 2) title '$k',"
		done <<<"$series"
		echo "${pl%,}"
	} | draw $f
}

# --- 6. 1,000 mixed guests: host CPU, memory, exits/s over time; vCPU time per type ----------------
fig_mixed() {
	local f=fig6_mixed
	[ -s mixed_stats.csv ] && [ "$(wc -l <mixed_stats.csv)" -gt 2 ] || { missing $f "no mixed_stats.csv rows"; return; }
	cp mixed_stats.csv $f.csv
	awk -F, 'NR > 1 && $4 != "" { v[$2] += $7; g[$2] += $4 } END { print "type,vcpu_cpu_s,guests"; for (t in v) printf "%s,%.1f,%d\n", t, v[t], g[t] }' mixed_types.csv >${f}_types.csv
	printf '%s\n' "host CPU %" "VMs running" "memory used" "exits/s" "vCPU time per type" >$f.series
	draw $f <<GP
$COMMON
set terminal pngcairo size 1000,900 font 'DejaVu Sans,10' noenhanced
set output '$f.png'
set multiplot layout 2,2 title 'Mixed population in one tinyvmm ($host)'
set key inside right center
set xlabel 's'
set ylabel 'CPU % (all cores)'
set y2label 'VMs'
set y2tics
set ytics nomirror
plot '$f.csv' every ::1 using 2:4 with lines title 'host CPU %', '' every ::1 using 2:3 axes x1y2 with lines title 'VMs running'
unset y2label
unset y2tics
set ylabel 'MiB'
plot '$f.csv' every ::1 using 2:(\$5/1024) with lines title 'memory used'
set ylabel 'exits to user space / s'
plot '$f.csv' every ::1 using 2:6 with lines title 'exits/s'
set style data histograms
set style fill solid 0.8 border -1
set ylabel 'vCPU seconds (all guests of the type)'
unset xlabel
set datafile columnheaders
set key inside right top
plot '${f}_types.csv' using 2:xtic(1) title 'vCPU time per type'
unset multiplot
GP
}

fig_minmem
fig_footprint
fig_patterns
fig_scaling
fig_boot
fig_mixed
exit $status
