/* The snapshot file format: a checked header (host CPU identity, VM config), sections, a CRC. */
#ifndef TINYVMM_VMM_SNAP_FORMAT_H
#define TINYVMM_VMM_SNAP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* docs/snapshot.md describes the layout; bump SNAP_VERSION on any change to it or to a
 * section's contents, since sections are plain copies of this build's structs. */
#define SNAP_MAGIC	  "TVMMSNAP"
#define SNAP_MAGIC_LEN	  8
#define SNAP_VERSION	  1u
#define SNAP_END_MAGIC	  0x444E4553u /* "SEND" */
#define SNAP_MAX_SECTIONS 4096u

/* What makes vCPU state portable: XSAVE layout and feature bits follow these. */
struct snap_cpu_id {
	char vendor[12];   /* CPUID 0: EBX EDX ECX */
	uint32_t fms;	   /* CPUID 1 EAX: family, model, stepping */
	uint32_t xcr0_lo;  /* CPUID 0xD.0 EAX: XCR0 bits the XSAVE area can hold */
	uint32_t xcr0_hi;  /* CPUID 0xD.0 EDX */
	uint32_t xsave_sz; /* CPUID 0xD.0 ECX: XSAVE area size for every supported feature */
};

enum snap_boot { SNAP_BOOT_DIRECT = 0, SNAP_BOOT_FIRMWARE = 1 };

struct snap_header {
	struct snap_cpu_id cpu;
	uint64_t ram_bytes;
	uint32_t ncpus;
	uint32_t pit;  /* enum vm_pit_kind */
	uint32_t boot; /* enum snap_boot */
	uint32_t nsections;
	uint64_t clock_ns; /* the timer service's clock at capture: device deadlines are relative */
};

enum snap_section_id {
	SNAP_SEC_VCPU = 1,   /* index = vCPU number: struct in vmm/snap_vcpu.c */
	SNAP_SEC_MSRS = 2,   /* index = vCPU number: kvm_msrs header + entries */
	SNAP_SEC_XSAVE = 3,  /* index = vCPU number: KVM_GET_XSAVE area */
	SNAP_SEC_VM = 4,     /* irqchips, kernel PIT, kvmclock */
	SNAP_SEC_DEVICE = 5, /* index = enum snap_device */
	SNAP_SEC_RAM = 6,    /* page bitmap, then the non-zero pages */
};

enum snap_device {
	SNAP_DEV_UART,
	SNAP_DEV_RTC,
	SNAP_DEV_PIT,
	SNAP_DEV_KBC,
	SNAP_DEV_SYSPORT,
	SNAP_DEV_ACPI_PM,
	SNAP_DEV_REPORT,
	SNAP_DEV_FDC,
	SNAP_DEV_ATA,
	SNAP_DEV_BIOS,
	SNAP_DEV_COUNT,
};

/* ---- writing: sections appended to a growing buffer, then sealed with the CRC ---- */
struct snap_writer {
	uint8_t *buf;
	size_t len, cap;
	uint32_t nsections;
	int err; /* first failure (-ENOMEM); later calls do nothing */
};

void snapw_init(struct snap_writer *w);
/* Starts a section and returns room for `len` bytes of it (NULL after a failure). */
void *snapw_section(struct snap_writer *w, uint32_t id, uint32_t index, uint64_t len);
int snapw_add(struct snap_writer *w, uint32_t id, uint32_t index, const void *data, uint64_t len);
/* Writes the header in front and the CRC behind; out and outlen own the file's bytes (free()).
 * 0 or -errno. The writer is empty afterwards. */
int snapw_finish(struct snap_writer *w, const struct snap_header *h, uint8_t **out, size_t *outlen);
void snapw_free(struct snap_writer *w);

/* ---- reading: everything checked before anything is used ---- */
struct snap_section {
	uint32_t id, index;
	uint64_t len;
	const uint8_t *data;
};

struct snap_reader {
	struct snap_header h;
	const uint8_t *buf;
	size_t len;
	const uint8_t *first; /* first section header */
};

/* Why a file was refused. */
enum snap_refusal {
	SNAP_OK = 0,
	SNAP_TRUNCATED,
	SNAP_FOREIGN,
	SNAP_BAD_VERSION,
	SNAP_WRONG_CPU,
	SNAP_CORRUPT,
};

/*
 * Checks buf: magic, version, host CPU (against `cpu`; NULL skips the check), every section
 * inside the file, the CRC. SNAP_OK, or a refusal with a one-line reason in err.
 */
enum snap_refusal snap_open(struct snap_reader *r, const uint8_t *buf, size_t len,
			    const struct snap_cpu_id *cpu, char *err, size_t errlen);
/* The section (id, index), or NULL. Only after snap_open returned SNAP_OK. */
const void *snap_find(const struct snap_reader *r, uint32_t id, uint32_t index, uint64_t *len);
/* snap_find that also wants exactly `len` bytes. */
const void *snap_find_sized(const struct snap_reader *r, uint32_t id, uint32_t index, uint64_t len);

/* This host's identity (the cpuid instruction). */
void snap_host_cpu(struct snap_cpu_id *out);

uint32_t snap_crc32(uint32_t crc, const void *data, size_t len);

#endif
