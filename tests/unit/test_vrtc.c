// SPDX-License-Identifier: MIT
/* The guest's read-only CMOS RTC (the calendar arithmetic and register
 * decoding are tests/unit/test_rtc_time.c's). The Linux tests replay, port
 * access by port access, what Linux 6.1 does to read the clock and decode
 * the result as Linux does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "hv/platform/vrtc.h"

#define HZ	   2999999929ull /* an odd TSC frequency: no accidental round numbers */
#define BASE_TSC   123456789ull
#define T_2026	   1795523696ll /* 2026-11-24 12:34:56 UTC, a Tuesday */
#define T_1999_END 946684799ll	/* 1999-12-31 23:59:59 UTC, a Friday */

/* The TSC at which @secs seconds have passed since BASE_TSC, plus @extra cycles. */
static uint64_t tsc_at(uint64_t secs, int64_t extra)
{
	return BASE_TSC + secs * HZ + (uint64_t)extra;
}

/* A guest register read as software does it: select, then read the data port. */
static uint8_t cmos(struct vrtc *r, uint8_t reg, uint64_t tsc)
{
	vrtc_write(r, VRTC_PORT_INDEX, reg);
	return vrtc_read(r, VRTC_PORT_DATA, tsc);
}

static void dump(struct vrtc *r, uint64_t tsc, uint8_t regs[RTC_NREGS])
{
	for (unsigned int i = 0; i < RTC_NREGS; i++)
		regs[i] = cmos(r, (uint8_t)i, tsc);
}

static void test_registers(void **state)
{
	struct vrtc r;
	uint8_t regs[RTC_NREGS];

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	dump(&r, BASE_TSC, regs);
	assert_int_equal(regs[0x00], 0x56);
	assert_int_equal(regs[0x01], 0);
	assert_int_equal(regs[0x02], 0x34);
	assert_int_equal(regs[0x03], 0);
	assert_int_equal(regs[0x04], 0x12);
	assert_int_equal(regs[0x05], 0);
	assert_int_equal(regs[0x06], 0x03); /* 1 = Sunday */
	assert_int_equal(regs[0x07], 0x24);
	assert_int_equal(regs[0x08], 0x11);
	assert_int_equal(regs[0x09], 0x26);
	assert_int_equal(regs[0x0a], 0x26);
	assert_int_equal(regs[0x0b], 0x02);
	assert_int_equal(regs[0x0c], 0x00);
	assert_int_equal(regs[0x0d], 0x80);
	assert_int_equal(regs[0x32], 0x20);
	for (unsigned int i = 0x0e; i < RTC_NREGS; i++)
		if (i != 0x32)
			assert_int_equal(regs[i], 0);

	vrtc_init(&r, T_1999_END, BASE_TSC, HZ);
	dump(&r, BASE_TSC, regs);
	assert_int_equal(regs[0x00], 0x59);
	assert_int_equal(regs[0x02], 0x59);
	assert_int_equal(regs[0x04], 0x23);
	assert_int_equal(regs[0x06], 0x06); /* Friday */
	assert_int_equal(regs[0x07], 0x31);
	assert_int_equal(regs[0x08], 0x12);
	assert_int_equal(regs[0x09], 0x99);
	assert_int_equal(regs[0x32], 0x19);

	/* the epoch, a Thursday */
	vrtc_init(&r, 0, BASE_TSC, HZ);
	dump(&r, BASE_TSC, regs);
	assert_memory_equal(regs, ((const uint8_t[]){0, 0, 0, 0, 0, 0, 0x05, 0x01, 0x01, 0x70}),
			    10);
	assert_int_equal(regs[0x32], 0x19);
}

