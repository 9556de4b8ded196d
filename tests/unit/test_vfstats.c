// SPDX-License-Identifier: MIT
/* Per-VF traffic counters (drivers/igb/vfstats.c) against the fake register
 * file: the NIC's 32-bit mirrors widened, wraps, a VF's reset, bad VFs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "drivers/igb/igb.h"
#include "drivers/igb/igb_regs.h"
#include "fake_igb.h"

#define NVFS 3

static struct fake_igb hw;
static struct igb_pf pf;

static int setup(void **state)
{
	(void)state;
	fake_igb_init(&hw);
	memset(&pf, 0, sizeof(pf));
	fake_igb_attach(&hw, &pf);
	pf.num_vfs = NVFS;
	return 0;
}

static void set(unsigned int n, uint32_t rxp, uint32_t rxb, uint32_t txp, uint32_t txb, uint32_t mc)
{
	fake_igb_poke(&hw, IGB_PVFGPRC(n), rxp);
	fake_igb_poke(&hw, IGB_PVFGORC(n), rxb);
	fake_igb_poke(&hw, IGB_PVFGPTC(n), txp);
	fake_igb_poke(&hw, IGB_PVFGOTC(n), txb);
	fake_igb_poke(&hw, IGB_PVFMPRC(n), mc);
}

static const uint64_t *tot(unsigned int n)
{
	return pf.vf[n].stats.total;
}

/* Each counter lands in its own total, for its own VF only. */
static void test_counts_per_vf(void **state)
{
	(void)state;
	set(1, 10, 1000, 20, 2000, 3);
	set(2, 7, 700, 8, 800, 1);
	igb_vf_stats_update(&pf, 1);
	assert_int_equal(tot(1)[IGB_RX_PACKETS], 10);
	assert_int_equal(tot(1)[IGB_RX_BYTES], 1000);
	assert_int_equal(tot(1)[IGB_TX_PACKETS], 20);
	assert_int_equal(tot(1)[IGB_TX_BYTES], 2000);
	assert_int_equal(tot(1)[IGB_RX_MULTICAST], 3);
	assert_int_equal(tot(2)[IGB_RX_PACKETS], 0); /* not asked */
	set(1, 15, 1500, 20, 2000, 3);
	igb_vf_stats_update(&pf, 1);
	assert_int_equal(tot(1)[IGB_RX_PACKETS], 15);
	assert_int_equal(tot(1)[IGB_RX_BYTES], 1500);
	assert_int_equal(tot(1)[IGB_TX_PACKETS], 20);
}

/* Past 2^32 bytes the total goes on; a counter that wraps adds what it moved. */
static void test_wrap(void **state)
{
	(void)state;
	set(0, 0, 0xFFFFFF00u, 0, 0, 0);
	igb_vf_stats_update(&pf, 0);
	set(0, 0, 0x100, 0, 0, 0);
	igb_vf_stats_update(&pf, 0);
	assert_int_equal(tot(0)[IGB_RX_BYTES], 0x100000100ull);
	for (unsigned int i = 1; i <= 4; i++) {
		set(0, 0, 0x100 + i * 0x40000000u, 0, 0, 0); /* a quarter of 2^32 a time */
		igb_vf_stats_update(&pf, 0);
	}
	assert_int_equal(tot(0)[IGB_RX_BYTES], 0x200000100ull);
}

/* A VF's reset puts its counters back to 0: what they show after is new. */
static void test_vf_reset(void **state)
{
	(void)state;
	set(1, 5000, 500000, 4000, 400000, 9);
	igb_vf_stats_update(&pf, 1);
	set(1, 3, 300, 2, 200, 0);
	igb_vf_stats_update(&pf, 1);
	assert_int_equal(tot(1)[IGB_RX_PACKETS], 5003);
	assert_int_equal(tot(1)[IGB_RX_BYTES], 500300);
	assert_int_equal(tot(1)[IGB_TX_PACKETS], 4002);
	assert_int_equal(tot(1)[IGB_TX_BYTES], 400200);
	assert_int_equal(tot(1)[IGB_RX_MULTICAST], 9);
}

/* A VF past num_vfs: no register is touched, nothing changes. */
static void test_bad_vf(void **state)
{
	struct igb_pf before;

	(void)state;
	set(NVFS, 1, 2, 3, 4, 5);
	memcpy(&before, &pf, sizeof(pf));
	fake_igb_log_clear(&hw);
	igb_vf_stats_update(&pf, NVFS);
	igb_vf_stats_update(&pf, IGB_MAX_VFS);
	igb_vf_stats_update(&pf, ~0u);
	assert_int_equal(hw.nreads, 0);
	assert_memory_equal(&pf, &before, sizeof(pf));
	assert_int_equal(hw.bad_access, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_counts_per_vf, setup),
		cmocka_unit_test_setup(test_wrap, setup),
		cmocka_unit_test_setup(test_vf_reset, setup),
		cmocka_unit_test_setup(test_bad_vf, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
