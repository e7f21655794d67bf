/* The snapshot file format: builds a file from sections and checks one before anything uses it. */
#include "vmm/snap_format.h"

#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errf.h"

/* On-disk offsets of the fixed header (little-endian, x86 hosts only). */
#define OFF_VERSION   8
#define OFF_HDRLEN    12
#define OFF_VENDOR    16
#define OFF_FMS	      28
#define OFF_XCR0_LO   32
#define OFF_XCR0_HI   36
#define OFF_XSAVE_SZ  40
#define OFF_NCPUS     44
#define OFF_RAM	      48
#define OFF_PIT	      56
#define OFF_BOOT      60
#define OFF_NSECTIONS 64
#define OFF_CLOCK     72
#define HEADER_LEN    80u
#define SECTION_HDR   16u
#define TRAILER_LEN   8u

/* Section data is padded to 8 bytes, so every section starts 8-aligned in an aligned buffer
 * and its structs can be read in place. */
static uint64_t padded(uint64_t len)
{
	return (len + 7) & ~(uint64_t)7;
}

uint32_t snap_crc32(uint32_t crc, const void *data, size_t len)
{
	/* CRC-32 (IEEE, reflected), a nibble at a time: no table to build or share */
	static const uint32_t nib[16] = {0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC,
					 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
					 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
					 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C};
	const uint8_t *p = data;
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ nib[crc & 15];
		crc = (crc >> 4) ^ nib[crc & 15];
	}
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}
static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