static void test_ports(void **state)
{
	struct vrtc r;

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	vrtc_write(&r, VRTC_PORT_INDEX, RTC_SECONDS);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_INDEX, BASE_TSC), 0xff); /* write-only */
	assert_int_equal(vrtc_read(&r, 0x72, BASE_TSC), 0xff);
	assert_int_equal(vrtc_read(&r, 0x170, BASE_TSC), 0xff);
	/* the index stays selected across reads */
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x56);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x56);
	/* bit 7 is the NMI mask: remembered, the register is bits 6:0 */
	vrtc_write(&r, VRTC_PORT_INDEX, RTC_NMI_DISABLE | RTC_REG_A);
	assert_true(r.nmi_off);
	assert_int_equal(r.index, RTC_REG_A);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x26);
	vrtc_write(&r, VRTC_PORT_INDEX, RTC_NMI_DISABLE | RTC_MINUTES);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x34);
	vrtc_write(&r, VRTC_PORT_INDEX, RTC_REG_D);
	assert_false(r.nmi_off);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x80);
	/* writes to other ports change nothing */
	vrtc_write(&r, 0x72, RTC_SECONDS);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x80);
}

/* Time follows the TSC: every boundary up to the century, with the register
 * changing exactly at the cycle where the second ends. */
static void test_time_advances(void **state)
{
	static const struct {
		int64_t t;		     /* the last second before the boundary */
		uint8_t before[7], after[7]; /* sec min hour wday mday mon year */
		uint8_t century_before, century_after;
	} cases[] = {
		{1795523699, /* 2026-11-24 12:34:59 Tuesday */
		 {0x59, 0x34, 0x12, 3, 0x24, 0x11, 0x26},
		 {0x00, 0x35, 0x12, 3, 0x24, 0x11, 0x26},
		 0x20,
		 0x20},
		/* 2026-01-31 23:59:59 Saturday -> Sunday Feb 1 */
		{1769903999,
		 {0x59, 0x59, 0x23, 7, 0x31, 0x01, 0x26},
		 {0x00, 0x00, 0x00, 1, 0x01, 0x02, 0x26},
		 0x20,
		 0x20},
		/* 2026-02-28 23:59:59 Saturday -> Mar 1 */
		{1772323199,
		 {0x59, 0x59, 0x23, 7, 0x28, 0x02, 0x26},
		 {0x00, 0x00, 0x00, 1, 0x01, 0x03, 0x26},
		 0x20,
		 0x20},
		/* 2024-02-28 23:59:59 Wednesday -> Feb 29 */
		{1709164799,
		 {0x59, 0x59, 0x23, 4, 0x28, 0x02, 0x24},
		 {0x00, 0x00, 0x00, 5, 0x29, 0x02, 0x24},
		 0x20,
		 0x20},
		/* 1999-12-31 23:59:59 Friday -> 2000-01-01 */
		{T_1999_END,
		 {0x59, 0x59, 0x23, 6, 0x31, 0x12, 0x99},
		 {0x00, 0x00, 0x00, 7, 0x01, 0x01, 0x00},
		 0x19,
		 0x20},
		/* 2099-12-31 23:59:59 Thursday -> 2100-01-01 */
		{4102444799ll,
		 {0x59, 0x59, 0x23, 5, 0x31, 0x12, 0x99},
		 {0x00, 0x00, 0x00, 6, 0x01, 0x01, 0x00},
		 0x20,
		 0x21},
	};
	static const uint8_t fields[7] = {0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vrtc r;
		/* start 1000 s early and run the clock up to the boundary */
		uint64_t boundary = tsc_at(1000, 0);

		vrtc_init(&r, cases[i].t - 999, BASE_TSC, HZ);
		for (unsigned int f = 0; f < 7; f++) {
			assert_int_equal(cmos(&r, fields[f], boundary - 1), cases[i].before[f]);
			assert_int_equal(cmos(&r, fields[f], boundary), cases[i].after[f]);
		}
		assert_int_equal(cmos(&r, RTC_CENTURY, boundary - 1), cases[i].century_before);
		assert_int_equal(cmos(&r, RTC_CENTURY, boundary), cases[i].century_after);
		assert_int_equal(vrtc_now(&r, boundary - 1), cases[i].t);
		assert_int_equal(vrtc_now(&r, boundary), cases[i].t + 1);
	}
}

