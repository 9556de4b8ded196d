// SPDX-License-Identifier: MIT
/* The guest's PIT channel 2 and port 0x61. The Linux tests replay what Linux
 * 6.1's quick_pit_calibrate() and pit_calibrate_tsc() do, port by port. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hv/platform/vpit.h"

#define K	 10ull /* TSC cycles per PIT tick in most tests */
#define HZ	 (VPIT_HZ * K)
#define T0	 1000000ull
#define SPKR_OUT 0x20

static uint64_t at(uint64_t ticks)
{
	return T0 + ticks * K;
}

/* Gate on, speaker off, as Linux sets it: read-modify-write of port 0x61. */
static void gate_on(struct vpit *p, uint64_t tsc)
{
	uint8_t v = vpit_read(p, VPIT_PORT_SPKR, tsc);

	vpit_write(p, VPIT_PORT_SPKR, (uint8_t)((v & ~0x02) | 0x01), tsc);
}

static void load(struct vpit *p, uint8_t ctrl, uint16_t n, uint64_t tsc)
{
	vpit_write(p, VPIT_PORT_CTRL, ctrl, tsc);
	vpit_write(p, VPIT_PORT_CH2, (uint8_t)n, tsc);
	vpit_write(p, VPIT_PORT_CH2, (uint8_t)(n >> 8), tsc);
}

static uint16_t read16(struct vpit *p, uint64_t tsc)
{
	uint8_t lo = vpit_read(p, VPIT_PORT_CH2, tsc);

	return (uint16_t)(lo | vpit_read(p, VPIT_PORT_CH2, tsc) << 8);
}

/* quick_pit_calibrate(): mode 0 from 0xffff, the MSB read (after a discarded
 * LSB) must fall by one every 256 ticks: before this model the port read all
 * ones for ever and Linux polled it 100,000 times. */
static void test_linux_quick_calibrate(void **state)
{
	struct vpit p;

	(void)state;
	vpit_init(&p, HZ);
	gate_on(&p, T0);
	load(&p, 0xb0, 0xffff, T0);
	for (unsigned int i = 0; i < 200; i++) {
		uint64_t t = at(i * 256ull + 100);

		vpit_read(&p, VPIT_PORT_CH2, t); /* the LSB, ignored */
		assert_int_equal(vpit_read(&p, VPIT_PORT_CH2, t), 0xff - i);
	}
}

/* pit_calibrate_tsc(): mode 0 with a count, then wait for OUT2 in 0x61. */
static void test_linux_out2_wait(void **state)
{
	struct vpit p;

	(void)state;
	vpit_init(&p, HZ);
	gate_on(&p, T0);
	load(&p, 0xb0, 11931, T0); /* 10 ms */
	assert_false(vpit_read(&p, VPIT_PORT_SPKR, at(11930)) & SPKR_OUT);
	assert_true(vpit_read(&p, VPIT_PORT_SPKR, at(11931)) & SPKR_OUT);
	assert_true(vpit_read(&p, VPIT_PORT_SPKR, at(50000)) & SPKR_OUT);
	assert_int_equal(vpit_read(&p, VPIT_PORT_SPKR, at(1)) & 3, 1); /* gate on, speaker off */
}

/* Mode 0 runs on through 0 from 0xffff; a count of 0 is 65536. */
static void test_mode0_wraps(void **state)
{
	struct vpit p;

	(void)state;
	vpit_init(&p, HZ);
	gate_on(&p, T0);
	load(&p, 0xb0, 5, T0);
	assert_int_equal(read16(&p, at(0)), 5);
	assert_int_equal(read16(&p, at(5)), 0);
	assert_int_equal(read16(&p, at(6)), 0xffff);
	load(&p, 0xb0, 0, at(10));
	assert_int_equal(read16(&p, at(10)), 0);
	assert_int_equal(read16(&p, at(11)), 0xffff);
	assert_false(vpit_read(&p, VPIT_PORT_SPKR, at(10 + 65535)) & SPKR_OUT);
	assert_true(vpit_read(&p, VPIT_PORT_SPKR, at(10 + 65536)) & SPKR_OUT);
}

