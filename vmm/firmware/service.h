/* Internal to the BIOS services: register helpers, checked guest pointers, one entry per vector. */
#ifndef TINYVMM_VMM_FIRMWARE_SERVICE_H
#define TINYVMM_VMM_FIRMWARE_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/firmware/bios.h"

/* AH status codes shared by several services. */
#define BIOS_ERR_FUNCTION    0x01 /* unknown function, bad parameter or absent drive */
#define BIOS_ERR_UNSUPPORTED 0x86 /* int 15h: "function not supported" */

static inline uint8_t reg_al(const struct bios_regs *r)
{
	return (uint8_t)r->eax;
}

static inline uint8_t reg_ah(const struct bios_regs *r)
{
	return (uint8_t)(r->eax >> 8);
}

static inline uint16_t lo16(uint32_t v)
{
	return (uint16_t)v;
}

static inline uint8_t hi8(uint32_t v)
{
	return (uint8_t)(v >> 8);
}

static inline void set_lo8(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & ~0xFFu) | v;
}

static inline void set_hi8(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & ~0xFF00u) | (uint32_t)v << 8;
}

static inline void set_lo16(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & ~0xFFFFu) | v;
}

static inline void bios_ok(struct bios_regs *r)
{
	r->flags &= (uint16_t)~BIOS_FLAG_CF;
}

/* Success with AH = 0, the convention of int 13h and int 15h. */
static inline void bios_ok_ah0(struct bios_regs *r)
{
	set_hi8(&r->eax, 0);
	bios_ok(r);
}

static inline void bios_fail(struct bios_regs *r, uint8_t ah)
{
	set_hi8(&r->eax, ah);
	r->flags |= BIOS_FLAG_CF;
}

static inline void bios_set_zf(struct bios_regs *r, bool on)
{
	if (on)
		r->flags |= BIOS_FLAG_ZF;
	else
		r->flags &= (uint16_t)~BIOS_FLAG_ZF;
}

/* Real-mode seg:off to a host pointer, or NULL unless all `len` bytes are guest RAM. */
static inline void *bios_ptr(const struct bios_env *env, uint16_t seg, uint32_t off, uint64_t len)
{
	return gmem_ptr(env->mem, ((uint64_t)seg << 4) + off, len);
}

/* One entry per vector (bios.c dispatches); each leaves its result in `r`. */
void bios_int10(struct bios_env *env, struct bios_regs *r);
void bios_int11(struct bios_env *env, struct bios_regs *r);
void bios_int12(struct bios_env *env, struct bios_regs *r);
void bios_int13(struct bios_env *env, struct bios_regs *r);
void bios_int14(struct bios_env *env, struct bios_regs *r);
void bios_int15(struct bios_env *env, struct bios_regs *r);
void bios_int16(struct bios_env *env, struct bios_regs *r);
enum bios_outcome bios_int18(struct bios_env *env, struct bios_regs *r);
enum bios_outcome bios_int19(struct bios_env *env, struct bios_regs *r);
void bios_int1a(struct bios_env *env, struct bios_regs *r);

/* Unknown function: CF=1, AH=1. */
void bios_unknown(struct bios_regs *r);

/* Loads the boot drive's first sector to 0000:7C00 (boot.c); sets env->why on failure. */
enum bios_outcome bios_load_boot_sector(struct bios_env *env);

/* The disk behind a BIOS drive number, or NULL (int13.c). */
struct disk *bios_drive(const struct bios_env *env, uint8_t dl);

/* The wall clock from the RTC through ports 0x70/0x71, in binary, 24-hour (clock.c). */
struct bios_rtc_time {
	unsigned sec, min, hour;
	unsigned day, month, year, century;
	bool dst;
};
/* 0, or -ENODEV when no RTC answers on the bus. */
int bios_rtc_read(struct io_bus *bus, struct bios_rtc_time *t);
uint8_t bios_to_bcd(unsigned v);

/* COM port `index` (0-3) from the BDA, 0 when absent (serial.c). */
uint16_t bios_serial_base(const struct bios_env *env, unsigned index);
/* One received byte from the UART at `base`, or -1 when none is waiting. */
int bios_serial_getc(struct bios_env *env, uint16_t base);

#endif