static void test_long_run(void **state)
{
	struct vrtc r;
	uint64_t hz = 3000000000ull;

	(void)state;
	/* ten years of a 3 GHz TSC (about 9.5e17 cycles) */
	vrtc_init(&r, T_2026, 0, hz);
	for (uint64_t days = 0; days <= 3653; days += 7)
		assert_int_equal(vrtc_now(&r, days * 86400 * hz + hz / 2),
				 T_2026 + (int64_t)days * 86400);
	/* to the end of the TSC's range: 6.5e9 s at 2.8 GHz, still within 9999 */
	vrtc_init(&r, T_2026, 0, 2800000000ull);
	assert_int_equal(vrtc_now(&r, UINT64_MAX), T_2026 + (int64_t)(UINT64_MAX / 2800000000ull));
}

static void test_tsc_edges(void **state)
{
	struct vrtc r;
	uint8_t a[RTC_NREGS], b[RTC_NREGS];

	(void)state;
	/* tsc_hz 0: the clock stands still */
	vrtc_init(&r, T_2026, BASE_TSC, 0);
	dump(&r, BASE_TSC, a);
	dump(&r, UINT64_MAX, b);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(vrtc_now(&r, UINT64_MAX), T_2026);

	/* a TSC before the base reads as the base time */
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	assert_int_equal(vrtc_now(&r, 0), T_2026);
	assert_int_equal(vrtc_now(&r, BASE_TSC - 1), T_2026);
	dump(&r, 0, b);
	dump(&r, BASE_TSC, a);
	assert_memory_equal(a, b, sizeof(a));

	/* 1 Hz and the whole TSC range: clamped at 9999-12-31 23:59:59 */
	vrtc_init(&r, T_2026, 0, 1);
	assert_int_equal(vrtc_now(&r, UINT64_MAX), RTC_UNIX_MAX);
	dump(&r, UINT64_MAX, a);
	assert_memory_equal(
		a, ((const uint8_t[]){0x59, 0, 0x59, 0, 0x23, 0, 0x06, 0x31, 0x12, 0x99}), 10);
	assert_int_equal(a[RTC_CENTURY], 0x99);
	/* just below the end */
	assert_int_equal(vrtc_now(&r, (uint64_t)(RTC_UNIX_MAX - T_2026 - 1)), RTC_UNIX_MAX - 1);

	/* base times out of range are clamped: the guest never sees before 1970 */
	vrtc_init(&r, INT64_MIN, BASE_TSC, HZ);
	assert_int_equal(vrtc_now(&r, BASE_TSC), 0);
	vrtc_init(&r, -1, BASE_TSC, HZ);
	assert_int_equal(vrtc_now(&r, tsc_at(5, 0)), 5);
	vrtc_init(&r, INT64_MAX, BASE_TSC, 1);
	assert_int_equal(vrtc_now(&r, UINT64_MAX), RTC_UNIX_MAX);
	/* a struct written behind our back does not overflow either */
	r.base_unix = INT64_MAX;
	assert_int_equal(vrtc_now(&r, UINT64_MAX), RTC_UNIX_MAX);
	r.base_unix = INT64_MIN;
	assert_int_equal(vrtc_now(&r, BASE_TSC), 0);
}

/* What the model shows decodes to the model's time, every day 1970-2199. */
static void test_decode_of_model(void **state)
{
	uint8_t regs[RTC_NREGS];

	(void)state;
	for (int64_t t = 0; t < rtc_time_to_unix(2200, 1, 1, 0, 0, 0); t += 86400 + 3607) {
		struct vrtc r;

		vrtc_init(&r, t, BASE_TSC, HZ);
		dump(&r, tsc_at(1, 0), regs);
		assert_int_equal(rtc_time_decode(regs), t + 1);
	}
}

/* Hostile guest: every index with every data value, and every index port
 * value; reads stay what a fresh RTC shows. */