/* The gate stops the count and lets it go on; mode 2 restarts from N. */
static void test_gate(void **state)
{
	struct vpit p;

	(void)state;
	vpit_init(&p, HZ);
	load(&p, 0xb0, 1000, T0); /* gate still low: no counting */
	assert_int_equal(read16(&p, at(500)), 1000);
	gate_on(&p, at(500));
	assert_int_equal(read16(&p, at(600)), 900);
	vpit_write(&p, VPIT_PORT_SPKR, 0, at(600));
	assert_int_equal(read16(&p, at(5000)), 900);
	vpit_write(&p, VPIT_PORT_SPKR, 1, at(5000));
	assert_int_equal(read16(&p, at(5100)), 800);

	load(&p, 0xb4, 100, at(6000)); /* mode 2 */
	assert_int_equal(read16(&p, at(6030)), 70);
	vpit_write(&p, VPIT_PORT_SPKR, 0, at(6030));
	vpit_write(&p, VPIT_PORT_SPKR, 1, at(7000));
	assert_int_equal(read16(&p, at(7010)), 90);
}

static void test_mode2_mode3(void **state)
{
	struct vpit p;

	(void)state;
	vpit_init(&p, HZ);
	gate_on(&p, T0);
	load(&p, 0xb4, 10, T0); /* mode 2: 10..1, OUT low on the last tick */
	assert_int_equal(read16(&p, at(0)), 10);
	assert_int_equal(read16(&p, at(9)), 1);
	assert_int_equal(read16(&p, at(10)), 10);
	assert_false(vpit_read(&p, VPIT_PORT_SPKR, at(9)) & SPKR_OUT);
	assert_true(vpit_read(&p, VPIT_PORT_SPKR, at(8)) & SPKR_OUT);
	assert_true(vpit_read(&p, VPIT_PORT_SPKR, at(10)) & SPKR_OUT);

	load(&p, 0xb6, 10, at(100)); /* mode 3: down by two, OUT high half the time */
	assert_int_equal(read16(&p, at(100)), 10);
	assert_int_equal(read16(&p, at(102)), 6);
	assert_int_equal(read16(&p, at(105)), 10);
	assert_true(vpit_read(&p, VPIT_PORT_SPKR, at(104)) & SPKR_OUT);
	assert_false(vpit_read(&p, VPIT_PORT_SPKR, at(105)) & SPKR_OUT);
	assert_true(vpit_read(&p, VPIT_PORT_SPKR, at(110)) & SPKR_OUT);
	/* modes 6 and 7 are 2 and 3 */
	load(&p, 0xbc, 10, at(200));
	assert_int_equal(read16(&p, at(209)), 1);
}

/* A latched count holds until both its bytes are read; the live one moves. */
static void test_latch(void **state)
{
	struct vpit p;

	(void)state;
	vpit_init(&p, HZ);
	gate_on(&p, T0);
	load(&p, 0xb0, 0x1234, T0);
	vpit_write(&p, VPIT_PORT_CTRL, 0x80, at(0x34));	 /* latch at 0x1200 */
	vpit_write(&p, VPIT_PORT_CTRL, 0x80, at(0x100)); /* a second latch is ignored */
	assert_int_equal(vpit_read(&p, VPIT_PORT_CH2, at(0x200)), 0x00);
	assert_int_equal(vpit_read(&p, VPIT_PORT_CH2, at(0x300)), 0x12);
	assert_int_equal(read16(&p, at(0x234)), 0x1000);
}