void snapw_init(struct snap_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void snapw_free(struct snap_writer *w)
{
	free(w->buf);
	snapw_init(w);
}

static bool reserve(struct snap_writer *w, uint64_t more)
{
	if (w->err)
		return false;
	if (more > SIZE_MAX / 2 - w->len) {
		w->err = -EOVERFLOW;
		return false;
	}
	if (w->len + more <= w->cap)
		return true;
	size_t cap = w->cap ? w->cap : 4096;
	while (cap < w->len + more)
		cap *= 2;
	uint8_t *b = realloc(w->buf, cap);
	if (!b) {
		w->err = -ENOMEM;
		return false;
	}
	w->buf = b;
	w->cap = cap;
	return true;
}

void *snapw_section(struct snap_writer *w, uint32_t id, uint32_t index, uint64_t len)
{
	if (w->nsections >= SNAP_MAX_SECTIONS && !w->err)
		w->err = -E2BIG;
	if (len > SIZE_MAX / 4 && !w->err)
		w->err = -EOVERFLOW; /* no buffer holds it, and its padding would wrap */
	if (!reserve(w, SECTION_HDR + padded(len)))
		return NULL;
	uint8_t *p = w->buf + w->len;
	put32(p, id);
	put32(p + 4, index);
	put64(p + 8, len);
	memset(p + SECTION_HDR + len, 0, padded(len) - len);
	w->len += SECTION_HDR + padded(len);
	w->nsections++;
	return p + SECTION_HDR;
}

int snapw_add(struct snap_writer *w, uint32_t id, uint32_t index, const void *data, uint64_t len)
{
	void *p = snapw_section(w, id, index, len);
	if (!p)
		return w->err;
	memcpy(p, data, len);
	return 0;
}

int snapw_finish(struct snap_writer *w, const struct snap_header *h, uint8_t **out, size_t *outlen)
{
	if (w->err) {
		int e = w->err;
		snapw_free(w);
		return e;
	}
	size_t total = HEADER_LEN + w->len + TRAILER_LEN;
	uint8_t *f = malloc(total);
	if (!f) {
		snapw_free(w);
		return -ENOMEM;
	}
	memset(f, 0, HEADER_LEN);
	memcpy(f, SNAP_MAGIC, SNAP_MAGIC_LEN);
	put32(f + OFF_VERSION, SNAP_VERSION);
	put32(f + OFF_HDRLEN, HEADER_LEN);
	memcpy(f + OFF_VENDOR, h->cpu.vendor, sizeof(h->cpu.vendor));
	put32(f + OFF_FMS, h->cpu.fms);
	put32(f + OFF_XCR0_LO, h->cpu.xcr0_lo);
	put32(f + OFF_XCR0_HI, h->cpu.xcr0_hi);
	put32(f + OFF_XSAVE_SZ, h->cpu.xsave_sz);
	put32(f + OFF_NCPUS, h->ncpus);
	put64(f + OFF_RAM, h->ram_bytes);
	put32(f + OFF_PIT, h->pit);
	put32(f + OFF_BOOT, h->boot);
	put32(f + OFF_NSECTIONS, w->nsections);
	put64(f + OFF_CLOCK, h->clock_ns);
	if (w->len)
		memcpy(f + HEADER_LEN, w->buf, w->len);
	size_t body = HEADER_LEN + w->len;
	put32(f + body, snap_crc32(0, f, body));
	put32(f + body + 4, SNAP_END_MAGIC);
	snapw_free(w);
	*out = f;
	*outlen = total;
	return 0;
}

static bool same_cpu(const struct snap_cpu_id *a, const struct snap_cpu_id *b)
{
	return !memcmp(a->vendor, b->vendor, sizeof(a->vendor)) && a->fms == b->fms &&
	       a->xcr0_lo == b->xcr0_lo && a->xcr0_hi == b->xcr0_hi && a->xsave_sz == b->xsave_sz;
}

enum snap_refusal snap_open(struct snap_reader *r, const uint8_t *buf, size_t len,
			    const struct snap_cpu_id *cpu, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	size_t m = len < SNAP_MAGIC_LEN ? len : SNAP_MAGIC_LEN;
	if (memcmp(buf, SNAP_MAGIC, m))
		return (enum snap_refusal)errf(err, errlen, SNAP_FOREIGN,
					       "not a tinyvmm snapshot (bad magic)");
	if (len < OFF_HDRLEN + 4)
		return (enum snap_refusal)errf(err, errlen, SNAP_TRUNCATED,
					       "truncated: %zu bytes, no header", len);
	uint32_t version = get32(buf + OFF_VERSION);
	if (version != SNAP_VERSION)
		return (enum snap_refusal)errf(
		    err, errlen, SNAP_BAD_VERSION,
		    "snapshot format version %u; this tinyvmm reads version %u", version,
		    SNAP_VERSION);
	if (get32(buf + OFF_HDRLEN) != HEADER_LEN)
		return (enum snap_refusal)errf(err, errlen, SNAP_CORRUPT,
					       "header length %u, expected %u",
					       get32(buf + OFF_HDRLEN), HEADER_LEN);
	if (len < HEADER_LEN)
		return (enum snap_refusal)errf(err, errlen, SNAP_TRUNCATED,
					       "truncated inside the header (%zu bytes)", len);
	struct snap_header *h = &r->h;
	memcpy(h->cpu.vendor, buf + OFF_VENDOR, sizeof(h->cpu.vendor));
	h->cpu.fms = get32(buf + OFF_FMS);
	h->cpu.xcr0_lo = get32(buf + OFF_XCR0_LO);
	h->cpu.xcr0_hi = get32(buf + OFF_XCR0_HI);
	h->cpu.xsave_sz = get32(buf + OFF_XSAVE_SZ);
	h->ncpus = get32(buf + OFF_NCPUS);
	h->ram_bytes = get64(buf + OFF_RAM);
	h->pit = get32(buf + OFF_PIT);
	h->boot = get32(buf + OFF_BOOT);
	h->nsections = get32(buf + OFF_NSECTIONS);
	h->clock_ns = get64(buf + OFF_CLOCK);
	if (cpu && !same_cpu(&h->cpu, cpu))
		return (enum snap_refusal)errf(
		    err, errlen, SNAP_WRONG_CPU,
		    "taken on another host CPU (%.12s family/model/stepping 0x%x, XSAVE "
		    "0x%x:%08x %u bytes); this one is %.12s 0x%x, XSAVE 0x%x:%08x %u bytes",
		    h->cpu.vendor, h->cpu.fms, h->cpu.xcr0_hi, h->cpu.xcr0_lo, h->cpu.xsave_sz,
		    cpu->vendor, cpu->fms, cpu->xcr0_hi, cpu->xcr0_lo, cpu->xsave_sz);
	if (h->nsections > SNAP_MAX_SECTIONS)
		return (enum snap_refusal)errf(err, errlen, SNAP_CORRUPT,
					       "%u sections (at most %u)", h->nsections,
					       SNAP_MAX_SECTIONS);
	size_t pos = HEADER_LEN;
	for (uint32_t i = 0; i < h->nsections; i++) {
		if (len - pos < SECTION_HDR)
			return (enum snap_refusal)errf(err, errlen, SNAP_TRUNCATED,
						       "truncated: section %u of %u is missing",
						       i + 1, h->nsections);
		uint64_t slen = get64(buf + pos + 8);
		if (slen > len - pos - SECTION_HDR || padded(slen) > len - pos - SECTION_HDR)
			return (enum snap_refusal)errf(err, errlen, SNAP_TRUNCATED,
						       "truncated inside section %u of %u", i + 1,
						       h->nsections);
		pos += SECTION_HDR + padded(slen);
	}
	if (len - pos < TRAILER_LEN)
		return (enum snap_refusal)errf(err, errlen, SNAP_TRUNCATED,
					       "truncated: the checksum is missing");
	if (len - pos > TRAILER_LEN || get32(buf + pos + 4) != SNAP_END_MAGIC)
		return (enum snap_refusal)errf(err, errlen, SNAP_CORRUPT,
					       "no end marker after the last section");
	uint32_t crc = snap_crc32(0, buf, pos);
	if (crc != get32(buf + pos))
		return (enum snap_refusal)errf(err, errlen, SNAP_CORRUPT,
					       "checksum mismatch (file damaged)");
	r->buf = buf;
	r->len = len;
	r->first = buf + HEADER_LEN;
	return SNAP_OK;
}

const void *snap_find(const struct snap_reader *r, uint32_t id, uint32_t index, uint64_t *len)
{
	if (!r->first)
		return NULL;
	const uint8_t *p = r->first;
	for (uint32_t i = 0; i < r->h.nsections; i++) {
		uint64_t slen = get64(p + 8);
		if (get32(p) == id && get32(p + 4) == index) {
			if (len)
				*len = slen;
			return p + SECTION_HDR;
		}
		p += SECTION_HDR + padded(slen);
	}
	return NULL;
}

const void *snap_find_sized(const struct snap_reader *r, uint32_t id, uint32_t index, uint64_t len)
{
	uint64_t got;
	const void *p = snap_find(r, id, index, &got);
	return p && got == len ? p : NULL;
}

void snap_host_cpu(struct snap_cpu_id *out)
{
	unsigned a, b, c, d;
	memset(out, 0, sizeof(*out));
	__cpuid(0, a, b, c, d);
	memcpy(out->vendor, &b, 4);
	memcpy(out->vendor + 4, &d, 4);
	memcpy(out->vendor + 8, &c, 4);
	unsigned max = a;
	__cpuid(1, a, b, c, d);
	out->fms = a;
	if (max >= 0xD) {
		__cpuid_count(0xD, 0, a, b, c, d);
		out->xcr0_lo = a;
		out->xcr0_hi = d;
		out->xsave_sz = c;
	}
}
