// SPDX-License-Identifier: MIT
/*
 * Unit tests for the PF's own programming of the 82576 switch: what
 * igb_pf_init leaves in the registers (default pool, receive control, frame
 * limits, anti-spoofing) and what igb_vf_configure does with a VF's port
 * VLAN, priority and spoof checking. The NIC is fake_igb.c's register file.
 * QEMU's igb ignores DTXSWC's anti-spoof bits, so these tests are the only
 * proof of that programming.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "drivers/igb/igb_pf.h"
#include "drivers/igb/vfconf.h"
#include "drivers/timer/tsc.h"
#include "lib/printk.h"
#include "fake_igb.h"
#include "fake_printk.h"

#define NVFS 3

static struct fake_igb hw;
static struct igb_pf pf;

/* igb_pf_init waits with udelay; the fake answers at once. */
void udelay(uint64_t us)
{
	(void)us;
}

static int setup(void **state)
{
	(void)state;
	fake_igb_init(&hw);
	memset(&pf, 0, sizeof(pf));
	fake_igb_attach(&hw, &pf);
	strcpy(pf.name, "0000:01:00.0");
	fake_igb_poke(&hw, IGB_RAL(0), 0x12005452);
	fake_igb_poke(&hw, IGB_RAH(0), IGB_RAH_AV | 0x5634);
	fake_igb_poke(&hw, IGB_STATUS, IGB_STATUS_LU);
	printk_reset();
	assert_int_equal(igb_pf_init(&pf, NVFS), 0);
	fake_igb_log_clear(&hw);
	return 0;
}

static bool vfta_has(uint16_t vid)
{
	return fake_igb_peek(&hw, IGB_VFTA(vid >> 5)) & (1u << (vid & 31));
}

static unsigned int vfta_bits(void)
{
	unsigned int c = 0;

	for (unsigned int i = 0; i < IGB_VFTA_ENTRIES; i++)
		c += (unsigned int)__builtin_popcount(fake_igb_peek(&hw, IGB_VFTA(i)));
	return c;
}

/* The VLVF entry for @vid, or 0. */
static uint32_t vlvf_of(uint16_t vid)
{
	for (unsigned int i = 0; i < IGB_VLVF_ENTRIES; i++) {
		uint32_t v = fake_igb_peek(&hw, IGB_VLVF(i));

		if ((v & IGB_VLVF_VIEN) && (v & IGB_VLVF_VLANID_MASK) == vid)
			return v;
	}
	return 0;
}

/* Unicast that matches no VF goes to the PF's pool (the one after the VFs),
 * which receives nothing, instead of the first guest's. */
static void test_default_pool_is_pf(void **state)
{
	uint32_t vt = fake_igb_peek(&hw, IGB_VT_CTL);

	(void)state;
	assert_int_equal(vt & IGB_VT_CTL_DEFPL_MASK, IGB_VT_CTL_DEF_PL(NVFS));
	assert_int_equal(vt & IGB_VT_CTL_DIS_DEF_PL, 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VFRE) & (1u << NVFS), 0);
}

/* VLAN filtering on (untagged frames then need VMOLR.AUPE, which every VF
 * pool gets at its reset), and large frames allowed up to the biggest pool
 * limit: each pool's own VMOLR.RLPML decides. */
static void test_receive_control(void **state)
{
	uint32_t rctl = fake_igb_peek(&hw, IGB_RCTL);

	(void)state;
	assert_int_equal(rctl, IGB_RCTL_EN | IGB_RCTL_SECRC | IGB_RCTL_VFE | IGB_RCTL_LPE);
	assert_int_equal(fake_igb_peek(&hw, IGB_RLPML), IGB_VF_FRAME_MAX);
	igb_vf_enable(&pf, 0, true);
	assert_true(fake_igb_peek(&hw, IGB_VMOLR(0)) & IGB_VMOLR_AUPE);
	assert_true(fake_igb_peek(&hw, IGB_VMOLR(0)) & IGB_VMOLR_BAM);
	assert_int_equal(vfta_bits(), 0);
}

