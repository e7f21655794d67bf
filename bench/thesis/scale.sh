# bench/thesis/scale.sh: how big each experiment runs: THESIS_SCALE=quick (a smoke run, minutes) or full (the thesis's sizes) (sourced).
#
# Needs: SCALE (quick | full) and HOST (hardware | kvm_pvm | nested-tcg). Every value can be
# overridden by the environment variable of the same name (numbers and word lists only).
# Under nested-tcg one core emulated by QEMU's TCG runs every guest, ~10x slower than the
# thesis's machines: the full scale there keeps the thesis's VM counts where they fit and
# lowers fib(n) so a burst lasts about what it lasted in 2012 (the report says so).
# shellcheck shell=bash

scale_set() { # NAME QUICK FULL [FULL_ON_NESTED_TCG]
	local v
	if [ -n "${!1:-}" ]; then return; fi
	if [ "$SCALE" = quick ]; then v=$2
	elif [ "$HOST" = nested-tcg ] && [ $# -ge 4 ]; then v=$4
	else v=$3; fi
	printf -v "$1" '%s' "$v"
}

# 1. sizes: resolution of the smallest -m search, KiB per type
scale_set SIZES_STEP_L4 256 64
scale_set SIZES_STEP_BM 4096 1024
scale_set SIZES_STEP_TCL 0 1024 # 0: no search, only the type's own RAM is tried
# how long one probe may take to print its lap line (s): a slower guest counts as not fitting
scale_set FITS_LIMIT_S 30 40
scale_set FITS_LIMIT_TCL_S 60 120
# 2. footprint: population sizes per type, and the idle settle before reading memory (s)
scale_set FOOT_N_L4 "3" "10 100"
scale_set FOOT_N_BM "3" "10 100"
scale_set FOOT_N_TCL "2" "10 100" "10"
scale_set FOOT_SETTLE_S 3 20
# 3. patterns: VMs, stagger (s), window (s), fib(n) offset from the thesis's, sleeps
scale_set PAT_TYPES "l4" "l4" "l4"
scale_set PAT_VMS 2 10
scale_set PAT_STAGGER_S 1 5
scale_set PAT_WINDOW_S 6 200
scale_set PAT_MARGIN_S 3 5 # after the last guest's window, for its last line
scale_set PAT_CAP_X 3 2 # a run lasts at most this many times its planned length
scale_set PAT_N_DELTA -10 0 -6 # nested-tcg: at -4, 10 VMs of pattern C kept its one vCPU at 100 %
scale_set PAT_SLEEP_DIV 10 1 # quick: the thesis's sleeps / 10 (2, 4, 0.5 s)
# 4. scaling: total laps, fib(n), population sizes (both VMMs), then tinyvmm alone
scale_set SCAL_TYPES "l4" "l4" "l4"
scale_set SCAL_LAPS 32 1536
scale_set SCAL_N 30 40 28
# nested-tcg: QEMU's 32 VMs had not finished their laps after 8 minutes there (the QEMU
# processes' own work under TCG starves the guests), so QEMU stops at 16 and tinyvmm
# takes 32 and 64 on alone; the report says so.
scale_set SCAL_SIZES "2 4" "4 8 16 32 64" "4 8 16"
scale_set SCAL_TV_SIZES "8" "128 256 512 1000" "32 64 128 256 512 1000"
# 5. boot: guests per type
scale_set BOOT_N_L4 5 100
scale_set BOOT_N_BM 5 100
scale_set BOOT_N_TCL 3 100 30
# 6. mixed: guests, duration (s), fib(n) of the l4 patterns, tcl and bm guests among them
scale_set MIX_VMS 40 1000
scale_set MIX_DURATION_S 25 600
scale_set MIX_N 22 24
scale_set MIX_TCL 2 10
scale_set MIX_BM 2 10
# QEMU's machine types tried (each type's own list is narrowed to these)
scale_set QEMU_MACHINES "pc" "pc microvm"
# QEMU processes start only while MemAvailable stays above this (MiB): what fits is reported
scale_set QEMU_MIN_FREE_MB 200 300

# per-type lookups of the lists above
foot_n() { local v="FOOT_N_${1^^}"; echo "${!v:-}"; }
boot_n() { local v="BOOT_N_${1^^}"; echo "${!v:-}"; }
sizes_step() { local v="SIZES_STEP_${1^^}"; echo "${!v:-1024}"; }
