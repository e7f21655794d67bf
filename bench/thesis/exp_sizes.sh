# bench/thesis/exp_sizes.sh: experiment 1: per guest type, the image's size and the smallest -m that runs pattern A, tinyvmm against QEMU (sourced).
# shellcheck shell=bash


sizes_minmem() { # VMM TYPE: bisection between the type's range ends, at its resolution
	local vmm=$1 type=$2 lo hi mid probes=0 res
	read -r lo hi <<<"$(type_mem_range "$type")"
	res=$(sizes_step "$type")
	if [ "$res" = 0 ]; then # this scale does not search: the type's own RAM, an upper bound
		step "does $type run in its $(type_mem "$type") MiB under $vmm"
		if vm_fits "$vmm" "$type" $(($(type_mem "$type") * 1024)); then
			csv_row minmem.csv "$HOST,$type,$vmm,$(($(type_mem "$type") * 1024)),,1,$(type_thesis "$type" min_ram_mb),$(q "not searched at this scale: runs in this much, maybe less")"
		else
			csv_row minmem.csv "$HOST,$type,$vmm,,,1,$(type_thesis "$type" min_ram_mb),$(q "does not run pattern A in $(type_mem "$type") MiB: $(tail -c 200 "$WORK/fits.log" | tr '\n\r' '  ')")"
		fi
		return
	fi
	step "smallest -m, $type under $vmm (${hi} KiB first)"
	if ! vm_fits "$vmm" "$type" "$hi"; then
		csv_row minmem.csv "$HOST,$type,$vmm,,$res,1,$(type_thesis "$type" min_ram_mb),$(q "does not run pattern A even in $hi KiB: $(tail -c 200 "$WORK/fits.log" | tr '\n\r' '  ')")"
		return
	fi
	while [ $((hi - lo)) -gt "$res" ]; do
		mid=$(((lo + hi) / 2 / res * res))
		[ "$mid" -le "$lo" ] && mid=$((lo + res))
		probes=$((probes + 1))
		if vm_fits "$vmm" "$type" "$mid"; then hi=$mid; else lo=$mid; fi
	done
	csv_row minmem.csv "$HOST,$type,$vmm,$hi,$res,$((probes + 1)),$(type_thesis "$type" min_ram_mb),"
}

exp_sizes() {
	local type why m
	csv_new sizes.csv "host,type,image,image_bytes,booted_files_bytes,thesis_image_mb,note"
	csv_new minmem.csv "host,type,vmm,min_kib,resolution_kib,probes,thesis_min_ram_mb,note"
	for type in $THESIS_TYPES; do
		why=$(type_missing "$type")
		if [ -n "$why" ]; then
			csv_row sizes.csv "$HOST,$type,,,,$(type_thesis "$type" image_mb),$(q "$type: $why")"
			csv_row minmem.csv "$HOST,$type,,,,,$(type_thesis "$type" min_ram_mb),$(q "$type: $why")"
			continue
		fi
		local img files=0 f
		img=$(type_image "$type")
		for f in $(type_files "$type"); do files=$((files + $(wc -c <"$f"))); done
		csv_row sizes.csv "$HOST,$type,${img##*/},$(wc -c <"$img"),$files,$(type_thesis "$type" image_mb),"
		sizes_minmem tinyvmm "$type"
		if [ -n "$QEMU" ]; then
			for m in $(type_qemu_machines "$type"); do
				if type_qemu_app "$type"; then sizes_minmem "qemu-$m" "$type"
				else csv_row minmem.csv "$HOST,$type,qemu-$m,,,,,$(q "QEMU cannot give $type an app: it reads it from tinyvmm's report port")"; fi
			done
		fi
	done
}