/* Stale VLAN filters from before the reset are gone. */
static void test_init_clears_vlan_tables(void **state)
{
	(void)state;
	fake_igb_poke(&hw, IGB_VFTA(3), 0xFFFFFFFF);
	fake_igb_poke(&hw, IGB_VLVF(5), IGB_VLVF_VIEN | 99 | IGB_VLVF_POOL(1));
	fake_igb_poke(&hw, IGB_VMVIR(2), IGB_VMVIR_DEFAULT | 7);
	assert_int_equal(igb_pf_init(&pf, NVFS), 0);
	assert_int_equal(vfta_bits(), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VLVF(5)), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VMVIR(2)), 0);
}

/* Spoof checking is on by default for every VF, and only for VFs. */
static void test_spoofchk_default(void **state)
{
	uint32_t want = IGB_DTXSWC_LOOPBACK;

	(void)state;
	for (unsigned int n = 0; n < NVFS; n++) {
		want |= IGB_DTXSWC_MAC_AS(n) | IGB_DTXSWC_VLAN_AS(n);
		assert_true(pf.vf[n].conf.spoofchk);
		assert_false(pf.vf[n].conf.trust);
		assert_int_equal(pf.vf[n].conf.vlan, 0);
	}
	assert_int_equal(fake_igb_peek(&hw, IGB_DTXSWC), want);
}

static void test_spoofchk_off(void **state)
{
	struct igb_vf_conf c;
	uint32_t before = fake_igb_peek(&hw, IGB_DTXSWC);

	(void)state;
	igb_vf_conf_default(&c);
	c.spoofchk = false;
	assert_int_equal(igb_vf_configure(&pf, 1, &c), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_DTXSWC),
			 before & ~(IGB_DTXSWC_MAC_AS(1) | IGB_DTXSWC_VLAN_AS(1)));
	c.spoofchk = true;
	assert_int_equal(igb_vf_configure(&pf, 1, &c), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_DTXSWC), before);
}

/* A port VLAN: the tag (with its priority) inserted on transmit, stripped
 * on receive, and only that VLAN's frames received (no untagged ones). */
static void test_port_vlan(void **state)
{
	struct igb_vf_conf c;
	uint32_t vmolr;

	(void)state;
	igb_vf_enable(&pf, 1, true);
	igb_vf_conf_default(&c);
	c.vlan = 100;
	c.qos = 5;
	assert_int_equal(igb_vf_configure(&pf, 1, &c), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VMVIR(1)), IGB_VMVIR_DEFAULT | 100 | 5u << 13);
	assert_int_equal(vlvf_of(100), IGB_VLVF_VIEN | 100 | IGB_VLVF_POOL(1));
	assert_true(vfta_has(100));
	assert_int_equal(vfta_bits(), 1);
	vmolr = fake_igb_peek(&hw, IGB_VMOLR(1));
	assert_true(vmolr & IGB_VMOLR_STRVLAN);
	assert_true(vmolr & IGB_VMOLR_BAM);
	assert_false(vmolr & IGB_VMOLR_AUPE);
	assert_true(fake_igb_peek(&hw, IGB_RPLOLR) & IGB_RPLOLR_STRVLAN);
	/* Its reset handshake keeps it that way. */
	igb_vf_enable(&pf, 1, false);
	igb_vf_enable(&pf, 1, true);
	assert_false(fake_igb_peek(&hw, IGB_VMOLR(1)) & IGB_VMOLR_AUPE);
	/* Others are untouched. */
	assert_int_equal(fake_igb_peek(&hw, IGB_VMVIR(0)), 0);
	assert_false(fake_igb_peek(&hw, IGB_VMOLR(0)) & IGB_VMOLR_STRVLAN);

	/* Another VLAN: the old one's filter goes. */
	c.vlan = 4094;
	c.qos = 0;
	assert_int_equal(igb_vf_configure(&pf, 1, &c), 0);
	assert_int_equal(vlvf_of(100), 0);
	assert_false(vfta_has(100));
	assert_true(vfta_has(4094));
	assert_int_equal(fake_igb_peek(&hw, IGB_VMVIR(1)), IGB_VMVIR_DEFAULT | 4094);

	/* None: untagged again. */
	c.vlan = 0;
	assert_int_equal(igb_vf_configure(&pf, 1, &c), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VMVIR(1)), 0);
	assert_int_equal(vfta_bits(), 0);
	vmolr = fake_igb_peek(&hw, IGB_VMOLR(1));
	assert_false(vmolr & IGB_VMOLR_STRVLAN);
	assert_true(vmolr & IGB_VMOLR_AUPE);
	assert_false(fake_igb_peek(&hw, IGB_RPLOLR) & IGB_RPLOLR_STRVLAN);
}

