; Embeds build/gen/bios.bin in the tinyvmm binary, between two symbols vmm/firmware/blob.h names.

	section .rodata align=16

	global tinyvmm_bios_blob_start:data hidden
	global tinyvmm_bios_blob_end:data hidden

tinyvmm_bios_blob_start:
	incbin "bios.bin"
tinyvmm_bios_blob_end:

	section .note.GNU-stack noalloc noexec nowrite progbits