static void test_hostile_writes(void **state)
{
	struct vrtc r, fresh;
	uint8_t want[RTC_NREGS], got[RTC_NREGS];
	uint64_t tsc = tsc_at(77, 0);

	(void)state;
	vrtc_init(&fresh, T_2026, BASE_TSC, HZ);
	dump(&fresh, tsc, want);
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	for (unsigned int idx = 0; idx <= 0xff; idx++) {
		vrtc_write(&r, VRTC_PORT_INDEX, (uint8_t)idx);
		assert_int_equal(r.index, idx & 0x7f);
		assert_int_equal(r.nmi_off, idx >= 0x80);
		for (unsigned int v = 0; v <= 0xff; v++) {
			vrtc_write(&r, VRTC_PORT_DATA, (uint8_t)v);
			assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, tsc), want[idx & 0x7f]);
		}
	}
	dump(&r, tsc, got);
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(r.base_unix, fresh.base_unix);
	assert_int_equal(r.base_tsc, fresh.base_tsc);
	assert_int_equal(r.tsc_hz, fresh.tsc_hz);
	/* the index port read and other ports never change anything */
	for (unsigned int port = 0; port <= 0xffff; port++) {
		if (port != VRTC_PORT_INDEX && port != VRTC_PORT_DATA)
			vrtc_write(&r, (uint16_t)port, 0xff);
		(void)vrtc_read(&r, (uint16_t)port, tsc);
	}
	dump(&r, tsc, got);
	assert_memory_equal(got, want, sizeof(want));
}

/* A long stretch of reads at random TSCs: UIP is never set, A never changes. */
static void test_uip_never_set(void **state)
{
	struct vrtc r;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	for (unsigned int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_equal(cmos(&r, RTC_REG_A, BASE_TSC + x % (HZ * 100000)), 0x26);
	}
	/* and right at the second boundaries, where a real RTC sets it */
	for (uint64_t s = 1; s < 100; s++)
		for (int d = -2; d <= 2; d++)
			assert_false(cmos(&r, RTC_REG_A, tsc_at(s, d)) & RTC_A_UIP);
}

/* ---- Linux 6.1 replay ------------------------------------------------------ */

/*
 * The guest side of the replay: a CMOS_READ() is outb(reg, 0x70) then
 * inb(0x71), as in arch/x86/kernel/rtc.c rtc_cmos_read(); each port access
 * costs the guest some cycles (an exit), so the TSC moves on between them.
 */
struct guest {
	struct vrtc *r;
	uint64_t tsc;
	uint64_t access_cycles;
	unsigned int reads[RTC_NREGS]; /* how often each register was read */
	uint8_t order[256];	       /* the registers read, in order */
	unsigned int n;
};

static uint8_t g_read(struct guest *g, uint8_t reg)
{
	uint8_t v;

	vrtc_write(g->r, VRTC_PORT_INDEX, reg);
	g->tsc += g->access_cycles;
	v = vrtc_read(g->r, VRTC_PORT_DATA, g->tsc);
	g->tsc += g->access_cycles;
	g->reads[reg & 0x7f]++;
	if (g->n < sizeof(g->order))
		g->order[g->n++] = reg;
	return v;
}

static void g_write(struct guest *g, uint8_t reg, uint8_t val)
{
	vrtc_write(g->r, VRTC_PORT_INDEX, reg);
	g->tsc += g->access_cycles;
	vrtc_write(g->r, VRTC_PORT_DATA, val);
	g->tsc += g->access_cycles;
}

struct linux_time {
	uint8_t sec, min, hour, mday, mon, year, ctrl;
};

/*
 * mc146818_avoid_UIP() of 6.1.76+ (1000 ms for mach_get_cmos_time, polling
 * every 100 us; 6.1.0-6.1.75 tries 10 times, 1 ms apart; the sequence of
 * reads is the same). @t NULL: mc146818_does_rtc_work(), no callback. With
 * @t: mc146818_get_time()'s callback reads minutes, hours, day, month, year,
 * the century only if the FADT names one (ours does not) and register B.
 * Returns the number of passes it took, 0 if it gave up.
 */