/* Two VFs on one port VLAN share its filter entry. */
static void test_port_vlan_shared(void **state)
{
	struct igb_vf_conf c;

	(void)state;
	igb_vf_conf_default(&c);
	c.vlan = 7;
	assert_int_equal(igb_vf_configure(&pf, 0, &c), 0);
	assert_int_equal(igb_vf_configure(&pf, 2, &c), 0);
	assert_int_equal(vlvf_of(7), IGB_VLVF_VIEN | 7 | IGB_VLVF_POOL(0) | IGB_VLVF_POOL(2));
	c.vlan = 0;
	assert_int_equal(igb_vf_configure(&pf, 0, &c), 0);
	assert_int_equal(vlvf_of(7), IGB_VLVF_VIEN | 7 | IGB_VLVF_POOL(2));
	assert_true(vfta_has(7));
	assert_true(fake_igb_peek(&hw, IGB_RPLOLR) & IGB_RPLOLR_STRVLAN);
}

/* Link down: the pool neither receives nor transmits, even once the VF is
 * on; back to auto (or up, the same on this NIC), it does again. */
static void test_link_down(void **state)
{
	struct igb_vf_conf c;

	(void)state;
	igb_vf_enable(&pf, 1, true);
	igb_vf_conf_default(&c);
	c.link = IGB_LINK_DOWN;
	assert_int_equal(igb_vf_configure(&pf, 1, &c), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VFRE) & 2, 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VFTE) & 2, 0);
	assert_true(fake_igb_peek(&hw, IGB_VMOLR(1)) & IGB_VMOLR_BAM);
	igb_vf_enable(&pf, 1, true); /* its next reset handshake */
	assert_int_equal(fake_igb_peek(&hw, IGB_VFRE) & 2, 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VFTE) & 2, 0);
	c.link = IGB_LINK_UP;
	assert_int_equal(igb_vf_configure(&pf, 1, &c), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VFRE) & 2, 2);
	assert_int_equal(fake_igb_peek(&hw, IGB_VFTE) & 2, 2);
	/* A VF that is off stays off whatever its link. */
	c.link = IGB_LINK_AUTO;
	assert_int_equal(igb_vf_configure(&pf, 2, &c), 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VFRE) & 4, 0);
}

static void test_configure_bad(void **state)
{
	struct igb_vf_conf c;

	(void)state;
	igb_vf_conf_default(&c);
	assert_int_equal(igb_vf_configure(&pf, NVFS, &c), -EINVAL);
	assert_int_equal(igb_vf_configure(&pf, 100, &c), -EINVAL);
	c.vlan = 4095;
	assert_int_equal(igb_vf_configure(&pf, 0, &c), -EINVAL);
	c.vlan = 5;
	c.qos = 8;
	assert_int_equal(igb_vf_configure(&pf, 0, &c), -EINVAL);
	c.qos = 0;
	c.link = IGB_LINK_DOWN + 1;
	assert_int_equal(igb_vf_configure(&pf, 0, &c), -EINVAL);
	assert_int_equal(hw.nwrites, 0);
	assert_int_equal(pf.vf[0].conf.vlan, 0);
}

/* No free VLVF entry: refused, and nothing changed. */
static void test_port_vlan_table_full(void **state)
{
	struct igb_vf_conf c;

	(void)state;
	for (unsigned int i = 0; i < IGB_VLVF_ENTRIES; i++)
		fake_igb_poke(&hw, IGB_VLVF(i), IGB_VLVF_VIEN | (1000 + i) | IGB_VLVF_POOL(7));
	igb_vf_conf_default(&c);
	c.vlan = 5;
	assert_int_equal(igb_vf_configure(&pf, 0, &c), -ENOSPC);
	assert_int_equal(pf.vf[0].conf.vlan, 0);
	assert_int_equal(fake_igb_peek(&hw, IGB_VMVIR(0)), 0);
	assert_false(vfta_has(5));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_default_pool_is_pf),
		T(test_receive_control),
		T(test_init_clears_vlan_tables),
		T(test_spoofchk_default),
		T(test_spoofchk_off),
		T(test_port_vlan),
		T(test_port_vlan_shared),
		T(test_link_down),
		T(test_configure_bad),
		T(test_port_vlan_table_full),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
