/* The wall clock as firmware reads it from the MC146818 through ports 0x70/0x71. */
#include <errno.h>

#include "devices/rtc.h"
#include "vmm/firmware/service.h"

#define RTC_INDEX RTC_PORT_BASE
#define RTC_DATA  (RTC_PORT_BASE + 1)

/* Register numbers and bits from the MC146818A data sheet and the PC CMOS map. */
#define REG_SEC	    0x00
#define REG_MIN	    0x02
#define REG_HOUR    0x04
#define REG_DAY	    0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A	    0x0A
#define REG_B	    0x0B
#define REG_CENTURY 0x32
#define B_DSE	    0x01
#define B_24H	    0x02
#define B_BINARY    0x04
#define HOUR_PM	    0x80

#define READ_TRIES 3

/* Bit 7 of the index is the NMI mask: firmware leaves NMI enabled. */
static uint8_t cmos(struct io_bus *bus, uint8_t reg)
{
	bus_write(bus, RTC_INDEX, 1, reg);
	return (uint8_t)bus_read(bus, RTC_DATA, 1);
}

uint8_t bios_to_bcd(unsigned v)
{
	v %= 100;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

static unsigned decode(uint8_t v, bool binary)
{
	return binary ? v : (unsigned)(v >> 4) * 10 + (v & 0x0F);
}

int bios_rtc_read(struct io_bus *bus, struct bios_rtc_time *t)
{
	if (!bus)
		return -ENODEV;
	uint8_t a = cmos(bus, REG_A), b = cmos(bus, REG_B);
	if (a == 0xFF && b == 0xFF) /* an open bus: nothing at 0x70 */
		return -ENODEV;

	/*
	 * Read the seconds again after the rest: if an update came between, the fields may
	 * mix two seconds, so read them once more. Cheaper than waiting out UIP, and bounded.
	 */
	uint8_t sec = 0, min = 0, hour = 0, day = 0, month = 0, year = 0, century = 0;
	for (unsigned i = 0; i < READ_TRIES; i++) {
		sec = cmos(bus, REG_SEC);
		min = cmos(bus, REG_MIN);
		hour = cmos(bus, REG_HOUR);
		day = cmos(bus, REG_DAY);
		month = cmos(bus, REG_MONTH);
		year = cmos(bus, REG_YEAR);
		century = cmos(bus, REG_CENTURY);
		if (cmos(bus, REG_SEC) == sec)
			break;
	}

	bool binary = b & B_BINARY;
	t->sec = decode(sec, binary);
	t->min = decode(min, binary);
	t->hour = decode(hour & (uint8_t)~HOUR_PM, binary);
	if (!(b & B_24H)) /* 12-hour mode: 12 AM is midnight, bit 7 marks PM */
		t->hour = t->hour % 12 + (hour & HOUR_PM ? 12 : 0);
	t->day = decode(day, binary);
	t->month = decode(month, binary);
	t->year = decode(year, binary);
	t->century = decode(century, binary);
	t->dst = b & B_DSE;
	return 0;
}
