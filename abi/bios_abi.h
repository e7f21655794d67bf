/* The BIOS blob/VMM ABI: one source for C and, via build/gen/bios_abi.inc, for NASM. */
#ifndef TINYVMM_ABI_BIOS_ABI_H
#define TINYVMM_ABI_BIOS_ABI_H

/*
 * bios.mk turns every "#define BIOS_NAME value" line below into a NASM %define, so values
 * must be plain numbers or strings that read the same in both languages (no suffixes, no
 * casts). Bump BIOS_ABI_VERSION whenever a value or the header layout changes.
 */
#define BIOS_MAGIC	  "TVMMBIOS"
#define BIOS_MAGIC_LEN	  8
#define BIOS_ABI_VERSION  1
#define BIOS_SEGMENT	  0xF000
#define BIOS_SERVICE_PORT 0xE7

/* Header at offset 0 of the blob: 16-bit little-endian fields unless marked byte. */
#define BIOS_HDR_MAGIC	      0
#define BIOS_HDR_VERSION      8
#define BIOS_HDR_HEADER_LEN   10
#define BIOS_HDR_BLOB_LEN     12
#define BIOS_HDR_STUBS	      14
#define BIOS_HDR_STUB_STRIDE  16
#define BIOS_HDR_STUB_FIRST   18
#define BIOS_HDR_STUB_COUNT   19
#define BIOS_HDR_IRET	      20
#define BIOS_HDR_IRQ0	      22
#define BIOS_HDR_IRQ_MASTER   24
#define BIOS_HDR_IRQ_SLAVE    26
#define BIOS_HDR_INT13	      28
#define BIOS_HDR_INT16	      30
#define BIOS_HDR_FLOPPY_TABLE 32
#define BIOS_HDR_DISK_TABLE0  34
#define BIOS_HDR_DISK_TABLE1  36
#define BIOS_HDR_LEN	      38

/*
 * The stub table: vector BIOS_STUB_FIRST + i traps at offset BIOS_STUB_TABLE +
 * i * BIOS_STUB_STRIDE with "out BIOS_SERVICE_PORT, al" (BIOS_STUB_OUT_LEN bytes). Fixed
 * here, not only in the header, so the exit handler never trusts guest-writable memory.
 */
#define BIOS_STUB_TABLE	  0x40
#define BIOS_STUB_STRIDE  8
#define BIOS_STUB_FIRST	  0x10
#define BIOS_STUB_COUNT	  11
#define BIOS_STUB_OUT_LEN 2

/* BIOS data area fields the blob's IRQ 0 handler keeps (linear addresses). */
#define BIOS_BDA_TICKS	      0x46C
#define BIOS_BDA_MIDNIGHT     0x470
#define BIOS_TICKS_PER_DAY_HI 0x18
#define BIOS_TICKS_PER_DAY_LO 0xB0
#define BIOS_TICKS_PER_DAY    0x1800B0

/* Where a boot sector runs. */
#define BIOS_BOOT_ADDR 0x7C00

/* Sizes of the parameter tables INT 1Eh, 41h and 46h point at. */
#define BIOS_FLOPPY_TABLE_LEN 11
#define BIOS_DISK_TABLE_LEN   16

#endif
