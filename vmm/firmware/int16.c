/* int 16h: keyboard services fed from COM1's receiver, queued in the BDA's keyboard buffer. */
#include <string.h>

#include "vmm/firmware/bda.h"
#include "vmm/firmware/service.h"

#define BDA_SEG_BASE 0x400 /* buffer pointers are offsets in segment 0x40 */
#define BDA_SEG_SIZE 0x100
#define RX_MAX	     16 /* one UART FIFO's worth per call */

#define KEY_ENTER 0x1C0D
#define KEY_TAB	  0x0F09
#define KEY_BS	  0x0E08
#define KEY_ESC	  0x011B
#define KEY_SPACE 0x3920

struct ring {
	uint16_t start, end, head, tail;
};

/*
 * The pointers are guest memory: anything the guest stored there that is not a sane ring
 * inside the BDA is replaced by the standard empty buffer.
 */
static struct ring ring_load(const struct bios_env *env)
{
	struct ring k = {
	    .start = bda_get16(env->mem, BDA_KBD_START),
	    .end = bda_get16(env->mem, BDA_KBD_END),
	    .head = bda_get16(env->mem, BDA_KBD_HEAD),
	    .tail = bda_get16(env->mem, BDA_KBD_TAIL),
	};
	bool bounds =
	    !(k.start & 1) && !(k.end & 1) && k.start + 4 <= k.end && k.end <= BDA_SEG_SIZE;
	if (!bounds) {
		k.start = BDA_KBD_RING_START;
		k.end = BDA_KBD_RING_END;
	}
	bool inside = k.head >= k.start && k.head < k.end && k.tail >= k.start && k.tail < k.end &&
		      !((k.head - k.start) & 1) && !((k.tail - k.start) & 1);
	if (!bounds || !inside)
		k.head = k.tail = k.start;
	return k;
}

static void ring_store(const struct bios_env *env, const struct ring *k)
{
	bda_put16(env->mem, BDA_KBD_START, k->start);
	bda_put16(env->mem, BDA_KBD_END, k->end);
	bda_put16(env->mem, BDA_KBD_HEAD, k->head);
	bda_put16(env->mem, BDA_KBD_TAIL, k->tail);
}

static uint16_t ring_next(const struct ring *k, uint16_t p)
{
	p = (uint16_t)(p + 2);
	return p >= k->end ? k->start : p;
}

static bool ring_push(const struct bios_env *env, struct ring *k, uint16_t key)
{
	uint16_t next = ring_next(k, k->tail);
	if (next == k->head)
		return false;
	bda_put16(env->mem, BDA_SEG_BASE + k->tail, key);
	k->tail = next;
	return true;
}

/* US layout, set 1 scan codes: each row's keys are consecutive codes from `scan`. */
struct key_row {
	uint8_t scan;
	const char *plain, *shifted;
};

static const struct key_row rows[] = {
    {0x02, "1234567890-=", "!@#$%^&*()_+"},
    {0x10, "qwertyuiop[]", "QWERTYUIOP{}"},
    {0x1E, "asdfghjkl;'`", "ASDFGHJKL:\"~"},
    {0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?"},
};

static uint16_t key_of(uint8_t c)
{
	switch (c) {
	case '\r':
	case '\n': /* a host terminal's Enter */
		return KEY_ENTER;
	case '\t':
		return KEY_TAB;
	case '\b':
	case 0x7F:
		return KEY_BS;
	case 0x1B:
		return KEY_ESC;
	case ' ':
		return KEY_SPACE;
	default:
		break;
	}
	uint8_t look = c >= 1 && c <= 26 ? (uint8_t)('a' + c - 1) : c; /* Ctrl+letter */
	if (!look)
		return 0;
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *p = strchr(rows[i].plain, look);
		if (p)
			return (uint16_t)((rows[i].scan + (p - rows[i].plain)) << 8 | c);
		p = strchr(rows[i].shifted, look);
		if (p)
			return (uint16_t)((rows[i].scan + (p - rows[i].shifted)) << 8 | c);
	}
	return c; /* no key makes it: scan code 0, as for Alt+keypad entry */
}

