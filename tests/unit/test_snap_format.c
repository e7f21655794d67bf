/* Unit tests of the snapshot file format: round trip, and every refusal the loader must make. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/snap_format.h"

static const struct snap_cpu_id cpu_a = {
    .vendor = "AuthenticAMD", .fms = 0x00A00F11, .xcr0_lo = 0x2E7, .xcr0_hi = 0, .xsave_sz = 2440};

/* A small file: header, three sections of odd lengths (padding), the trailer. */
static uint8_t *sample(size_t *len, size_t *bounds, unsigned *nbounds)
{
	struct snap_writer w;
	snapw_init(&w);
	static const char a[] = "first";
	uint8_t b[100];
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	cr_assert_eq(snapw_add(&w, SNAP_SEC_DEVICE, SNAP_DEV_UART, a, sizeof(a)), 0);
	cr_assert_eq(snapw_add(&w, SNAP_SEC_VCPU, 0, b, sizeof(b)), 0);
	cr_assert_eq(snapw_add(&w, SNAP_SEC_RAM, 0, NULL, 0), 0);
	struct snap_header h = {.cpu = cpu_a,
				.ram_bytes = 2 << 20,
				.ncpus = 1,
				.pit = 0,
				.boot = SNAP_BOOT_DIRECT,
				.clock_ns = 123456789};
	uint8_t *f;
	cr_assert_eq(snapw_finish(&w, &h, &f, len), 0);
	if (bounds) {
		/* header end, each section's end: where a cut leaves whole pieces only */
		size_t s[] = {80, 80 + 16 + 8, 80 + 16 + 8 + 16 + 104, 80 + 16 + 8 + 16 + 104 + 16};
		memcpy(bounds, s, sizeof(s));
		*nbounds = 4;
	}
	return f;
}

Test(snap_format, round_trip_keeps_header_and_sections)
{
	size_t len;
	uint8_t *f = sample(&len, NULL, NULL);
	struct snap_reader r;
	char err[256];
	cr_assert_eq(snap_open(&r, f, len, &cpu_a, err, sizeof(err)), SNAP_OK, "%s", err);
	cr_assert_eq(r.h.ram_bytes, 2 << 20);
	cr_assert_eq(r.h.ncpus, 1);
	cr_assert_eq(r.h.nsections, 3);
	cr_assert_eq(r.h.clock_ns, 123456789);
	uint64_t sl;
	const char *a = snap_find(&r, SNAP_SEC_DEVICE, SNAP_DEV_UART, &sl);
	cr_assert(a && sl == 6 && !strcmp(a, "first"));
	const uint8_t *b = snap_find_sized(&r, SNAP_SEC_VCPU, 0, 100);
	cr_assert(b && b[99] == 99);
	cr_assert_eq((uintptr_t)b % 8, 0, "sections are 8-aligned");
	cr_assert_not_null(snap_find(&r, SNAP_SEC_RAM, 0, &sl));
	cr_assert_eq(sl, 0);
	cr_assert_null(snap_find(&r, SNAP_SEC_VCPU, 1, NULL));
	cr_assert_null(snap_find_sized(&r, SNAP_SEC_VCPU, 0, 99));
	free(f);
}

Test(snap_format, every_truncation_is_refused_as_truncated)
{
	size_t len, bounds[4];
	unsigned nb;
	uint8_t *f = sample(&len, bounds, &nb);
	struct snap_reader r;
	char err[256];
	for (unsigned i = 0; i < nb; i++) {
		cr_assert_eq(snap_open(&r, f, bounds[i], &cpu_a, err, sizeof(err)), SNAP_TRUNCATED,
			     "cut at section boundary %zu: %s", bounds[i], err);
		cr_assert(strstr(err, "truncated"), "%s", err);
	}
	/* and every other length short of the whole */
	for (size_t cut = SNAP_MAGIC_LEN; cut < len; cut++)
		cr_assert_eq(snap_open(&r, f, cut, &cpu_a, err, sizeof(err)), SNAP_TRUNCATED,
			     "cut at %zu: %s", cut, err);
	free(f);
}

Test(snap_format, foreign_file_is_refused)
{
	size_t len;
	uint8_t *f = sample(&len, NULL, NULL);
	struct snap_reader r;
	char err[256];
	f[0] ^= 0x20;
	cr_assert_eq(snap_open(&r, f, len, &cpu_a, err, sizeof(err)), SNAP_FOREIGN);
	cr_assert(strstr(err, "not a tinyvmm snapshot"), "%s", err);
	static const uint8_t elf[] = {0x7F, 'E', 'L', 'F'};
	cr_assert_eq(snap_open(&r, elf, sizeof(elf), &cpu_a, err, sizeof(err)), SNAP_FOREIGN);
	free(f);
}

Test(snap_format, other_version_is_refused)
{
	size_t len;
	uint8_t *f = sample(&len, NULL, NULL);
	struct snap_reader r;
	char err[256];
	f[8] = SNAP_VERSION + 1;
	cr_assert_eq(snap_open(&r, f, len, &cpu_a, err, sizeof(err)), SNAP_BAD_VERSION);
	cr_assert(strstr(err, "version 2"), "%s", err);
	free(f);
}

Test(snap_format, other_host_cpu_is_refused)
{
	size_t len;
	uint8_t *f = sample(&len, NULL, NULL);
	struct snap_reader r;
	char err[256];
	struct snap_cpu_id other = cpu_a;
	memcpy(other.vendor, "GenuineIntel", 12);
	cr_assert_eq(snap_open(&r, f, len, &other, err, sizeof(err)), SNAP_WRONG_CPU);
	cr_assert(strstr(err, "another host CPU"), "%s", err);
	other = cpu_a;
	other.xsave_sz = 2696; /* same vendor, another XSAVE layout */
	cr_assert_eq(snap_open(&r, f, len, &other, err, sizeof(err)), SNAP_WRONG_CPU);
	cr_assert_eq(snap_open(&r, f, len, NULL, err, sizeof(err)), SNAP_OK, "%s", err);
	free(f);
}

Test(snap_format, damage_and_trailing_bytes_are_refused)
{
	size_t len;
	uint8_t *f = sample(&len, NULL, NULL);
	struct snap_reader r;
	char err[256];
	f[80 + 16] ^= 1; /* a byte of the first section */
	cr_assert_eq(snap_open(&r, f, len, &cpu_a, err, sizeof(err)), SNAP_CORRUPT);
	cr_assert(strstr(err, "checksum"), "%s", err);
	f[80 + 16] ^= 1;
	uint8_t *g = realloc(f, len + 1);
	cr_assert_not_null(g);
	g[len] = 0;
	cr_assert_eq(snap_open(&r, g, len + 1, &cpu_a, err, sizeof(err)), SNAP_CORRUPT);
	free(g);
}

Test(snap_format, crc32_is_the_ieee_one)
{
	cr_assert_eq(snap_crc32(0, "123456789", 9), 0xCBF43926u);
}

Test(snap_format, a_section_no_buffer_can_hold_fails_the_writer_once)
{
	struct snap_writer w;
	snapw_init(&w);
	cr_assert_null(snapw_section(&w, SNAP_SEC_RAM, 0, UINT64_MAX - 3));
	cr_assert_eq(w.err, -EOVERFLOW);
	cr_assert_null(snapw_section(&w, SNAP_SEC_VCPU, 0, 8), "later sections fail too");
	uint8_t *f;
	size_t len;
	struct snap_header h = {0};
	cr_assert_eq(snapw_finish(&w, &h, &f, &len), -EOVERFLOW);
}
