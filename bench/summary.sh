#!/bin/sh
# bench/summary.sh: prints a readable summary (medians, min/max, ratios, targets) of the CSVs that bench/measure.sh wrote.
#
# Usage: bench/summary.sh DIR   (DIR holds environment.csv, boot_time.csv, boot_ratio.csv, memory.csv,
# pit.csv, pit_exits.csv, pit_kernel_cost.csv, grub_time.csv, grub_exits.csv, l4_*.csv,
# pop.csv, tcl_*.csv and bm_*.csv; a missing file just leaves its section out)
set -u
D=${1:?usage: $0 CSV_DIR}

# Shared awk: columns by header name, and the median / min / max of a list.
LIB='
function header(   i) { for (i = 1; i <= NF; i++) col[$i] = i }
function v(name) { return (name in col) ? $(col[name]) : "" }
function sortn(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
function median(a, n) {
	if (n == 0) return ""
	sortn(a, n)
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmt(x) { return x == "" ? "n/a" : sprintf("%.1f", x) }
'

if [ -f "$D/environment.csv" ]; then
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	{
		host = v("host")
		printf "== tinyvmm bench on host type: %s\n", host
		printf "   kernel %s, %s CPU(s): %s; KVM backend %s; THP %s; tinyvmm %s (%s); QEMU %s\n",
			v("kernel"), v("cpus"), v("cpu"), v("kvm_backend"), v("thp"), v("tinyvmm"), v("commit"), v("qemu")
		if (host == "nested-tcg") {
			print "   RELATIVE FIGURES: measured with KVM inside a QEMU TCG VM that emulates AMD-V"
			print "   (every guest instruction and the nested hypervisor are emulated). Compare rows"
			print "   with each other, not with hardware; absolute times are far slower than real."
		}
	}' "$D/environment.csv"
fi

if [ -f "$D/boot_time.csv" ]; then
	echo
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	{
		t = v("tool")
		if (!(t in n)) order[++ntools] = t
		k = ++n[t]; wall[t, k] = v("wall_ms") + 0; cpu[t, k] = v("user_ms") + v("sys_ms")
		if (v("status") != "1") bad[t]++
		host = v("host")
	}
	END {
		if (!ntools) exit
		printf "boot to exit: hello guest (prints a line, leaves through port 0xf4), %d runs each\n", n[order[1]]
		printf "  %-14s %10s %10s %10s %14s %11s\n", "tool", "median ms", "min ms", "max ms", "CPU ms median", "x tinyvmm"
		for (i = 1; i <= ntools; i++) {
			t = order[i]
			for (k = 1; k <= n[t]; k++) { a[k] = wall[t, k]; c[k] = cpu[t, k] }
			m = median(a, n[t]); mc = median(c, n[t])
			if (t == "tinyvmm") base = m
			printf "  %-14s %10s %10s %10s %14s %11s%s\n", t, fmt(m), fmt(a[1]), fmt(a[n[t]]), fmt(mc),
				(base > 0 ? sprintf("%.1f", m / base) : "n/a"),
				(bad[t] ? sprintf("  (%d runs failed!)", bad[t]) : "")
		}
		print "  issue targets (kvm_pvm host): tinyvmm <= 5 ms; QEMU 7.2 there: microvm ~80 ms, pc ~5 s"
	}' "$D/boot_time.csv"
fi
if [ -f "$D/boot_ratio.csv" ]; then
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	v("tool") == "tinyvmm" && v("wall_ratio_vs_microvm") != "" {
		printf "  start to exit, tinyvmm / qemu-microvm (medians, same run): wall %s, CPU %s; issue 12 target: wall <= 0.06\n",
			v("wall_ratio_vs_microvm"), v("cpu_ratio_vs_microvm")
	}' "$D/boot_ratio.csv"
fi

if [ -f "$D/memory.csv" ]; then
	echo
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	{
		t = v("tool")
		if (!(t in n)) order[++ntools] = t
		if (v("rss_kb") == "") { bad[t]++; next }
		k = ++n[t]
		rss[t, k] = v("rss_kb") + 0; pss[t, k] = v("pss_kb") + 0; pd[t, k] = v("private_dirty_kb") + 0
		if (v("guest_rss_kb") != "") { ng[t]++; g[t, ng[t]] = v("guest_rss_kb") + 0 }
		if (v("anon_huge_kb") + 0 > 0) huge[t] = v("anon_huge_kb")
		thr[t, k] = v("threads") + 0; kth[t, k] = v("kthreads") + 0
	}
	function med(arr, t,   k, a) { for (k = 1; k <= n[t]; k++) a[k] = arr[t, k]; return median(a, n[t]) }
	END {
		if (!ntools) exit
		print "host memory with one idle guest (-m 4, prints \"ready\" then halts), median of the runs, KiB"
		print "  (guest = resident part of the 4 MiB guest-RAM mapping; VMM = total minus guest)"
		printf "  %-20s %8s %8s %8s %8s %9s %9s %9s %8s %9s\n", "tool", "RSS", "PSS", "Pr_Dirty",
			"guest", "RSS-guest", "PSS-guest", "PrD-guest", "threads", "kthreads"
		for (i = 1; i <= ntools; i++) {
			t = order[i]
			if (!n[t]) { printf "  %-20s no sample (%d runs never became ready)\n", t, bad[t]; continue }
			r = med(rss, t); p = med(pss, t); d = med(pd, t)
			gg = ""
			if (ng[t]) { for (k = 1; k <= ng[t]; k++) ga[k] = g[t, k]; gg = median(ga, ng[t]) }
			printf "  %-20s %8d %8d %8d %8s %9s %9s %9s %8d %9d\n", t, r, p, d, gg,
				(gg == "" ? "n/a" : r - gg), (gg == "" ? "n/a" : p - gg), (gg == "" ? "n/a" : d - gg),
				med(thr, t), med(kth, t)
		}
		for (i = 1; i <= ntools; i++)
			if (order[i] in huge)
				printf "  %s: %s KiB of it in transparent huge pages\n", order[i], huge[order[i]]
		print "  issue target: tinyvmm <= 1 MB plus the guest pages touched; QEMU there: ~40 MB RSS, ~19 MB private dirty"
	}' "$D/memory.csv"
fi

if [ -f "$D/pit.csv" ]; then
	echo
	# exits by case, from the traced runs (totals per event)
	ex=""
	[ -f "$D/pit_exits.csv" ] && ex=$(awk -F, 'NR > 1 && $4 != "none" {s[$2 "/" $3 "/" $4] += $6}
		END {for (k in s) printf "%s=%s ", k, s[k]}' "$D/pit_exits.csv")
	awk -F, -v ex="$ex" "$LIB"'
	NR == 1 {
		header()
		m = split(ex, e, " ")
		for (i = 1; i <= m; i++) { split(e[i], kv, "="); count[kv[1]] = kv[2] }
		next
	}
	{
		c = v("hz") " " v("pit")
		if (!(c in n)) order[++ncases] = c
		ticks[c] = v("ticks")
		if (v("status") != "1" || v("ready_ms") == "" || v("done_ms") == "") { bad[c]++; next }
		k = ++n[c]
		tp[c, k] = v("done_ms") - v("ready_ms")
		rate[c, k] = ticks[c] * 1000 / tp[c, k]
		pc[c, k] = v("cpu_at_done_ms") - v("cpu_at_ready_ms")
		kc[c, k] = v("kthread_cpu_at_done_ms") - v("kthread_cpu_at_ready_ms")
		tot[c, k] = pc[c, k] + kc[c, k]
		thr[c, k] = v("threads") + 0; kth[c, k] = v("kthreads") + 0; names[c] = v("kthread_names")
	}
	function med(arr, c,   k, a) { for (k = 1; k <= n[c]; k++) a[k] = arr[c, k]; return median(a, n[c]) }
	function cnt(key) { return (key in count) ? count[key] : "n/a" }
	END {
		if (!ncases) exit
		print "PIT: tinyvmm -pit user (its 8254 on the timer service) vs -pit kvm (KVM_CREATE_PIT2),"
		print "pit_idle guest halting between channel-0 ticks until it has counted 3 s worth;"
		print "medians over the tick phase (from its \"ready\" line to its \"ticks:\" line)"
		printf "  %5s %-4s %5s %8s %8s %8s %8s %8s %7s %7s %6s %6s %6s\n", "Hz", "pit", "ticks",
			"phase ms", "rate Hz", "VMM ms", "kthr ms", "us/tick", "threads", "kthr", "u-exit", "exits", "irqset"
		for (i = 1; i <= ncases; i++) {
			c = order[i]; split(c, hp, " ")
			if (!n[c]) { printf "  %5s %-4s no successful run (%d failed)\n", hp[1], hp[2], bad[c]; continue }
			key = hp[2] "/" hp[1]
			printf "  %5s %-4s %5d %8s %8s %8s %8s %8s %7d %7d %6s %6s %6s%s\n", hp[1], hp[2], ticks[c],
				fmt(med(tp, c)), fmt(med(rate, c)), fmt(med(pc, c)), fmt(med(kc, c)),
				fmt(med(tot, c) * 1000 / ticks[c]), med(thr, c), med(kth, c),
				cnt(key "/kvm_userspace_exit"), cnt(key "/kvm_exit"), cnt(key "/kvm_set_irq"),
				(bad[c] ? sprintf("  (%d runs failed!)", bad[c]) : "")
			if (names[c] != "") kn = kn sprintf("  %s Hz -pit %s kernel threads: %s\n", hp[1], hp[2], names[c])
		}
		# Two rates over the same time split the cost into a part per tick and a part per
		# second that the VM costs anyway (halt polling, timers of its own, the sampler).
		for (i = 1; i <= ncases; i++) {
			split(order[i], hp, " ")
			if (n[order[i]]) { c2 = hp[2]; rates[c2] = rates[c2] " " hp[1] }
		}
		for (c2 in rates) {
			m = split(rates[c2], rr, " ")
			if (m < 2) continue
			hi = rr[1] + 0 > rr[2] + 0 ? rr[1] : rr[2]; lo = rr[1] + 0 > rr[2] + 0 ? rr[2] : rr[1]
			ch = hi " " c2; cl = lo " " c2
			per = (med(tot, ch) - med(tot, cl)) / (ticks[ch] - ticks[cl])
			base = (med(tot, cl) - per * ticks[cl]) / (med(tp, cl) / 1000)
			mg = mg sprintf("  -pit %-4s marginal CPU per tick %.1f us; CPU per second besides the ticks %.1f ms\n", c2, per * 1000, base)
		}
		printf "%s", mg
		print "  rate = ticks the guest counted per second of the phase (below HZ: edges were lost)"
		print "  VMM ms = tinyvmm user+sys over the phase, all its threads; kthr ms = the VM'"'"'s KVM kernel"
		print "  threads over the phase (kvm-pit does the in-kernel PIT'"'"'s work); us/tick = both, per tick."
		print "  threads = tinyvmm'"'"'s own; kthr = KVM kernel threads for the VM. u-exit (exits to user"
		print "  space), exits (all VM exits to KVM) and irqset (KVM_IRQ_LINE / in-kernel PIT edges)"
		print "  come from one extra run per case traced with KVM'"'"'s trace events, whole run."
		printf "%s", kn
	}' "$D/pit.csv"
fi

if [ -f "$D/pit_kernel_cost.csv" ]; then
	echo
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	{
		p = v("pit"); seen[p] = 1; vms = v("vms") + 0
		ready[p] = v("ready"); kt[p] = v("kthreads"); kp[p] = v("kvm_pit_threads")
		ks[p] = v("kernel_stack_kb"); sl[p] = v("slab_kb"); pt[p] = v("page_tables_kb"); mu[p] = v("mem_used_kb")
	}
	END {
		if (!vms) exit
		printf "kernel cost of the PIT choice: %d idle guests started at once each way (deltas of /proc/meminfo, KiB)\n", vms
		printf "  %-5s %6s %9s %8s %12s %8s %11s %9s\n", "pit", "ready", "kthreads", "kvm-pit", "KernelStack", "Slab", "PageTables", "mem used"
		for (p in seen)
			printf "  %-5s %6s %9s %8s %12s %8s %11s %9s\n", p, ready[p], kt[p], kp[p], ks[p], sl[p], pt[p], mu[p]
		if (("user" in seen) && ("kvm" in seen))
			printf "  per VM, kvm minus user: %+.1f kernel threads, KernelStack %+.1f, Slab %+.1f, mem used %+.1f KiB\n",
				(kt["kvm"] - kt["user"]) / vms, (ks["kvm"] - ks["user"]) / vms, (sl["kvm"] - sl["user"]) / vms,
				(mu["kvm"] - mu["user"]) / vms
		print "  (mem used = drop of MemAvailable: includes the VMM processes, equal both ways; noisy)"
	}' "$D/pit_kernel_cost.csv"
fi

if [ -f "$D/grub_time.csv" ]; then
	echo
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	{
		c = v("tool") " " v("media")
		if (!(c in n) && !(c in bad)) order[++ncases] = c
		if (v("status") != "1" || v("first_ms") == "") {
			bad[c]++; why[c] = sprintf("status %s after %.0f ms, %s bytes of output", v("status"), v("wall_ms"), v("out_bytes"))
			next
		}
		k = ++n[c]; first[c, k] = v("first_ms") + 0; wall[c, k] = v("wall_ms") + 0
		cpu[c, k] = v("user_ms") + v("sys_ms")
	}
	function stats(arr, c,   k, a, m) {
		for (k = 1; k <= n[c]; k++) a[k] = arr[c, k]
		m = median(a, n[c])
		return sprintf("%9s %8s %8s", fmt(m), fmt(a[1]), fmt(a[n[c]]))
	}
	function med(arr, c,   k, a) { for (k = 1; k <= n[c]; k++) a[k] = arr[c, k]; return median(a, n[c]) }
	END {
		if (!ncases) exit
		print "GRUB Legacy (timeout 0) to a multiboot kernel: from the VMM'"'"'s start to the kernel'"'"'s first"
		print "line (\"mbkick:\" on stdout), and to the VMM'"'"'s end; ms, median min max"
		printf "  %-8s %-6s %4s %9s %8s %8s %9s %8s %8s %8s %9s\n", "tool", "media", "runs",
			"1st line", "min", "max", "exit", "min", "max", "CPU ms", "x tinyvmm"
		for (i = 1; i <= ncases; i++) {
			c = order[i]; split(c, tm, " ")
			if (!n[c]) { printf "  %-8s %-6s did not boot: %s\n", tm[1], tm[2], why[c]; continue }
			m = med(first, c)
			if (tm[1] == "tinyvmm") base[tm[2]] = m
			printf "  %-8s %-6s %4d %s %s %8s %9s%s\n", tm[1], tm[2], n[c], stats(first, c), stats(wall, c),
				fmt(med(cpu, c)), (base[tm[2]] > 0 ? sprintf("%.1f", m / base[tm[2]]) : "n/a"),
				(bad[c] ? sprintf("  (%d runs failed: %s)", bad[c], why[c]) : "")
		}
		print "  issue targets (kvm_pvm host): <= 1 s either way, well under 50 ms on hardware KVM;"
		print "  QEMU 7.2 + SeaBIOS there: 8.95 s from the IDE disk, and it cannot read the floppy"
	}' "$D/grub_time.csv"
fi

if [ -f "$D/grub_exits.csv" ]; then
	backend=""
	[ -f "$D/environment.csv" ] && backend=$(awk -F, 'NR == 2 {print $5}' "$D/environment.csv")
	awk -F, -v backend="$backend" '
	# VM exit reasons by number (asm/svm.h, asm/vmx.h), for the common ones
	BEGIN {
		if (backend == "kvm_amd") {
			split("0 CR0-read 16 CR0-write 96 INTR 97 NMI 98 SMI 99 INIT 100 VINTR 101 CR0-sel-write " \
			      "110 RDTSC 114 CPUID 115 RSM 116 IRET 117 SWINT 119 PAUSE 120 HLT 121 INVLPG 123 IOIO " \
			      "124 MSR 127 SHUTDOWN 137 WBINVD 1024 NPF", a, " ")
		} else if (backend == "kvm_intel") {
			split("0 EXCEPTION 1 EXT-INTR 7 INTR-WINDOW 10 CPUID 12 HLT 28 CR 30 IO 31 RDMSR 32 WRMSR 48 EPT-VIOLATION 49 EPT-MISCONFIG", a, " ")
		}
		for (i = 1; a[i] != ""; i += 2) reason[a[i]] = a[i + 1]
		split("0 UNKNOWN 2 IO 5 HLT 6 MMIO 8 SHUTDOWN 10 INTR 17 INTERNAL-ERROR", b, " ")
		for (i = 1; b[i] != ""; i += 2) ureason[b[i]] = b[i + 1]
	}
	NR == 1 { next }
	{
		c = $2 " " $3
		if (!(c in seen)) { seen[c] = 1; order[++ncases] = c }
		src = $4; key = $5; cnt = $6
		if (src == "exit_stats") {
			if (key == "exits to user space") total[c] = cnt
			else if (key == "seconds") secs[c] = cnt
			else if (key == "BIOS service calls") calls[c] = cnt
			else if (key ~ /^device:/) dev[c] = dev[c] (dev[c] == "" ? "" : ", ") substr(key, 8) " " cnt
			else if (key ~ /^bios:/) bios[c] = bios[c] (bios[c] == "" ? "" : ", ") substr(key, 6) " " cnt
		} else if (src == "serial") {
			if (key == "bytes") sbytes[c] = cnt; else sfirst[c] = cnt
		} else if (src == "kvm trace") {
			notrace[c] = 1
		} else if (src == "kvm_exit") {
			vmexits[c] += cnt; nr[c]++; rk[c, nr[c]] = (key in reason ? reason[key] : "reason " key); rc[c, nr[c]] = cnt
		} else if (src == "kvm_userspace_exit") {
			uexits[c] += cnt; ue[c] = ue[c] (ue[c] == "" ? "" : ", ") (key in ureason ? ureason[key] : key) " " cnt
		} else if (src == "kvm_pio") {
			np[c]++; pk[c, np[c]] = key; pc[c, np[c]] = cnt; pios[c] += cnt
		}
	}
	# "name count, ..." of the busiest entries of a list, busiest first
	function top(keys, counts, c, m, max,   i, j, t, s, out) {
		for (i = 1; i <= m; i++) { o[i] = i }
		for (i = 2; i <= m; i++) {
			t = o[i]
			for (j = i - 1; j >= 1 && counts[c, o[j]] < counts[c, t]; j--) o[j + 1] = o[j]
			o[j + 1] = t
		}
		out = ""
		for (i = 1; i <= m && i <= max; i++)
			out = out (i > 1 ? ", " : "") keys[c, o[i]] " " counts[c, o[i]]
		if (m > max) out = out sprintf(", ... (%d more)", m - max)
		return out
	}
	END {
		if (!ncases) exit
		print "exits per GRUB boot, one more run each (the whole run: GRUB, then the kernel printing its checks)"
		for (i = 1; i <= ncases; i++) {
			c = order[i]
			printf "  %s:\n", c
			if (c in total) {
				printf "    %s exits to user space in %s s (tinyvmm -exit-stats), all port I/O:\n", total[c], secs[c]
				printf "      BIOS service calls %s, one exit each: %s\n", calls[c], bios[c]
				printf "      port accesses by device (the guest'"'"'s, and the BIOS services'"'"' own): %s\n", dev[c]
			}
			if (c in sbytes)
				printf "    stdout %s bytes (serial, and int 10h text for tinyvmm), %s of them before \"mbkick:\"\n", sbytes[c], sfirst[c]
			# the kernel writes each byte with one exit, no polling, and leaves with one more
			nu = (c in total) ? total[c] : (c in uexits) ? uexits[c] : ""
			if (nu != "" && (c in sfirst))
				printf "    so about %d exits to user space before the kernel'"'"'s first line, %d after it\n",
					nu - (sbytes[c] - sfirst[c]) - 1, sbytes[c] - sfirst[c] + 1
			if (c in notrace) { print "    KVM trace events: not available (needs root and tracefs)"; continue }
			if (c in vmexits) {
				printf "    KVM trace: %d VM exits: %s\n", vmexits[c], top(rk, rc, c, nr[c], 8)
				printf "      %d returns to user space (by KVM_EXIT reason): %s\n", uexits[c], ue[c]
				printf "      %d port accesses (in the kernel or not) by port: %s\n", pios[c], top(pk, pc, c, np[c], 8)
			}
		}
	}' "$D/grub_exits.csv"
fi

# The L4 guest, L4 populations, the tcl and bm guests (sections l4, pop, tcl, bm): their rows as
# aligned tables, the host column dropped (environment.csv says it); bench/README.md explains
# each column.
for f in l4_minmem l4_boot l4_exits l4_insns l4_ipc l4_fib l4_idle pop tcl_sizes tcl_boot tcl_phases tcl_exits tcl_minmem tcl_idle \
	bm_sizes bm_minmem bm_boot bm_exits bm_insns bm_fib bm_idle; do
	[ -s "$D/$f.csv" ] || continue
	echo
	echo "$f.csv"
	awk -F, '{ for (i = 2; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF }
		END { for (r = 1; r <= NR; r++) { line = " "; for (i = 2; i <= n; i++) line = line sprintf(" %-*s", w[i], cell[r, i]); print line } }' "$D/$f.csv"
done

# The bm guest's medians: time to the app's first line per VMM, and fib in the guest against
# native (the figures its issue sets targets for).
if [ -s "$D/bm_boot.csv" ]; then
	echo
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	{
		t = v("vmm")
		if (!(t in n)) order[++nt] = t
		if (v("first_line_ms") == "") { bad[t]++; next }
		k = ++n[t]; ms[t, k] = v("first_line_ms") + 0
	}
	END {
		if (!nt) exit
		print "bm guest, VMM start to the app'"'"'s first line, ms (tinyvmm -m 4 with -app; QEMU -M pc, SeaBIOS):"
		for (i = 1; i <= nt; i++) {
			t = order[i]
			for (k = 1; k <= n[t]; k++) a[k] = ms[t, k]
			m = median(a, n[t])
			if (t == "tinyvmm") base = m
			printf "  %-8s median %8s  min %8s  max %8s  runs %d%s%s\n", t, fmt(m), fmt(a[1]), fmt(a[n[t]]), n[t],
				(base > 0 && t != "tinyvmm" ? sprintf("  (x %.1f tinyvmm)", m / base) : ""),
				(bad[t] ? sprintf("  (%d runs without the line!)", bad[t]) : "")
		}
	}' "$D/bm_boot.csv"
fi
if [ -s "$D/bm_fib.csv" ]; then
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	v("guest_report_ms") != "" && v("native_ms") != "" { g[++n] = v("guest_report_ms") + 0; m[n] = v("native_ms") + 0; fn = v("n") }
	END {
		if (!n) { print "bm guest: no fib run has both a guest and a native figure"; exit }
		mg = median(g, n); mn = median(m, n)
		printf "bm guest, fib(%s): medians of %d runs: guest %s ms, native %s ms, guest/native %.3f (%+.1f %%); target within 2 %% on hardware\n",
			fn, n, fmt(mg), fmt(mn), mg / mn, 100 * (mg / mn - 1)
	}' "$D/bm_fib.csv"
fi
if [ -s "$D/bm_idle.csv" ]; then
	awk -F, "$LIB"'
	NR == 1 { header(); next }
	{
		if (!shown++) print "bm guest, host memory per sleeping guest (MemAvailable drop / N; PSS / N), KiB:"
		printf "  %-15s %4s of %4s guests: %7s  PSS %7s  machine CPU %5s %% of one core%s%s\n", v("vmm"), v("started"),
			v("vms"), v("memavailable_drop_kib_per_guest"), v("pss_kib_per_guest"), v("host_cpu_pct_of_one_core"),
			(v("exits_per_guest_per_s") != "" ? sprintf(", %s exits/guest/s", v("exits_per_guest_per_s")) : ""),
			(v("started") != v("vms") ? "  (" v("note") ")" : "")
	}
	END { if (shown) print "  thesis table 5.1: 3.53 MB per BareMetal VM under QEMU" }' "$D/bm_idle.csv"
fi