static unsigned int linux_avoid_uip(struct guest *g, struct linux_time *t, unsigned int passes)
{
	for (unsigned int i = 0; i < passes; i++) {
		uint8_t sec = g_read(g, RTC_SECONDS);

		if (g_read(g, RTC_REG_A) & RTC_A_UIP) {
			g->tsc += 100 * (HZ / 1000000); /* udelay(100) */
			continue;
		}
		if (g_read(g, RTC_SECONDS) != sec)
			continue;
		if (t) {
			t->sec = sec;
			t->min = g_read(g, RTC_MINUTES);
			t->hour = g_read(g, RTC_HOURS);
			t->mday = g_read(g, RTC_DAY_OF_MONTH);
			t->mon = g_read(g, RTC_MONTH);
			t->year = g_read(g, RTC_YEAR);
			t->ctrl = g_read(g, RTC_REG_B);
		}
		if (g_read(g, RTC_REG_A) & RTC_A_UIP) {
			g->tsc += 100 * (HZ / 1000000);
			continue;
		}
		if (g_read(g, RTC_SECONDS) != sec)
			continue;
		return i + 1;
	}
	return 0;
}

static unsigned int linux_bcd2bin(uint8_t v)
{
	return (v & 0x0f) + (v >> 4) * 10; /* no digit check, as in Linux */
}

/* mach_get_cmos_time(): mc146818_get_time() then rtc_tm_to_time64(). Returns
 * the unix time Linux would set, 0 if "Unable to read current time from RTC". */
static int64_t linux_mach_get_cmos_time(struct guest *g, unsigned int *passes, struct tm *out)
{
	struct linux_time lt;
	struct tm tm = {0};
	unsigned int p = linux_avoid_uip(g, &lt, 10000);

	if (passes)
		*passes = p;
	if (!p)
		return 0;
	tm.tm_sec = lt.sec;
	tm.tm_min = lt.min;
	tm.tm_hour = lt.hour;
	tm.tm_mday = lt.mday;
	tm.tm_mon = lt.mon;
	tm.tm_year = lt.year;
	if (!(lt.ctrl & RTC_B_BINARY)) {
		tm.tm_sec = (int)linux_bcd2bin(lt.sec);
		tm.tm_min = (int)linux_bcd2bin(lt.min);
		tm.tm_hour = (int)linux_bcd2bin(lt.hour);
		tm.tm_mday = (int)linux_bcd2bin(lt.mday);
		tm.tm_mon = (int)linux_bcd2bin(lt.mon);
		tm.tm_year = (int)linux_bcd2bin(lt.year);
	}
	/* no century register: tm_year counts from 1900, two digits <= 69 are 20xx */
	if (tm.tm_year <= 69)
		tm.tm_year += 100;
	tm.tm_mon--;
	if (out)
		*out = tm;
	return (int64_t)timegm(&tm);
}

static void test_linux_boot_read(void **state)
{
	struct vrtc r;
	struct guest g = {.r = &r, .access_cycles = 3000};
	struct tm tm;
	unsigned int passes;
	static const uint8_t seq[] = {
		RTC_SECONDS, RTC_REG_A, RTC_SECONDS, RTC_MINUTES, RTC_HOURS,   RTC_DAY_OF_MONTH,
		RTC_MONTH,   RTC_YEAR,	RTC_REG_B,   RTC_REG_A,	  RTC_SECONDS,
	};

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	g.tsc = tsc_at(0, 1000);
	assert_int_equal(linux_mach_get_cmos_time(&g, &passes, &tm), T_2026);
	assert_int_equal(passes, 1);
	/* the fields as Linux holds them: 2026-11-24 12:34:56 */
	assert_int_equal(tm.tm_year, 126);
	assert_int_equal(tm.tm_mon, 10);
	assert_int_equal(tm.tm_mday, 24);
	assert_int_equal(tm.tm_hour, 12);
	assert_int_equal(tm.tm_min, 34);
	assert_int_equal(tm.tm_sec, 56);
	/* exactly this sequence, once: no register D, day of week or century */
	assert_int_equal(g.n, sizeof(seq));
	assert_memory_equal(g.order, seq, sizeof(seq));
	assert_int_equal(g.reads[RTC_REG_D], 0);
	assert_int_equal(g.reads[RTC_DAY_OF_WEEK], 0);
	assert_int_equal(g.reads[RTC_CENTURY], 0);

	/* later: the clock has moved with the TSC */
	g.tsc = tsc_at(86400 * 40 + 5, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, &passes, NULL), T_2026 + 86400 * 40 + 5);
	assert_int_equal(passes, 1);

	/* 1999 and 2000 come out right without the century register */
	vrtc_init(&r, T_1999_END, BASE_TSC, HZ);
	g.tsc = tsc_at(0, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, NULL, NULL), T_1999_END);
	g.tsc = tsc_at(1, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, NULL, NULL), T_1999_END + 1);
}

