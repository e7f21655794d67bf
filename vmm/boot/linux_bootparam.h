/* Linux/x86 boot protocol layout: zero page (boot_params) and setup header offsets, from boot.rst
 * and zero-page.rst. */
#ifndef TINYVMM_VMM_BOOT_LINUX_BOOTPARAM_H
#define TINYVMM_VMM_BOOT_LINUX_BOOTPARAM_H

/* struct boot_params ("zero page"): one 4 KiB page. */
#define BP_SIZE		     0x1000
#define BP_EXT_RAMDISK_IMAGE 0x0C0 /* high 32 bits of ramdisk_image */
#define BP_EXT_RAMDISK_SIZE  0x0C4
#define BP_EXT_CMD_LINE_PTR  0x0C8
#define BP_E820_ENTRIES	     0x1E8 /* u8 */
#define BP_SENTINEL	     0x1EF /* must stay 0, or the kernel wipes fields it distrusts */
#define BP_HDR		     0x1F1 /* setup header: same offsets in the file and the zero page */
#define BP_HDR_END	     0x290 /* the header's slot in boot_params ends here */
#define BP_E820_TABLE	     0x2D0 /* 20-byte entries */
#define BP_E820_MAX	     128

/* Setup header fields (offsets from the start of the image / zero page). */
#define SH_SETUP_SECTS	    0x1F1 /* u8; 0 means 4 */
#define SH_SYSSIZE	    0x1F4 /* u32, 16-byte units (2.04+) */
#define SH_VID_MODE	    0x1FA
#define SH_BOOT_FLAG	    0x1FE /* u16 0xAA55 */
#define SH_JUMP		    0x200 /* short jump; its displacement byte sizes the header */
#define SH_HEADER	    0x202 /* "HdrS" */
#define SH_VERSION	    0x206 /* u16 */
#define SH_TYPE_OF_LOADER   0x210
#define SH_LOADFLAGS	    0x211
#define SH_CODE32_START	    0x214
#define SH_RAMDISK_IMAGE    0x218
#define SH_RAMDISK_SIZE	    0x21C
#define SH_HEAP_END_PTR	    0x224 /* u16 */
#define SH_CMD_LINE_PTR	    0x228
#define SH_INITRD_ADDR_MAX  0x22C /* highest byte address the initrd may occupy (2.03+) */
#define SH_KERNEL_ALIGNMENT 0x230 /* 2.05+ */
#define SH_RELOCATABLE	    0x234 /* u8, 2.05+ */
#define SH_XLOADFLAGS	    0x236 /* u16, 2.12+ */
#define SH_CMDLINE_SIZE	    0x238 /* longest command line without its NUL (2.06+) */
#define SH_PREF_ADDRESS	    0x258 /* u64, 2.10+ */
#define SH_INIT_SIZE	    0x260 /* u32, 2.10+ */
#define SH_HANDOVER_OFFSET  0x264 /* u32, 2.11+ */
#define SH_END_2_12	    0x268 /* a 2.12 header reaches at least this far */

#define SH_BOOT_FLAG_MAGIC 0xAA55
#define SH_HEADER_MAGIC	   0x53726448u /* "HdrS" read as a little-endian u32 */

#define LOADFLAG_LOADED_HIGH  0x01
#define LOADFLAG_CAN_USE_HEAP 0x80
#define XLF_KERNEL_64	      0x0001
#define LINUX_LOADER_OTHER    0xFF /* type_of_loader for a loader without an assigned ID */

#define LINUX_PROTO_MIN	     0x0206 /* cmdline_size exists */
#define LINUX_PROTO_XLOAD    0x020C /* xloadflags exists */
#define LINUX_LOAD_ADDR	     0x100000ULL
#define LINUX_ENTRY64_OFFSET 0x200
/* The setup code would run from 0x9xxxx with its heap ending here; customary value for
 * heap_end_ptr. */
#define LINUX_HEAP_END_PTR 0xFE00

#endif
