/* The BIOS blob assembled from vmm/firmware/bios.asm and linked in by vmm/firmware/blob.asm. */
#ifndef TINYVMM_VMM_FIRMWARE_BLOB_H
#define TINYVMM_VMM_FIRMWARE_BLOB_H

#include <stddef.h>
#include <stdint.h>

extern const uint8_t tinyvmm_bios_blob_start[];
extern const uint8_t tinyvmm_bios_blob_end[];

static inline const uint8_t *bios_blob_data(void)
{
	return tinyvmm_bios_blob_start;
}

static inline size_t bios_blob_size(void)
{
	return (size_t)(tinyvmm_bios_blob_end - tinyvmm_bios_blob_start);
}

#endif