/* A second ends in the middle of the read: Linux sees the seconds change,
 * reads again, and gets the new second whole. At every offset around it. */
static void test_linux_read_across_second(void **state)
{
	unsigned int retried = 0;

	(void)state;
	for (int64_t off = -40000; off <= 40000; off += 1000) {
		struct vrtc r;
		struct guest g = {.r = &r, .access_cycles = 3000};
		unsigned int passes;
		int64_t got;

		vrtc_init(&r, T_1999_END, BASE_TSC, HZ);
		g.tsc = (uint64_t)((int64_t)tsc_at(1, 0) + off);
		got = linux_mach_get_cmos_time(&g, &passes, NULL);
		/* whichever second it settles on, it is the one of its last read */
		assert_true(passes >= 1 && passes <= 2);
		assert_int_equal(got, vrtc_now(&r, g.tsc - g.access_cycles));
		assert_true(got == T_1999_END || got == T_1999_END + 1);
		retried += passes == 2;
	}
	assert_true(retried > 0); /* the retry path was taken */
}

/* rtc-cmos probe (when the DSDT has a PNP0B00 device or the platform device
 * is registered), then what the driver and hwclock do with it. */
static void test_linux_rtc_cmos(void **state)
{
	struct vrtc r;
	struct guest g = {.r = &r, .access_cycles = 3000};
	uint8_t ctrl;

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	g.tsc = tsc_at(0, 0);
	/* mc146818_does_rtc_work(): the same pass, no callback */
	assert_int_equal(linux_avoid_uip(&g, NULL, 10000), 1);
	/* force the 1024 Hz periodic rate; it already is */
	g_write(&g, RTC_REG_A, 0x26);
	assert_int_equal(g_read(&g, RTC_REG_A), 0x26);
	/* cmos_irq_disable(): read B, clear PIE/AIE/UIE, read C */
	ctrl = g_read(&g, RTC_REG_B);
	g_write(&g, RTC_REG_B, ctrl & ~0x70);
	assert_int_equal(g_read(&g, RTC_REG_C), 0);
	/* "only 24-hr supported" */
	assert_true(g_read(&g, RTC_REG_B) & RTC_B_24H);

	/* cmos_read_alarm(): within the UIP-free window, alarms and B */
	assert_int_equal(g_read(&g, RTC_SECONDS_ALARM), 0);
	assert_int_equal(g_read(&g, RTC_MINUTES_ALARM), 0);
	assert_int_equal(g_read(&g, RTC_HOURS_ALARM), 0);

	/* mc146818_set_time() (NTP's 11-minute sync, hwclock -w): SET in B,
	 * divider reset in A, the time, then A and B back. All dropped. */
	ctrl = g_read(&g, RTC_REG_B);
	g_write(&g, RTC_REG_B, ctrl | RTC_B_SET);
	g_write(&g, RTC_REG_A, g_read(&g, RTC_REG_A) | 0x70);
	g_write(&g, RTC_YEAR, 0x01);
	g_write(&g, RTC_MONTH, 0x02);
	g_write(&g, RTC_DAY_OF_MONTH, 0x03);
	g_write(&g, RTC_HOURS, 0x04);
	g_write(&g, RTC_MINUTES, 0x05);
	g_write(&g, RTC_SECONDS, 0x06);
	g_write(&g, RTC_REG_B, ctrl);
	g_write(&g, RTC_REG_A, 0x26);
	g.tsc = tsc_at(60, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, NULL, NULL), T_2026 + 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_time_advances),
		cmocka_unit_test(test_long_run),
		cmocka_unit_test(test_tsc_edges),
		cmocka_unit_test(test_decode_of_model),
		cmocka_unit_test(test_hostile_writes),
		cmocka_unit_test(test_uip_never_set),
		cmocka_unit_test(test_linux_boot_read),
		cmocka_unit_test(test_linux_read_across_second),
		cmocka_unit_test(test_linux_rtc_cmos),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