/* ESC [ x / ESC O x from a terminal: the cursor keys GRUB's menu uses. */
static uint16_t escape_key(uint8_t final)
{
	switch (final) {
	case 'A':
		return 0x4800;
	case 'B':
		return 0x5000;
	case 'C':
		return 0x4D00;
	case 'D':
		return 0x4B00;
	case 'H':
		return 0x4700;
	case 'F':
		return 0x4F00;
	default:
		return 0;
	}
}

static unsigned ring_free(const struct ring *k)
{
	unsigned slots = (unsigned)(k->end - k->start) / 2;
	unsigned used =
	    (unsigned)((k->tail + (k->end - k->start) - k->head) % (k->end - k->start)) / 2;
	return slots - 1 - used;
}

/*
 * Moves what COM1 received into the buffer, bounded by the FIFO and the buffer's room. A
 * byte leaves the UART only when its key(s) can be stored, so nothing typed is dropped.
 */
static void pull_serial(struct bios_env *env, struct ring *k)
{
	uint16_t base = bios_serial_base(env, 0);
	for (unsigned n = 0; n < RX_MAX && ring_free(k) > 0; n++) {
		int c = bios_serial_getc(env, base);
		if (c < 0)
			return;
		if (c != 0x1B) {
			ring_push(env, k, key_of((uint8_t)c));
			continue;
		}
		/* An unknown sequence is stored as its plain keys, so read no more than fit. */
		int c2 = ring_free(k) >= 2 ? bios_serial_getc(env, base) : -1;
		int c3 = (c2 == '[' || c2 == 'O') && ring_free(k) >= 3 ? bios_serial_getc(env, base)
								       : -1;
		uint16_t arrow = c3 >= 0 ? escape_key((uint8_t)c3) : 0;
		if (arrow) {
			ring_push(env, k, arrow);
			continue;
		}
		ring_push(env, k, KEY_ESC);
		if (c2 >= 0)
			ring_push(env, k, key_of((uint8_t)c2));
		if (c3 >= 0)
			ring_push(env, k, key_of((uint8_t)c3));
	}
}

/* AH=00h/01h (and 10h/11h): ZF=1 when no key; the blob sleeps and asks again for 00h. */
static void read_key(struct bios_env *env, struct bios_regs *r, bool take)
{
	struct ring k = ring_load(env);
	pull_serial(env, &k);
	bool empty = k.head == k.tail;
	if (!empty) {
		set_lo16(&r->eax, bda_get16(env->mem, BDA_SEG_BASE + k.head));
		if (take)
			k.head = ring_next(&k, k.head);
	}
	ring_store(env, &k);
	bios_set_zf(r, empty);
}

void bios_int16(struct bios_env *env, struct bios_regs *r)
{
	switch (reg_ah(r)) {
	case 0x00:
	case 0x10:
		read_key(env, r, true);
		break;
	case 0x01:
	case 0x11:
		read_key(env, r, false);
		break;
	case 0x02:
		set_lo8(&r->eax, bda_get8(env->mem, BDA_KBD_FLAGS));
		break;
	case 0x12:
		set_lo8(&r->eax, bda_get8(env->mem, BDA_KBD_FLAGS));
		set_hi8(&r->eax, bda_get8(env->mem, BDA_KBD_FLAGS + 1));
		break;
	case 0x05: { /* store CX as a keystroke: AL=0 stored, 1 buffer full */
		struct ring k = ring_load(env);
		set_lo8(&r->eax, ring_push(env, &k, lo16(r->ecx)) ? 0 : 1);
		ring_store(env, &k);
		break;
	}
	default:
		bios_unknown(r);
		return;
	}
	bios_ok(r);
}