/* Low-only and high-only access modes, for writes and reads. */
static void test_access_modes(void **state)
{
	struct vpit p;

	(void)state;
	vpit_init(&p, HZ);
	gate_on(&p, T0);
	vpit_write(&p, VPIT_PORT_CTRL, 0x90, T0); /* low byte only, mode 0 */
	vpit_write(&p, VPIT_PORT_CH2, 0x40, T0);
	assert_int_equal(vpit_read(&p, VPIT_PORT_CH2, at(0x10)), 0x30);
	assert_int_equal(vpit_read(&p, VPIT_PORT_CH2, at(0x11)), 0x2f);
	vpit_write(&p, VPIT_PORT_CTRL, 0xa0, at(0)); /* high byte only */
	vpit_write(&p, VPIT_PORT_CH2, 0x40, at(0));
	assert_int_equal(vpit_read(&p, VPIT_PORT_CH2, at(0x100)), 0x3f);
	assert_int_equal(vpit_read(&p, VPIT_PORT_CH2, at(0x101)), 0x3e);
}

/* What is not modelled: channels 0/1, read-back, other ports; the control
 * port reads all ones; no count written reads 0; a clock of 0 Hz stands. */
static void test_bad_input(void **state)
{
	struct vpit p, before;

	(void)state;
	vpit_init(&p, HZ);
	gate_on(&p, T0);
	load(&p, 0xb0, 100, T0);
	memcpy(&before, &p, sizeof(p));
	vpit_write(&p, VPIT_PORT_CTRL, 0x30, at(1)); /* channel 0 */
	vpit_write(&p, VPIT_PORT_CTRL, 0x70, at(1)); /* channel 1 */
	vpit_write(&p, VPIT_PORT_CTRL, 0xc2, at(1)); /* read-back */
	vpit_write(&p, 0x40, 0x12, at(1));
	assert_memory_equal(&p, &before, sizeof(p));
	assert_int_equal(vpit_read(&p, VPIT_PORT_CTRL, at(1)), 0xff);
	assert_int_equal(vpit_read(&p, 0x40, at(1)), 0xff);
	assert_true(vpit_port(0x42) && vpit_port(0x43) && vpit_port(0x61));
	assert_false(vpit_port(0x40) || vpit_port(0x41) || vpit_port(0x60));
	/* bits 7:6 (NMI reasons) never set, whatever is written */
	vpit_write(&p, VPIT_PORT_SPKR, 0xff, at(1));
	assert_int_equal(vpit_read(&p, VPIT_PORT_SPKR, at(2)) & 0xcf, 0x03);

	vpit_init(&p, HZ);
	assert_int_equal(read16(&p, T0), 0);
	vpit_write(&p, VPIT_PORT_CTRL, 0xb0, T0);
	vpit_write(&p, VPIT_PORT_CH2, 0x10, T0); /* half a count: still none */
	assert_int_equal(read16(&p, T0), 0);

	vpit_init(&p, 0);
	gate_on(&p, T0);
	load(&p, 0xb0, 100, T0);
	assert_int_equal(read16(&p, T0 + 1000000000ull), 100);
	assert_int_equal(vpit_read(&p, VPIT_PORT_SPKR, T0) & 0x10, 0);
}

/* A TSC far from the start neither overflows nor goes backwards; a TSC
 * before the start reads as the start. */
static void test_large_tsc(void **state)
{
	struct vpit p;
	uint64_t hz = 3000000000ull, t = 1ull << 62;

	(void)state;
	vpit_init(&p, hz);
	gate_on(&p, 1);
	load(&p, 0xb4, 1000, 1);
	/* 2^62 cycles at 3 GHz (about 49 years): the ticks, computed apart */
	{
		uint64_t d = t - 1, ticks = d / hz * VPIT_HZ + d % hz * VPIT_HZ / hz;

		assert_int_equal(read16(&p, t), 1000 - ticks % 1000);
	}
	assert_int_equal(read16(&p, 0), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_quick_calibrate),
		cmocka_unit_test(test_linux_out2_wait),
		cmocka_unit_test(test_mode0_wraps),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_mode2_mode3),
		cmocka_unit_test(test_latch),
		cmocka_unit_test(test_access_modes),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_large_tsc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
