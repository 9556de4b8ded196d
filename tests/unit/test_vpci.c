// SPDX-License-Identifier: MIT
/* Virtual PCI configuration space. The "real VF" is a 4 KiB image laid out as
 * QEMU's igb VF (MSI-X 0x70, PCIe 0xA0, AER 0x100); its callbacks log every
 * access and the bar_map callback keeps its own model of what is mapped, so
 * every test (and the fuzz) checks the invariants on each call: no mapping
 * outside the window, no two mapped BARs overlapping, no unmap of something
 * not mapped, and the real VF touched only at Command after creation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/platform/vpci.h"

#define WIN_BASE 0xC0000000ull
#define WIN_SIZE 0x10000000ull /* 256 MiB */
#define K16	 0x4000ull
#define VF_DEVFN PCI_DEVFN(1, 0)
#define VF_MSIX	 0x70
#define VF_PCIE	 0xA0

/* ---- the fake real VF and the callbacks ------------------------------------- */

enum ev_kind { EV_MAP, EV_UNMAP, EV_MSIX, EV_FLR, EV_VFW };
struct ev {
	enum ev_kind kind;
	unsigned int bar;
	uint64_t gpa, size;
	bool enable, masked;
	uint32_t val;
};

#define EV_MAX 64
static struct {
	uint8_t cfg[4096];
	bool live;	/* creation is over: only Command/Status/DevSta may be read */
	int map_fail;	/* bar_map(enable) returns this */
	bool mapped[6]; /* the model of what the hypervisor has mapped */
	uint64_t gpa[6], size[6];
	struct ev ev[EV_MAX];
	unsigned int nev, maps, unmaps, vf_writes, flrs;
	bool msix_en, msix_mask;
	unsigned int refusals; /* bar_refused calls, and the last one's arguments */
	unsigned int r_bar;
	uint64_t r_addr, r_size;
	int r_why;
} F;

static void ev_add(struct ev e)
{
	if (F.nev < EV_MAX)
		F.ev[F.nev] = e;
	F.nev++;
}

static uint32_t get(unsigned int off, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)F.cfg[off + i] << (8 * i);
	return v;
}

static void put(unsigned int off, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size; i++)
		F.cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t cb_vf_read(void *ctx, unsigned int reg, unsigned int size)
{
	assert_ptr_equal(ctx, &F);
	assert_true(size == 1 || size == 2 || size == 4);
	assert_int_equal(reg % size, 0);
	assert_true(reg + size <= 4096);
	if (F.live)
		assert_true((reg == PCI_COMMAND || reg == PCI_STATUS || reg == VF_PCIE + 0x0A) &&
			    size == 2);
	return get(reg, size);
}

static void cb_vf_write(void *ctx, unsigned int reg, unsigned int size, uint32_t val)
{
	assert_ptr_equal(ctx, &F);
	/* The one register the guest's view is forwarded to. */
	assert_int_equal(reg, PCI_COMMAND);
	assert_int_equal(size, 2);
	put(reg, 2, val);
	F.vf_writes++;
	ev_add((struct ev){.kind = EV_VFW, .val = val});
}

static int cb_bar_map(void *ctx, unsigned int bar, uint64_t gpa, uint64_t size, bool enable)
{
	assert_ptr_equal(ctx, &F);
	assert_true(bar < 6);
	if (enable) {
		assert_false(F.mapped[bar]);
		assert_true(size >= VPCI_BAR_MIN && !(size & (size - 1)));
		assert_int_equal(gpa & (size - 1), 0);
		assert_true(gpa >= WIN_BASE && gpa + size <= WIN_BASE + WIN_SIZE);
		for (int j = 0; j < 6; j++)
			if (F.mapped[j])
				assert_true(gpa + size <= F.gpa[j] || F.gpa[j] + F.size[j] <= gpa);
		ev_add((struct ev){.kind = EV_MAP, .bar = bar, .gpa = gpa, .size = size});
		if (F.map_fail)
			return F.map_fail;
		F.mapped[bar] = true;
		F.gpa[bar] = gpa;
		F.size[bar] = size;
		F.maps++;
	} else {
		assert_true(F.mapped[bar]);
		assert_int_equal(F.gpa[bar], gpa);
		assert_int_equal(F.size[bar], size);
		F.mapped[bar] = false;
		F.unmaps++;
		ev_add((struct ev){.kind = EV_UNMAP, .bar = bar, .gpa = gpa, .size = size});
	}
	return 0;
}

static void cb_vf_flr(void *ctx)
{
	assert_ptr_equal(ctx, &F);
	/* Everything is torn down before the real reset. */
	for (int i = 0; i < 6; i++)
		assert_false(F.mapped[i]);
	assert_false(F.msix_en || F.msix_mask);
	put(PCI_COMMAND, 2, 0); /* what an FLR does to the real function */
	F.flrs++;
	ev_add((struct ev){.kind = EV_FLR});
}

static void cb_msix_ctrl(void *ctx, bool enable, bool masked)
{
	assert_ptr_equal(ctx, &F);
	assert_true(enable != F.msix_en || masked != F.msix_mask); /* only changes */
	F.msix_en = enable;
	F.msix_mask = masked;
	ev_add((struct ev){.kind = EV_MSIX, .enable = enable, .masked = masked});
}

static void cb_bar_refused(void *ctx, unsigned int bar, uint64_t addr, uint64_t size, int why)
{
	assert_ptr_equal(ctx, &F);
	assert_true(why == VPCI_BAR_OUTSIDE || why == VPCI_BAR_OVERLAP);
	assert_false(F.mapped[bar]); /* reported only while it is not mapped */
	F.refusals++;
	F.r_bar = bar, F.r_addr = addr, F.r_size = size, F.r_why = why;
}

static const struct vpci_ops ops = {
	.vf_read = cb_vf_read,
	.vf_write = cb_vf_write,
	.bar_map = cb_bar_map,
	.vf_flr = cb_vf_flr,
	.msix_ctrl = cb_msix_ctrl,
};

/* QEMU's igb VF: IDs read all ones, MSI-X 3 vectors in BAR3 (PBA +0x2000),
 * PCIe endpoint with FLR, AER and ARI in extended space. */
static void fake_igbvf(void)
{
	memset(&F, 0, sizeof(F));
	put(0x00, 4, 0xFFFFFFFF);
	put(PCI_COMMAND, 2, 0x0106); /* firmware/sriov left MEM|MASTER, and SERR */
	put(PCI_STATUS, 2, PCI_STATUS_CAPS);
	put(PCI_CLASS_REV, 4, 0x02000001);
	put(0x2C, 4, 0xA01C8086);
	put(PCI_CAP_PTR, 1, VF_MSIX);
	put(VF_MSIX, 2, (uint32_t)VF_PCIE << 8 | PCI_CAP_MSIX);
	put(VF_MSIX + 2, 2, 2); /* 3 vectors */
	put(VF_MSIX + 4, 4, 0x0000 | 3);
	put(VF_MSIX + 8, 4, 0x2000 | 3);
	put(VF_PCIE, 2, PCI_CAP_PCIE);
	put(VF_PCIE + 2, 2, 0x0002);	    /* v2 endpoint */
	put(VF_PCIE + 4, 4, 0x10008FC2);    /* FLR, RBER, latencies, MPSS 512 */
	put(VF_PCIE + 8, 2, 0x2810);	    /* MRRS 512, no snoop, RO */
	put(VF_PCIE + 0x0C, 4, 0x00000411); /* a link the guest must not see */
	put(0x100, 4, 0x15010001);	    /* AER, next ARI */
	put(0x150, 4, 0x0001000E);
}

static struct vpci_cfg igb_cfg(void)
{
	struct vpci_cfg c = {
		.ops = &ops,
		.ctx = &F,
		.vendor = 0x8086,
		.device = 0x10CA,
		.win_base = WIN_BASE,
		.win_size = WIN_SIZE,
	};

	c.bar[0] = (struct pci_bar){.size = K16, .flags = PCI_BAR_MEM64 | PCI_BAR_PREFETCH};
	c.bar[3] = (struct pci_bar){.size = K16, .flags = PCI_BAR_MEM64 | PCI_BAR_PREFETCH};
	return c;
}

static struct vpci V;
static struct vbus B; /* V on its bus, as a guest finds it */

static void setup_cfg(const struct vpci_cfg *c)
{
	fake_igbvf();
	assert_int_equal(vpci_init(&V, c), 0);
	vbus_init(&B);
	assert_int_equal(vbus_add(&B, &V.fn), 0);
	F.live = true;
	F.nev = 0;
}

static void setup(void)
{
	struct vpci_cfg c = igb_cfg();

	setup_cfg(&c);
}

/* ECAM helpers on bus 0. */
static uint64_t eo(unsigned int devfn, unsigned int reg)
{
	return (uint64_t)devfn << 12 | reg;
}

static uint32_t rd(unsigned int reg, unsigned int size)
{
	return vbus_ecam_read(&B, eo(VF_DEVFN, reg), size);
}

static void wr(unsigned int reg, unsigned int size, uint32_t val)
{
	vbus_ecam_write(&B, eo(VF_DEVFN, reg), size, val);
}

static unsigned int mapped_count(void)
{
	unsigned int n = 0;

	for (int i = 0; i < 6; i++)
		n += F.mapped[i];
	return n;
}

/* ---- creation --------------------------------------------------------------- */

static void test_init_rejects(void **state)
{
	struct vpci_ops no_flr = ops;
	struct vpci_cfg c;

	(void)state;
#define REJECT(err, ...)                                            \
	do {                                                        \
		fake_igbvf();                                       \
		c = igb_cfg();                                      \
		__VA_ARGS__;                                        \
		assert_int_equal(vpci_init(&V, &c), err);           \
		assert_int_equal(F.vf_writes + F.maps + F.flrs, 0); \
	} while (0)
	REJECT(-EINVAL, c.ops = NULL);
	no_flr.vf_flr = NULL;
	REJECT(-EINVAL, c.ops = &no_flr);
	REJECT(-EINVAL, c.vendor = 0xFFFF);
	REJECT(-EINVAL, c.vendor = 0);
	REJECT(-EINVAL, c.vf_devfn = PCI_DEVFN(2, 1)); /* not function 0 */
	REJECT(-EINVAL, c.vf_devfn = PCI_DEVFN(0, 3));
	REJECT(-EINVAL, c.win_base = 0);
	REJECT(-EINVAL, c.win_size = 0);
	REJECT(-EINVAL, c.win_base = ~0ull - 0xFFF; c.win_size = 0x1000); /* wraps to 0 */
	REJECT(-EINVAL, c.bar[1].size = K16);				  /* upper half of BAR0 */
	REJECT(-EINVAL, c.bar[1].flags = PCI_BAR_PREFETCH);		  /* ditto */
	REJECT(-EINVAL, c.bar[5] = (struct pci_bar){.size = K16, .flags = PCI_BAR_MEM64});
	REJECT(-EINVAL, c.bar[2] = (struct pci_bar){.size = 32, .flags = PCI_BAR_IO});
	REJECT(-EINVAL, c.bar[2].size = 0x3000);		/* not a power of two */
	REJECT(-EINVAL, c.bar[2].size = 0x800);			/* below a page */
	REJECT(-EINVAL, c.bar[2].size = 1ull << 32);		/* 32-bit BAR of 4 GiB */
	REJECT(-EINVAL, c.bar[2].flags = PCI_BAR_PREFETCH);	/* flags, no size */
	REJECT(-EINVAL, c.bar[3].size = 0; c.bar[3].flags = 0); /* MSI-X BAR missing */
	REJECT(-EINVAL, put(VF_MSIX + 4, 4, 0x4000 | 3));	/* table past BAR3 */
	REJECT(-EINVAL, put(VF_MSIX + 8, 4, 0x3FFC | 3));	/* PBA straddles the end */
	REJECT(-EINVAL, put(VF_MSIX + 4, 4, 0 | 4));		/* BAR4: BAR3's upper half */
	REJECT(-EINVAL, put(VF_MSIX + 4, 4, 0 | 7));		/* reserved BIR */
	REJECT(-EIO, put(PCI_CLASS_REV, 4, 0xFFFFFFFF));	/* the VF is not there */
	REJECT(-ENODEV, put(VF_PCIE + 1, 1, 0); put(PCI_CAP_PTR, 1, VF_PCIE));
	REJECT(-ENODEV, put(PCI_STATUS, 2, 0));
	REJECT(-ENODEV, put(VF_MSIX + 1, 1, VF_MSIX); put(VF_MSIX, 1, 0x09)); /* loops, no MSI-X */
#undef REJECT
}

static void test_init_forwards_command(void **state)
{
	struct vpci_cfg c = igb_cfg();

	(void)state;
	fake_igbvf();
	assert_int_equal(vpci_init(&V, &c), 0);
	/* MEM|MASTER cleared, SERR (not ours) kept. */
	assert_int_equal(get(PCI_COMMAND, 2), 0x0100);
	assert_int_equal(F.vf_writes, 1);
	assert_int_equal(F.maps, 0);
	assert_int_equal(V.fn.devfn, VPCI_VF_DEVFN);
}

static void test_vf_without_pcie_cap(void **state)
{
	struct vpci_cfg c = igb_cfg();

	(void)state;
	fake_igbvf();
	put(VF_MSIX + 1, 1, 0);
	assert_int_equal(vpci_init(&V, &c), 0);
	vbus_init(&B);
	assert_int_equal(vbus_add(&B, &V.fn), 0);
	F.live = true;
	/* FLR is still offered: the callback does the reset its own way. */
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCAP, 4), 1u << 28);
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCTL, 4), 0);
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL, 2, 0x8000);
	assert_int_equal(F.flrs, 1);
}

/* ---- what the guest reads ----------------------------------------------------- */

static void test_vf_header(void **state)
{
	(void)state;
	setup();
	assert_int_equal(rd(0x00, 4), 0x10CA8086); /* not the VF's 0xFFFF */
	assert_int_equal(rd(0x00, 2), 0x8086);
	assert_int_equal(rd(0x02, 2), 0x10CA);
	assert_int_equal(rd(0x01, 1), 0x80);
	assert_int_equal(rd(PCI_COMMAND, 2), PCI_CMD_INTX_OFF);
	assert_int_equal(rd(PCI_STATUS, 2), PCI_STATUS_CAPS);
	assert_int_equal(rd(PCI_CLASS_REV, 4), 0x02000001);
	assert_int_equal(rd(PCI_HEADER_TYPE, 1), 0);
	assert_int_equal(rd(0x0C, 4), 0);
	assert_int_equal(rd(0x2C, 4), 0xA01C8086);
	assert_int_equal(rd(0x30, 4), 0); /* no ROM */
	assert_int_equal(rd(PCI_CAP_PTR, 1), VPCI_CAP_MSIX);
	assert_int_equal(rd(0x3C, 4), 0); /* no INTx pin */
	assert_int_equal(rd(0x10, 4), 0x0C);
	assert_int_equal(rd(0x14, 4), 0);
	assert_int_equal(rd(0x18, 4), 0);
	assert_int_equal(rd(0x1C, 4), 0x0C);
	assert_int_equal(rd(0x20, 4), 0);
	assert_int_equal(rd(0x24, 4), 0);
	/* MSI-X: the real table size, BIRs and offsets. */
	assert_int_equal(rd(VPCI_CAP_MSIX, 4), 0x0002 << 16 | VPCI_CAP_PCIE << 8 | 0x11);
	assert_int_equal(rd(VPCI_CAP_MSIX + 4, 4), 3);
	assert_int_equal(rd(VPCI_CAP_MSIX + 8, 4), 0x2003);
	/* PCIe: v2 RCiEP, FLR, DevCtl as the VF had it. */
	assert_int_equal(rd(VPCI_CAP_PCIE, 4), 0x0092 << 16 | 0x10);
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCAP, 4), 0x10008FC2);
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCTL, 2), 0x2810);
	for (unsigned int r = VPCI_CAP_PCIE + 0x0C; r < 0x100; r += 4)
		assert_int_equal(rd(r, 4), 0); /* no link, DevCap2 0 */
	for (unsigned int r = 0x100; r < 0x1000; r += 4)
		assert_int_equal(rd(r, 4), 0); /* the real AER/ARI stay hidden */
	assert_int_equal(F.nev, 0);
}

static void test_status_and_devsta_live(void **state)
{
	(void)state;
	setup();
	put(PCI_STATUS, 2, 0xF918); /* errors + INTx status + caps */
	assert_int_equal(rd(PCI_STATUS, 2), 0xF910);
	put(PCI_STATUS, 2, 0);
	assert_int_equal(rd(PCI_STATUS, 2), PCI_STATUS_CAPS);
	put(VF_PCIE + 0x0A, 2, 0x003F);
	assert_int_equal(rd(VPCI_CAP_PCIE + 0x0A, 2), 0x002F);
	/* W1C writes go nowhere. */
	put(PCI_STATUS, 2, 0x8000);
	wr(PCI_STATUS, 2, 0xFFFF);
	wr(VPCI_CAP_PCIE + 0x0A, 2, 0xFFFF);
	assert_int_equal(get(PCI_STATUS, 2), 0x8000);
	assert_int_equal(F.nev, 0);
}

static void test_host_bridge(void **state)
{
	uint32_t before[1024];

	(void)state;
	setup();
	assert_int_equal(vbus_ecam_read(&B, 0, 4), 0x29C08086);
	assert_int_equal(vbus_ecam_read(&B, 0x08, 4), 0x06000000);
	assert_int_equal(vbus_ecam_read(&B, 0x0A, 2), 0x0600);
	assert_int_equal(vbus_ecam_read(&B, 0x0E, 1), 0);
	assert_int_equal(vbus_ecam_read(&B, 0x06, 2), 0); /* no capabilities */
	for (unsigned int r = 0; r < 0x1000; r += 4)
		before[r / 4] = vbus_ecam_read(&B, r, 4);
	/* Sizing and every other write: nothing sticks, nothing is called. */
	for (unsigned int r = 0; r < 0x1000; r++)
		for (unsigned int s = 1; s <= 4; s <<= 1) {
			vbus_ecam_write(&B, r, s, 0xFFFFFFFF);
			vbus_ecam_write(&B, r, s, 0);
		}
	for (unsigned int r = 0; r < 0x1000; r += 4)
		assert_int_equal(vbus_ecam_read(&B, r, 4), before[r / 4]);
	for (unsigned int i = 0; i < 6; i++)
		assert_int_equal(vbus_ecam_read(&B, 0x10 + 4 * i, 4), 0);
	assert_int_equal(F.nev, 0);
}

static void test_absent_functions(void **state)
{
	(void)state;
	setup();
	for (unsigned int devfn = 0; devfn < 256; devfn++) {
		if (devfn == 0 || devfn == VF_DEVFN)
			continue;
		for (unsigned int r = 0; r < 0x1000; r += 0x3F) {
			assert_int_equal(vbus_ecam_read(&B, eo(devfn, r & ~3u), 4), 0xFFFFFFFF);
			assert_int_equal(vbus_ecam_read(&B, eo(devfn, r & ~1u), 2), 0xFFFF);
			assert_int_equal(vbus_ecam_read(&B, eo(devfn, r), 1), 0xFF);
			vbus_ecam_write(&B, eo(devfn, r & ~3u), 4, 0);
		}
	}
	/* Other buses, through ECAM and through CF8. */
	for (unsigned int bus = 1; bus < 256; bus += 17) {
		assert_int_equal(vbus_ecam_read(&B, (uint64_t)bus << 20, 4), 0xFFFFFFFF);
		assert_int_equal(vbus_ecam_read(&B, (uint64_t)bus << 20 | eo(VF_DEVFN, 0), 4),
				 0xFFFFFFFF);
		vbus_ecam_write(&B, (uint64_t)bus << 20 | eo(VF_DEVFN, 4), 2, 6);
		vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | bus << 16 | VF_DEVFN << 8 | 4);
		assert_int_equal(vbus_io_read(&B, VPCI_CFC, 4), 0xFFFFFFFF);
		vbus_io_write(&B, VPCI_CFC, 2, 6);
	}
	assert_int_equal(vbus_ecam_read(&B, 1ull << 40, 4), 0xFFFFFFFF);
	assert_int_equal(F.nev, 0);
}

static void test_custom_slot(void **state)
{
	struct vpci_cfg c = igb_cfg();

	(void)state;
	c.vf_devfn = PCI_DEVFN(5, 0);
	setup_cfg(&c);
	assert_int_equal(vbus_ecam_read(&B, eo(PCI_DEVFN(5, 0), 0), 4), 0x10CA8086);
	assert_int_equal(vbus_ecam_read(&B, eo(PCI_DEVFN(1, 0), 0), 4), 0xFFFFFFFF);
	vbus_ecam_write(&B, eo(PCI_DEVFN(1, 0), 4), 2, 6);
	assert_int_equal(F.nev, 0);
}

/* Another function beside the VF (the serial port's): its accesses go to
 * its owner whole (dword, byte lanes), never to the VF; it may not take the
 * VF's slot or slot 0. */
static uint32_t fn_regs[1024];
static unsigned int fn_writes;

static uint32_t fn_rd(void *ctx, unsigned int reg)
{
	assert_ptr_equal(ctx, fn_regs);
	assert_int_equal(reg & 3, 0);
	return fn_regs[reg / 4];
}

static void fn_wr(void *ctx, unsigned int reg, uint32_t val, uint32_t be)
{
	assert_ptr_equal(ctx, fn_regs);
	assert_int_equal(reg & 3, 0);
	fn_regs[reg / 4] = (fn_regs[reg / 4] & ~be) | (val & be);
	fn_writes++;
}

static void test_fn_beside_vf(void **state)
{
	const struct vbus_fn fn = {PCI_DEVFN(0x1F, 0), fn_rd, fn_wr, fn_regs};
	unsigned int nev;

	(void)state;
	memset(fn_regs, 0, sizeof(fn_regs));
	fn_regs[0] = 0x99009710;
	fn_writes = 0;
	setup();
	assert_int_equal(vbus_add(&B, &fn), 0);
	nev = F.nev;
	assert_int_equal(vbus_ecam_read(&B, eo(PCI_DEVFN(0x1F, 0), 0), 4), 0x99009710);
	assert_int_equal(vbus_ecam_read(&B, eo(PCI_DEVFN(0x1F, 0), 2), 2), 0x9900);
	assert_int_equal(rd(0, 4), 0x10CA8086); /* the VF as before */
	vbus_ecam_write(&B, eo(PCI_DEVFN(0x1F, 0), 0x45), 1, 0xAB);
	assert_int_equal(fn_writes, 1);
	assert_int_equal(fn_regs[0x44 / 4], 0xAB00);
	vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | PCI_DEVFN(0x1F, 0) << 8 | 0x48);
	vbus_io_write(&B, VPCI_CFC + 2, 2, 0x1234);
	assert_int_equal(fn_regs[0x48 / 4], 0x12340000);
	assert_int_equal(F.nev, nev); /* nothing reached the VF */
	/* Its other functions are absent. */
	assert_int_equal(vbus_ecam_read(&B, eo(PCI_DEVFN(0x1F, 1), 0), 4), 0xFFFFFFFF);
	vbus_ecam_write(&B, eo(PCI_DEVFN(0x1F, 1), 0x44), 4, 0);
	assert_int_equal(fn_writes, 2);

	/* Refused: a taken slot, slot 0, a function other than 0, no callback;
	 * and a ninth function. */
	struct vbus_fn bad = fn, many[VBUS_FNS];

	bad.devfn = VF_DEVFN;
	assert_int_equal(vbus_add(&B, &bad), -EINVAL);
	bad.devfn = PCI_DEVFN(0x1F, 0);
	assert_int_equal(vbus_add(&B, &bad), -EINVAL);
	bad.devfn = 0;
	assert_int_equal(vbus_add(&B, &bad), -EINVAL);
	bad.devfn = PCI_DEVFN(0x1E, 2);
	assert_int_equal(vbus_add(&B, &bad), -EINVAL);
	bad = fn;
	bad.devfn = PCI_DEVFN(0x1E, 0);
	bad.read32 = NULL;
	assert_int_equal(vbus_add(&B, &bad), -EINVAL);
	assert_int_equal(vbus_add(&B, NULL), -EINVAL);
	for (unsigned int i = 0; i < VBUS_FNS; i++) {
		many[i] = fn;
		many[i].devfn = PCI_DEVFN(2 + i, 0);
		assert_int_equal(vbus_add(&B, &many[i]), i + 2 < VBUS_FNS ? 0 : -ENOSPC);
	}
	/* After the bus is shut, no write reaches any function. */
	vbus_shutdown(&B);
	vbus_ecam_write(&B, eo(PCI_DEVFN(0x1F, 0), 0x44), 4, 0);
	wr(0x04, 2, 6);
	assert_int_equal(fn_writes, 2);
	assert_int_equal(F.nev, nev);
	assert_int_equal(vbus_ecam_read(&B, eo(PCI_DEVFN(0x1F, 0), 0), 4), 0x99009710);
}

/* ---- the Linux PCI core's sequence -------------------------------------------- */

/* Linux's two accessors: ECAM (mmconfig) and conf1 (CF8/CFC). */
struct acc {
	uint32_t (*read)(unsigned int devfn, unsigned int reg, unsigned int size);
	void (*write)(unsigned int devfn, unsigned int reg, unsigned int size, uint32_t v);
};

static uint32_t ecam_r(unsigned int devfn, unsigned int reg, unsigned int size)
{
	return vbus_ecam_read(&B, eo(devfn, reg), size);
}

static void ecam_w(unsigned int devfn, unsigned int reg, unsigned int size, uint32_t v)
{
	vbus_ecam_write(&B, eo(devfn, reg), size, v);
}

/* arch/x86/pci/direct.c: PCI_CONF1_ADDRESS, then in/out at 0xCFC + (reg & 3). */
static uint32_t conf1_r(unsigned int devfn, unsigned int reg, unsigned int size)
{
	vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | devfn << 8 | (reg & 0xFC));
	return vbus_io_read(&B, (uint16_t)(VPCI_CFC + (reg & 3)), size);
}

static void conf1_w(unsigned int devfn, unsigned int reg, unsigned int size, uint32_t v)
{
	vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | devfn << 8 | (reg & 0xFC));
	vbus_io_write(&B, (uint16_t)(VPCI_CFC + (reg & 3)), size, v);
}

static const struct acc ECAM = {ecam_r, ecam_w}, CONF1 = {conf1_r, conf1_w};

/* __pci_read_base: decode off, ~0 to the BAR (and its upper half), read back,
 * restore. Returns the size; *is64 set for a 64-bit BAR. */
static uint64_t linux_size_bar(const struct acc *a, unsigned int devfn, int i, bool *is64)
{
	unsigned int reg = PCI_BAR0 + 4 * (unsigned int)i;
	uint16_t cmd = (uint16_t)a->read(devfn, PCI_COMMAND, 2);
	uint32_t l, sz, lh = 0, szh = 0;
	uint64_t mask;

	a->write(devfn, PCI_COMMAND, 2, cmd & ~PCI_CMD_MEM & ~PCI_CMD_IO);
	l = a->read(devfn, reg, 4);
	a->write(devfn, reg, 4, 0xFFFFFFFF);
	sz = a->read(devfn, reg, 4);
	a->write(devfn, reg, 4, l);
	*is64 = (l & 7) == 4;
	if (*is64) {
		lh = a->read(devfn, reg + 4, 4);
		a->write(devfn, reg + 4, 4, 0xFFFFFFFF);
		szh = a->read(devfn, reg + 4, 4);
		a->write(devfn, reg + 4, 4, lh);
	}
	a->write(devfn, PCI_COMMAND, 2, cmd);
	assert_int_equal(a->read(devfn, reg, 4), l); /* restored */
	mask = (uint64_t)szh << 32 | (sz & ~0xFu);
	return mask ? ~mask + 1 : 0;
}

/* pci_scan_device .. pci_enable_device .. pci_enable_msix for igbvf. */
static void linux_probe(const struct acc *a)
{
	uint64_t size[6] = {0};
	uint8_t msix = 0, pcie = 0, pos;
	uint64_t place = WIN_BASE + 0x100000;
	uint16_t ctrl;
	bool is64;

	/* bus 0: the host bridge, then the VF, and nothing more */
	assert_int_equal(a->read(0, 0, 4), 0x29C08086);
	assert_int_equal(a->read(0, PCI_CLASS_REV, 4) >> 8, 0x060000);
	assert_int_equal(a->read(0, PCI_HEADER_TYPE, 1), 0);
	for (unsigned int dev = 1; dev < 32; dev++) {
		uint32_t id = a->read(PCI_DEVFN(dev, 0), 0, 4);

		if (PCI_DEVFN(dev, 0) != VF_DEVFN)
			assert_int_equal(id, 0xFFFFFFFF);
		else
			assert_int_equal(id, 0x10CA8086);
	}
	assert_int_equal(a->read(VF_DEVFN, PCI_HEADER_TYPE, 1), 0);
	assert_int_equal(a->read(VF_DEVFN, PCI_CLASS_REV, 4), 0x02000001);
	assert_int_equal(a->read(VF_DEVFN, PCI_CLASS_REV + 2, 2), 0x0200);
	assert_int_equal(a->read(VF_DEVFN, 0x3D, 1), 0); /* no INTx */

	for (int i = 0; i < 6; i++) {
		size[i] = linux_size_bar(a, VF_DEVFN, i, &is64);
		if (is64)
			i++;
	}
	assert_int_equal(size[0], K16);
	assert_int_equal(size[3], K16);
	assert_int_equal(size[1] | size[2] | size[4] | size[5], 0);
	a->write(VF_DEVFN, 0x30, 4, 0xFFFFF800); /* ROM sizing */
	assert_int_equal(a->read(VF_DEVFN, 0x30, 4), 0);

	/* Capability walk */
	assert_true(a->read(VF_DEVFN, PCI_STATUS, 2) & PCI_STATUS_CAPS);
	pos = (uint8_t)a->read(VF_DEVFN, PCI_CAP_PTR, 1);
	for (int ttl = 48; pos >= 0x40 && ttl; ttl--) {
		uint8_t id = (uint8_t)a->read(VF_DEVFN, pos, 1);

		if (id == PCI_CAP_MSIX)
			msix = pos;
		else if (id == PCI_CAP_PCIE)
			pcie = pos;
		else
			fail_msg("unexpected capability %#x", id);
		pos = (uint8_t)(a->read(VF_DEVFN, pos + 1u, 1) & 0xFC);
	}
	assert_int_equal(msix, VPCI_CAP_MSIX);
	assert_int_equal(pcie, VPCI_CAP_PCIE);
	assert_int_equal((a->read(VF_DEVFN, pcie + 2u, 2) >> 4) & 0xF, 9); /* RCiEP */
	assert_true(a->read(VF_DEVFN, pcie + PCIE_DEVCAP, 4) & (1u << 28));

	/* pci_msi_init: MSI-X off at scan (already off: no callback) */
	ctrl = (uint16_t)a->read(VF_DEVFN, msix + 2u, 2);
	a->write(VF_DEVFN, msix + 2u, 2, ctrl & 0x7FFF);
	/* pci_configure_mps for an RCiEP: MPS = 128 << MPSS */
	a->write(VF_DEVFN, pcie + PCIE_DEVCTL, 2,
		 (a->read(VF_DEVFN, pcie + PCIE_DEVCTL, 2) & ~0xE0u) | 2 << 5);

	/* Extended space, if the accessor reaches it: empty */
	if (a == &ECAM)
		assert_int_equal(a->read(VF_DEVFN, 0x100, 4), 0);
	assert_int_equal(F.maps, 0);

	/* pci_assign_resource: BAR3 then BAR0 (largest first: same size) */
	a->write(VF_DEVFN, 0x1C, 4, (uint32_t)place | 0xC);
	a->write(VF_DEVFN, 0x20, 4, 0);
	a->write(VF_DEVFN, 0x10, 4, (uint32_t)(place + K16));
	a->write(VF_DEVFN, 0x14, 4, 0);
	assert_int_equal(F.maps, 0); /* MEM is off */

	/* pci_enable_device, pci_set_master */
	a->write(VF_DEVFN, PCI_COMMAND, 2, a->read(VF_DEVFN, PCI_COMMAND, 2) | PCI_CMD_MEM);
	a->write(VF_DEVFN, PCI_COMMAND, 2, a->read(VF_DEVFN, PCI_COMMAND, 2) | PCI_CMD_MASTER);
	assert_int_equal(mapped_count(), 2);
	assert_true(F.mapped[0] && F.gpa[0] == place + K16 && F.size[0] == K16);
	assert_true(F.mapped[3] && F.gpa[3] == place && F.size[3] == K16);
	assert_int_equal(get(PCI_COMMAND, 2) & 6, 6);

	/* msix_capability_init: ENABLE|MASKALL, program the table, unmask */
	ctrl = (uint16_t)a->read(VF_DEVFN, msix + 2u, 2);
	a->write(VF_DEVFN, msix + 2u, 2, ctrl | 0xC000);
	assert_true(F.msix_en && F.msix_mask);
	a->write(VF_DEVFN, PCI_COMMAND, 2, a->read(VF_DEVFN, PCI_COMMAND, 2) | PCI_CMD_INTX_OFF);
	ctrl = (uint16_t)a->read(VF_DEVFN, msix + 2u, 2);
	assert_int_equal(ctrl, 0xC002);
	a->write(VF_DEVFN, msix + 2u, 2, ctrl & ~0x4000u);
	assert_true(F.msix_en && !F.msix_mask);
	assert_int_equal(a->read(VF_DEVFN, msix + 2u, 2), 0x8002);
}

static void test_linux_probe_ecam(void **state)
{
	(void)state;
	setup();
	linux_probe(&ECAM);
	assert_int_equal(F.maps, 2);
	assert_int_equal(F.unmaps, 0);
}

static void test_linux_probe_conf1(void **state)
{
	(void)state;
	setup();
	linux_probe(&CONF1);
	assert_int_equal(F.maps, 2);
}

/* pci_check_type1 and pci_sanity_check, as Linux probes for conf1. */
static void test_linux_check_type1(void **state)
{
	uint32_t tmp;

	(void)state;
	setup();
	vbus_io_write(&B, 0xCFB, 1, 0x01);
	tmp = vbus_io_read(&B, VPCI_CF8, 4);
	vbus_io_write(&B, VPCI_CF8, 4, 0x80000000);
	assert_int_equal(vbus_io_read(&B, VPCI_CF8, 4), 0x80000000);
	vbus_io_write(&B, VPCI_CF8, 4, tmp);
	assert_int_equal(conf1_r(0, 0x0A, 2), 0x0600); /* a host bridge: sane */
	/* and type 2 is not claimed */
	vbus_io_write(&B, 0xCFB, 1, 0);
	vbus_io_write(&B, VPCI_CF8, 1, 0);
	vbus_io_write(&B, 0xCFA, 1, 0);
	assert_int_not_equal(vbus_io_read(&B, VPCI_CF8, 1), 0);
}

/* ---- BARs --------------------------------------------------------------------- */

static void mem_on(bool on)
{
	wr(PCI_COMMAND, 2, on ? PCI_CMD_MEM | PCI_CMD_MASTER : PCI_CMD_MASTER);
}

static void place64(int i, uint64_t a)
{
	wr(PCI_BAR0 + 4 * (unsigned int)i, 4, (uint32_t)a);
	wr(PCI_BAR0 + 4 * (unsigned int)i + 4, 4, (uint32_t)(a >> 32));
}

static void test_bar_sizing(void **state)
{
	struct vpci_cfg c = igb_cfg();

	(void)state;
	setup();
	wr(0x10, 4, 0xFFFFFFFF);
	wr(0x14, 4, 0xFFFFFFFF);
	assert_int_equal(rd(0x10, 4), 0xFFFFC00C);
	assert_int_equal(rd(0x14, 4), 0xFFFFFFFF);
	for (unsigned int r = 0x18; r <= 0x24; r += 4)
		if (r != 0x1C && r != 0x20) {
			wr(r, 4, 0xFFFFFFFF);
			assert_int_equal(rd(r, 4), 0);
		}
	/* A 32-bit non-prefetchable VF BAR, and a big 64-bit one. */
	c.bar[0] = (struct pci_bar){.size = K16};
	c.bar[1] = (struct pci_bar){.size = 0x1000, .flags = PCI_BAR_PREFETCH};
	c.bar[3] = (struct pci_bar){.size = 8ull << 30, .flags = PCI_BAR_MEM64};
	setup_cfg(&c);
	for (unsigned int r = 0x10; r <= 0x24; r += 4)
		wr(r, 4, 0xFFFFFFFF);
	assert_int_equal(rd(0x10, 4), 0xFFFFC000);
	assert_int_equal(rd(0x14, 4), 0xFFFFF008);
	assert_int_equal(rd(0x18, 4), 0);
	assert_int_equal(rd(0x1C, 4), 0x00000004);
	assert_int_equal(rd(0x20, 4), 0xFFFFFFFE);
	assert_int_equal(rd(0x24, 4), 0);
	/* Type bits are read-only. */
	wr(0x10, 4, 0);
	assert_int_equal(rd(0x10, 4), 0);
	wr(0x14, 4, 0);
	assert_int_equal(rd(0x14, 4), 0x08);
	/* Bytes and words merge into the BAR as the byte enables say. */
	wr(0x12, 2, 0xC012);
	wr(0x11, 1, 0x45);
	assert_int_equal(rd(0x10, 4), 0xC0124000);
	assert_int_equal(F.maps, 0);
}

static void test_bar_placement(void **state)
{
	(void)state;
	setup();
	mem_on(true);
	assert_int_equal(mapped_count(), 0); /* both at 0: outside (and overlapping) */

	place64(0, WIN_BASE);
	assert_true(F.mapped[0] && F.gpa[0] == WIN_BASE);
	place64(3, WIN_BASE + WIN_SIZE - K16); /* the last 16 KiB */
	assert_true(F.mapped[3] && F.gpa[3] == WIN_BASE + WIN_SIZE - K16);

	/* Just below, just past, far above: unmapped, but reads back. */
	static const uint64_t outside[] = {
		WIN_BASE - K16,	       WIN_BASE + WIN_SIZE, 0, 0x100000, 0xFEE00000,
		0x1C0000000ull, /* the window + 4 GiB: the upper dword counts */
		0xFFFFFFFFFFFFC000ull,
	};
	for (unsigned int k = 0; k < sizeof(outside) / sizeof(outside[0]); k++) {
		place64(3, outside[k]);
		assert_false(F.mapped[3]);
		assert_int_equal(rd(0x1C, 4), (uint32_t)outside[k] | 0xC);
		assert_int_equal(rd(0x20, 4), (uint32_t)(outside[k] >> 32));
		assert_true(F.mapped[0]);
	}

	/* Onto BAR0: both lose, whoever came first. */
	place64(3, WIN_BASE);
	assert_int_equal(mapped_count(), 0);
	assert_int_equal(rd(0x1C, 4), (uint32_t)WIN_BASE | 0xC);
	/* BAR3 leaves: BAR0 comes back where it was. */
	place64(3, WIN_BASE + 0x8000);
	assert_true(F.mapped[0] && F.gpa[0] == WIN_BASE);
	assert_true(F.mapped[3] && F.gpa[3] == WIN_BASE + 0x8000);
	/* Adjacent is fine; the window's end exactly too. */
	place64(3, WIN_BASE + K16);
	assert_int_equal(mapped_count(), 2);
}

/* BARs that start inside the window but end past it: a BAR larger than the
 * window, and a window whose end is not aligned to the BAR size. */
static void test_bar_window_edges(void **state)
{
	struct vpci_cfg c = igb_cfg();

	(void)state;
	c.bar[0].size = 512ull << 20;
	setup_cfg(&c);
	mem_on(true);
	place64(0, WIN_BASE); /* 512 MiB in a 256 MiB window */
	place64(3, WIN_BASE - K16);
	assert_int_equal(mapped_count(), 0);
	assert_int_equal(F.nev, 1); /* only Command forwarded */

	c = igb_cfg();
	c.win_base = WIN_BASE + 0x2000;
	c.win_size = 0x9000; /* ends at +0xB000 */
	setup_cfg(&c);
	mem_on(true);
	place64(0, WIN_BASE);	       /* starts below */
	place64(3, WIN_BASE + 0x8000); /* ends past */
	assert_int_equal(mapped_count(), 0);
	place64(0, WIN_BASE + 0x4000); /* fits: +0x4000..+0x8000 */
	assert_true(F.mapped[0]);
	assert_false(F.mapped[3]);
}

/* A decoding BAR left unmapped is reported once per reason: over the
 * guest's RAM, on a hole, onto the other BAR; not while MEM is off. */
static void test_bar_refused_reported(void **state)
{
	struct vpci_ops with_log = ops;
	struct vpci_cfg c = igb_cfg();

	(void)state;
	with_log.bar_refused = cb_bar_refused;
	c.ops = &with_log;
	setup_cfg(&c);
	place64(0, 0x1000000); /* over RAM, but MEM off: nothing to report */
	place64(3, WIN_BASE + K16);
	assert_int_equal(F.refusals, 0);
	mem_on(true);
	assert_int_equal(F.refusals, 1);
	assert_true(F.r_bar == 0 && F.r_addr == 0x1000000 && F.r_size == K16);
	assert_int_equal(F.r_why, VPCI_BAR_OUTSIDE);
	assert_true(F.mapped[3] && !F.mapped[0]);
	place64(0, 0xFED00000); /* a hole: the same reason, no new report */
	assert_int_equal(F.refusals, 1);
	place64(0, WIN_BASE + K16); /* onto BAR3: both lose, both reported */
	assert_int_equal(F.refusals, 3);
	assert_int_equal(F.r_why, VPCI_BAR_OVERLAP);
	assert_int_equal(mapped_count(), 0);
	place64(0, WIN_BASE); /* fine again: mapped, nothing reported */
	assert_int_equal(F.refusals, 3);
	assert_int_equal(mapped_count(), 2);
	place64(0, 0x100000);
	assert_int_equal(F.refusals, 4);
	mem_on(false); /* off and on again: reported again */
	mem_on(true);
	assert_int_equal(F.refusals, 5);
	assert_int_equal(F.r_why, VPCI_BAR_OUTSIDE);
	assert_true(F.mapped[3]);
}

static void test_bar_overlap_partial(void **state)
{
	struct vpci_cfg c = igb_cfg();

	(void)state;
	c.bar[3].size = 0x10000; /* 64 KiB: BAR0 can sit inside it */
	setup_cfg(&c);
	mem_on(true);
	place64(3, WIN_BASE + 0x10000);
	place64(0, WIN_BASE + 0x14000);
	assert_int_equal(mapped_count(), 0);
	place64(0, WIN_BASE + 0x20000);
	assert_int_equal(mapped_count(), 2);
}

static void test_mem_toggle(void **state)
{
	(void)state;
	setup();
	place64(0, WIN_BASE + 0x40000);
	place64(3, WIN_BASE + 0x44000);
	assert_int_equal(F.nev, 0);
	wr(PCI_COMMAND, 2, PCI_CMD_MEM);
	assert_int_equal(mapped_count(), 2);
	assert_int_equal(get(PCI_COMMAND, 2), 0x0102);
	F.nev = 0;
	wr(PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_MASTER); /* MASTER: forwarded only */
	assert_int_equal(F.nev, 1);
	assert_int_equal(F.ev[0].kind, EV_VFW);
	assert_int_equal(get(PCI_COMMAND, 2), 0x0106);
	F.nev = 0;
	wr(PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_IO | 0x0140); /* ignored */
	assert_int_equal(F.nev, 0);
	assert_int_equal(rd(PCI_COMMAND, 2), 0x0406);
	wr(PCI_COMMAND, 1, PCI_CMD_MASTER); /* byte write: MEM off */
	assert_int_equal(mapped_count(), 0);
	assert_int_equal(get(PCI_COMMAND, 2), 0x0104);
	wr(PCI_COMMAND, 4, 0xFFFF0002); /* dword with Status: MEM on, MASTER off */
	assert_int_equal(mapped_count(), 2);
	assert_int_equal(get(PCI_COMMAND, 2), 0x0102);
	wr(PCI_COMMAND + 1, 1, 0xFF); /* upper byte: nothing of ours */
	assert_int_equal(rd(PCI_COMMAND, 2), 0x0402);
	assert_int_equal(F.maps, 4);
	assert_int_equal(F.unmaps, 2);
}

static void test_bar_move(void **state)
{
	(void)state;
	setup();
	place64(0, WIN_BASE);
	place64(3, WIN_BASE + K16);
	mem_on(true);
	F.nev = 0;
	wr(0x10, 4, (uint32_t)(WIN_BASE + 0x80000) | 0xC); /* mapped: unmap old, map new */
	assert_int_equal(F.nev, 2);
	assert_int_equal(F.ev[0].kind, EV_UNMAP);
	assert_int_equal(F.ev[0].gpa, WIN_BASE);
	assert_int_equal(F.ev[1].kind, EV_MAP);
	assert_int_equal(F.ev[1].gpa, WIN_BASE + 0x80000);
	/* A 64-bit move with MEM on, low dword first: the halfway address
	 * (high dword still 0) is in the window here, so it is used. */
	F.nev = 0;
	wr(0x20, 4, 1); /* BAR3 to 4 GiB + WIN_BASE + K16: out */
	assert_false(F.mapped[3]);
	wr(0x1C, 4, (uint32_t)(WIN_BASE + 0x90000));
	assert_false(F.mapped[3]);
	wr(0x20, 4, 0);
	assert_true(F.mapped[3] && F.gpa[3] == WIN_BASE + 0x90000);
	/* Writing the same value again changes nothing. */
	F.nev = 0;
	wr(0x1C, 4, (uint32_t)(WIN_BASE + 0x90000));
	assert_int_equal(F.nev, 0);
}

static void test_bar_map_failure(void **state)
{
	(void)state;
	setup();
	place64(0, WIN_BASE);
	F.map_fail = -ENOMEM;
	mem_on(true);
	assert_int_equal(mapped_count(), 0);
	F.map_fail = 0;
	place64(3, WIN_BASE + K16); /* the next change retries BAR0 */
	assert_int_equal(mapped_count(), 2);
}

/* ---- capabilities, FLR ---------------------------------------------------- */

static void test_msix_control(void **state)
{
	(void)state;
	setup();
	wr(VPCI_CAP_MSIX + 2, 2, 0xFFFF);
	assert_int_equal(rd(VPCI_CAP_MSIX + 2, 2), 0xC002);
	assert_true(F.msix_en && F.msix_mask);
	assert_int_equal(F.nev, 1);
	wr(VPCI_CAP_MSIX + 3, 1, 0x80); /* byte: unmask */
	assert_true(F.msix_en && !F.msix_mask);
	wr(VPCI_CAP_MSIX + 2, 1, 0xFF); /* the table size byte: read-only, no call */
	assert_int_equal(F.nev, 2);
	wr(VPCI_CAP_MSIX, 2, 0xFFFF); /* ID/next bytes only: no change */
	assert_int_equal(F.nev, 2);
	assert_int_equal(rd(VPCI_CAP_MSIX, 4), 0x8002u << 16 | VPCI_CAP_PCIE << 8 | 0x11);
	wr(VPCI_CAP_MSIX + 4, 4, 0xFFFFFFFF);
	wr(VPCI_CAP_MSIX + 8, 4, 0);
	assert_int_equal(rd(VPCI_CAP_MSIX + 4, 4), 3);
	assert_int_equal(rd(VPCI_CAP_MSIX + 8, 4), 0x2003);
	wr(VPCI_CAP_MSIX, 4, 0x40000000);
	assert_true(!F.msix_en && F.msix_mask);
	assert_int_equal(F.vf_writes, 1); /* creation only: the real MSI-X is not ours */
}

static void test_devctl(void **state)
{
	(void)state;
	setup();
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL, 2, 0x7FFF);
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCTL, 2), 0x79FF); /* no phantom, aux PM */
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL, 2, 0);
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCTL, 2), 0);
	assert_int_equal(get(VF_PCIE + 8, 2), 0x2810); /* never forwarded */
	wr(VPCI_CAP_PCIE + PCIE_DEVCAP, 4, 0);
	wr(VPCI_CAP_PCIE, 4, 0xFFFFFFFF);
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCAP, 4), 0x10008FC2);
	assert_int_equal(rd(VPCI_CAP_PCIE, 4), 0x00920010);
	assert_int_equal(F.nev, 0);
}

static void test_flr(void **state)
{
	uint16_t devctl;

	(void)state;
	setup();
	place64(0, WIN_BASE);
	place64(3, WIN_BASE + K16);
	mem_on(true);
	wr(VPCI_CAP_MSIX + 2, 2, 0xC000);
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL, 2, 0x0010);
	F.nev = 0;
	/* pcie_flr: set BCR_FLR by read-modify-write of DevCtl */
	devctl = (uint16_t)rd(VPCI_CAP_PCIE + PCIE_DEVCTL, 2);
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL, 2, devctl | 0x8000);
	assert_int_equal(F.nev, 5);
	assert_int_equal(F.ev[0].kind, EV_UNMAP);
	assert_int_equal(F.ev[1].kind, EV_UNMAP);
	assert_int_equal(F.ev[2].kind, EV_MSIX);
	assert_false(F.ev[2].enable || F.ev[2].masked);
	assert_int_equal(F.ev[3].kind, EV_FLR);
	assert_int_equal(F.ev[4].kind, EV_VFW);
	assert_int_equal(F.ev[4].val & 6, 0);
	/* The function is as after reset; FLR reads 0. */
	assert_int_equal(rd(VPCI_CAP_PCIE + PCIE_DEVCTL, 2), 0x2810);
	assert_int_equal(rd(PCI_COMMAND, 2), PCI_CMD_INTX_OFF);
	assert_int_equal(rd(0x10, 4), 0x0C);
	assert_int_equal(rd(0x1C, 4), 0x0C);
	assert_int_equal(rd(VPCI_CAP_MSIX + 2, 2), 0x0002);
	assert_int_equal(rd(0, 4), 0x10CA8086); /* pci_dev_wait: not all ones */
	assert_int_equal(V.flrs, 1);
	/* pci_restore_state puts everything back */
	place64(0, WIN_BASE);
	place64(3, WIN_BASE + K16);
	mem_on(true);
	assert_int_equal(mapped_count(), 2);
	/* A byte write of bit 15 alone is an FLR too. */
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL + 1, 1, 0x80);
	assert_int_equal(F.flrs, 2);
	assert_int_equal(mapped_count(), 0);
	/* The same with nothing to tear down: just the reset. */
	F.nev = 0;
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL, 4, 0x8000);
	assert_int_equal(F.nev, 2);
	assert_int_equal(F.ev[0].kind, EV_FLR);
}

static void test_shutdown(void **state)
{
	(void)state;
	setup();
	place64(0, WIN_BASE);
	place64(3, WIN_BASE + K16);
	mem_on(true);
	wr(VPCI_CAP_MSIX + 2, 2, 0x8000);
	vpci_shutdown(&V);
	assert_int_equal(mapped_count(), 0);
	assert_false(F.msix_en);
	assert_int_equal(get(PCI_COMMAND, 2) & 6, 0);
	vpci_shutdown(&V); /* twice: nothing more */
	assert_int_equal(F.unmaps, 2);
}

/* After the shutdown of a stopping guest, a write that another of its vCPUs
 * had in flight must not turn the VF back on: by ECAM or by CF8/CFC, to
 * Command, a BAR, MSI-X control or an FLR, nothing reaches the real VF or
 * the guest's memory map. Reads still answer. */
static void test_shutdown_refuses_writes(void **state)
{
	(void)state;
	setup();
	place64(0, WIN_BASE);
	mem_on(true);
	vpci_shutdown(&V);
	F.nev = F.vf_writes = F.maps = 0;
	mem_on(true);
	vbus_io_write(&B, VPCI_CF8, 4, VPCI_CF8_ENABLE | VF_DEVFN << 8 | PCI_COMMAND);
	vbus_io_write(&B, VPCI_CFC, 2, PCI_CMD_MEM | PCI_CMD_MASTER);
	place64(0, WIN_BASE + K16);
	wr(VPCI_CAP_MSIX + 2, 2, 0x8000);
	wr(VPCI_CAP_PCIE + PCIE_DEVCTL, 2, 0x8000); /* FLR */
	assert_int_equal(F.nev, 0);
	assert_int_equal(F.vf_writes + F.maps + F.flrs, 0);
	assert_int_equal(get(PCI_COMMAND, 2) & (PCI_CMD_MEM | PCI_CMD_MASTER), 0);
	assert_false(F.msix_en);
	assert_int_equal(mapped_count(), 0);
	assert_int_equal(rd(PCI_COMMAND, 2) & (PCI_CMD_MEM | PCI_CMD_MASTER), 0);
	assert_int_equal(rd(0, 2), 0x8086);
}

/* ---- access paths --------------------------------------------------------- */

static void test_cf8_latch(void **state)
{
	(void)state;
	setup();
	vbus_io_write(&B, VPCI_CF8, 4, 0xFFFFFFFF);
	assert_int_equal(vbus_io_read(&B, VPCI_CF8, 4), 0x8FFFFFFC);
	/* Sub-dword CF8 accesses are not the latch. */
	vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | VF_DEVFN << 8);
	vbus_io_write(&B, VPCI_CF8, 2, 0);
	vbus_io_write(&B, 0xCF9, 1, 0x06); /* the reset port: not ours */
	vbus_io_write(&B, 0xCFA, 2, 0);
	assert_int_equal(vbus_io_read(&B, VPCI_CF8, 4), 0x80000000 | VF_DEVFN << 8);
	assert_int_equal(vbus_io_read(&B, VPCI_CF8, 2), 0xFFFF);
	assert_int_equal(vbus_io_read(&B, 0xCF9, 1), 0xFF);
	assert_int_equal(vbus_io_read(&B, 0xCFB, 1), 0xFF);
	assert_int_equal(vbus_io_read(&B, 0xD00, 4), 0xFFFFFFFF);
	/* Each CFC byte lane. */
	assert_int_equal(vbus_io_read(&B, VPCI_CFC, 4), 0x10CA8086);
	assert_int_equal(vbus_io_read(&B, 0xCFD, 1), 0x80);
	assert_int_equal(vbus_io_read(&B, 0xCFE, 2), 0x10CA);
	assert_int_equal(vbus_io_read(&B, 0xCFD, 2), 0xCA80); /* inside the dword */
	assert_int_equal(vbus_io_read(&B, 0xCFF, 1), 0x10);
	/* Crossing the end of the data port: refused. */
	assert_int_equal(vbus_io_read(&B, 0xCFE, 4), 0xFFFFFFFF);
	assert_int_equal(vbus_io_read(&B, 0xCFF, 2), 0xFFFF);
	assert_int_equal(vbus_io_read(&B, 0xCFD, 4), 0xFFFFFFFF);
	/* The latch's low bits never select bytes: 0xCF8 bits 1:0 read 0. */
	vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | VF_DEVFN << 8 | 0x0B);
	assert_int_equal(vbus_io_read(&B, VPCI_CF8, 4), 0x80000000 | VF_DEVFN << 8 | 0x08);
	assert_int_equal(vbus_io_read(&B, 0xCFE, 2), 0x0200); /* class at 0x0A */
	/* Disabled: all ones, writes dropped. */
	vbus_io_write(&B, VPCI_CF8, 4, VF_DEVFN << 8 | PCI_COMMAND);
	assert_int_equal(vbus_io_read(&B, VPCI_CFC, 4), 0xFFFFFFFF);
	vbus_io_write(&B, VPCI_CFC, 2, 0x6);
	assert_int_equal(F.nev, 0);
	/* Writes through CFD-CFF land in their byte lane. */
	vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | VF_DEVFN << 8 | 0x1C);
	vbus_io_write(&B, 0xCFF, 1, 0xC1);
	vbus_io_write(&B, 0xCFD, 2, 0x2345);
	assert_int_equal(vbus_io_read(&B, VPCI_CFC, 4), 0xC123400C);
	vbus_io_write(&B, 0xCFE, 4, 0); /* crossing: dropped */
	assert_int_equal(vbus_io_read(&B, VPCI_CFC, 4), 0xC123400C);
}

static void test_cf8_extended_refused(void **state)
{
	(void)state;
	setup();
	/* AMD's ECS form of 0x104 must not alias onto Command (0x04). */
	vbus_io_write(&B, VPCI_CF8, 4, 0x81000000 | VF_DEVFN << 8 | 0x04);
	assert_int_equal(vbus_io_read(&B, VPCI_CF8, 4), 0x81000000 | VF_DEVFN << 8 | 0x04);
	vbus_io_write(&B, VPCI_CFC, 2, PCI_CMD_MEM | PCI_CMD_MASTER);
	assert_int_equal(vbus_io_read(&B, VPCI_CFC, 4), 0xFFFFFFFF);
	assert_int_equal(rd(PCI_COMMAND, 2), PCI_CMD_INTX_OFF);
	for (uint32_t e = 1; e < 16; e++) {
		vbus_io_write(&B, VPCI_CF8, 4, 0x80000000 | e << 24 | VF_DEVFN << 8 | 0x58);
		vbus_io_write(&B, 0xCFD, 1, 0x80); /* would be FLR */
		assert_int_equal(vbus_io_read(&B, VPCI_CFC, 1), 0xFF);
	}
	/* Bits 30:28 are reserved: ignored, not refused. */
	vbus_io_write(&B, VPCI_CF8, 4, 0xF0000000 | VF_DEVFN << 8);
	assert_int_equal(vbus_io_read(&B, VPCI_CFC, 4), 0x10CA8086);
	assert_int_equal(F.nev, 0);
}

static void test_ecam_misaligned(void **state)
{
	(void)state;
	setup();
	/* Inside one dword: honoured, whatever the alignment. */
	assert_int_equal(rd(0x01, 2), 0xCA80);
	assert_int_equal(rd(0x03, 1), 0x10);
	/* Crossing a dword, or sizes other than 1/2/4: all ones. */
	assert_int_equal(rd(0x03, 2), 0xFFFF);
	assert_int_equal(rd(0x02, 4), 0xFFFFFFFF);
	assert_int_equal(rd(0x01, 4), 0xFFFFFFFF);
	assert_int_equal(rd(0x00, 3), 0xFFFFFFFF);
	assert_int_equal(rd(0x00, 8), 0xFFFFFFFF);
	assert_int_equal(rd(0x00, 0), 0xFFFFFFFF);
	assert_int_equal(rd(0xFFF, 2), 0xFFFF);
	/* ... and write nothing. */
	wr(0x03, 2, 0x0606);
	wr(0x02, 4, 0x00060000 | 0x0606);
	wr(0x04, 8, 0x6);
	wr(0x04, 3, 0x6);
	assert_int_equal(rd(PCI_COMMAND, 2), PCI_CMD_INTX_OFF);
	wr(0x05, 2, 0x0201); /* a word at 0x05 is fine: bytes 5, 6 (Status: dropped) */
	wr(0x03, 2, 0x0200); /* crossing into Command: dropped */
	assert_int_equal(rd(PCI_COMMAND, 2), PCI_CMD_INTX_OFF);
	wr(0x03, 2, 0xFFFF);
	wr(0x0F, 2, 0xFFFF); /* across BAR0's start */
	wr(0x13, 4, 0xFFFFFFFF);
	assert_int_equal(rd(0x10, 4), 0x0C);
	assert_int_equal(F.nev, 0);
}

/* ---- hostile guests ------------------------------------------------------- */

/* What a full config read of the VF returns, without Status (live). */
static void snapshot(uint32_t *s)
{
	for (unsigned int r = 0; r < 0x1000; r += 4)
		s[r / 4] = rd(r, 4);
}

static bool writable_dword(unsigned int r)
{
	return r == PCI_COMMAND || (r >= 0x10 && r <= 0x24) || r == VPCI_CAP_MSIX ||
	       r == VPCI_CAP_PCIE + PCIE_DEVCTL;
}

/* Every byte, word and dword at every offset (aligned or not), with several
 * values: only the tracked registers ever change, and the invariants hold in
 * the callbacks throughout. FLR is avoided in DevCtl so state accumulates. */
static void test_every_write(void **state)
{
	static const uint32_t vals[] = {0xFFFFFFFF, 0, 0x5A5A5A5A, 0x7FFF7FFF};
	static uint32_t before[1024], after[1024];

	(void)state;
	setup();
	snapshot(before);
	for (unsigned int v = 0; v < 4; v++)
		for (unsigned int r = 0; r < 0x1000; r++)
			for (unsigned int s = 1; s <= 4; s <<= 1) {
				uint32_t val = vals[v];

				if (r <= VPCI_CAP_PCIE + PCIE_DEVCTL + 1 &&
				    r + s > VPCI_CAP_PCIE + PCIE_DEVCTL + 1)
					val &= ~(0x80u
						 << (8 * (VPCI_CAP_PCIE + PCIE_DEVCTL + 1 - r)));
				wr(r, s, val);
			}
	snapshot(after);
	for (unsigned int r = 0; r < 0x1000; r += 4)
		if (!writable_dword(r))
			assert_int_equal(after[r / 4], before[r / 4]);
	assert_int_equal(F.flrs, 0);
	/* Then FLR from every size and offset that covers bit 15 of DevCtl. */
	for (unsigned int r = VPCI_CAP_PCIE + PCIE_DEVCTL - 3; r <= VPCI_CAP_PCIE + PCIE_DEVCTL + 1;
	     r++)
		for (unsigned int s = 1; s <= 4; s <<= 1) {
			unsigned int flrs = F.flrs;
			unsigned int bit = (VPCI_CAP_PCIE + PCIE_DEVCTL + 1 - r) * 8 + 7;
			bool covers = r + s > VPCI_CAP_PCIE + PCIE_DEVCTL + 1 && (r & 3) + s <= 4;

			wr(r, s, bit < 32 ? 1u << bit : 0);
			assert_int_equal(F.flrs, flrs + covers);
		}
}

static void test_host_and_absent_untouched_by_sweep(void **state)
{
	(void)state;
	setup();
	for (unsigned int devfn = 0; devfn < 256; devfn += 7)
		for (unsigned int r = 0; r < 0x1000; r++)
			for (unsigned int s = 1; s <= 4; s <<= 1)
				if (devfn != VF_DEVFN)
					vbus_ecam_write(&B, eo(devfn, r), s, 0xFFFFFFFF);
	assert_int_equal(F.nev, 0);
	assert_int_equal(rd(PCI_COMMAND, 2), PCI_CMD_INTX_OFF);
	assert_int_equal(vbus_ecam_read(&B, 0, 4), 0x29C08086);
}

/* xorshift: the same sequence on every run. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Registers worth hitting, and addresses around the window's edges. */
static const unsigned int hot[] = {0x04, 0x10, 0x14, 0x1C, 0x20, 0x18, 0x24,
				   0x42, 0x43, 0x58, 0x59, 0x3C, 0x100};
static uint32_t fuzz_addr(void)
{
	static const uint64_t anchors[] = {WIN_BASE, WIN_BASE + WIN_SIZE, 0, 0x100000000ull};
	uint64_t a = anchors[rnd() % 4] + ((uint64_t)(rnd() % 64) - 32) * 0x4000;

	return rnd() % 8 ? (uint32_t)a : rnd();
}

static void test_fuzz(void **state)
{
	struct vpci_cfg c = igb_cfg();
	unsigned int flrs = 0;

	(void)state;
	for (int round = 0; round < 4; round++) {
		c = igb_cfg();
		if (round & 1) { /* 32-bit BARs, one big and one overlapping-prone */
			c.bar[0] = (struct pci_bar){.size = 0x20000};
			c.bar[1] = (struct pci_bar){.size = 0x1000};
			c.bar[3] = (struct pci_bar){.size = K16, .flags = PCI_BAR_PREFETCH};
		}
		setup_cfg(&c);
		for (int n = 0; n < 200000; n++) {
			uint32_t op = rnd() % 16, reg, val = rnd();
			unsigned int size = 1u << (rnd() % 3), devfn = VF_DEVFN;

			reg = rnd() % 4 ? hot[rnd() % (sizeof(hot) / sizeof(hot[0]))]
					: rnd() % 0x1000;
			if (rnd() % 4 == 0)
				reg += rnd() % 4;
			if (rnd() % 32 == 0)
				devfn = rnd() % 256;
			if (rnd() % 64 == 0)
				size = rnd() % 9;
			if ((reg & ~3u) >= 0x10 && (reg & ~3u) <= 0x24 && rnd() % 2)
				val = fuzz_addr();
			if ((reg & ~3u) == 0x58 && rnd() % 64)
				val &= ~0x80008000u; /* FLR now and then */
			if (reg == 0x04 && rnd() % 2)
				val = PCI_CMD_MEM;
			if (op < 10) {
				vbus_ecam_write(&B, eo(devfn, reg), size, val);
			} else if (op < 12) {
				vbus_io_write(&B, VPCI_CF8, 4,
					      (rnd() % 8 ? 0x80000000 : rnd()) | devfn << 8 |
						      (reg & 0xFC));
				vbus_io_write(&B, (uint16_t)(VPCI_CFC + (reg & 3)), size, val);
			} else if (op < 13) {
				vbus_io_write(&B, (uint16_t)(0xCF8 + rnd() % 8), size, val);
			} else {
				uint32_t r = vbus_ecam_read(&B, eo(devfn, reg), size);

				if (devfn != 0 && devfn != VF_DEVFN)
					assert_int_equal(r, size == 1	? 0xFF
							    : size == 2 ? 0xFFFF
									: 0xFFFFFFFF);
			}
			/* The model and the registers agree on what is mapped. */
			for (int i = 0; i < 6; i++) {
				assert_int_equal(F.mapped[i], V.bar[i].mapped);
				if (F.mapped[i])
					assert_int_equal(F.gpa[i], V.bar[i].addr);
			}
		}
		flrs += F.flrs;
		assert_true(F.maps > 100);
		vpci_shutdown(&V);
		assert_int_equal(mapped_count(), 0);
	}
	assert_true(flrs > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_init_forwards_command),
		cmocka_unit_test(test_vf_without_pcie_cap),
		cmocka_unit_test(test_vf_header),
		cmocka_unit_test(test_status_and_devsta_live),
		cmocka_unit_test(test_host_bridge),
		cmocka_unit_test(test_absent_functions),
		cmocka_unit_test(test_custom_slot),
		cmocka_unit_test(test_fn_beside_vf),
		cmocka_unit_test(test_linux_probe_ecam),
		cmocka_unit_test(test_linux_probe_conf1),
		cmocka_unit_test(test_linux_check_type1),
		cmocka_unit_test(test_bar_sizing),
		cmocka_unit_test(test_bar_placement),
		cmocka_unit_test(test_bar_window_edges),
		cmocka_unit_test(test_bar_refused_reported),
		cmocka_unit_test(test_bar_overlap_partial),
		cmocka_unit_test(test_mem_toggle),
		cmocka_unit_test(test_bar_move),
		cmocka_unit_test(test_bar_map_failure),
		cmocka_unit_test(test_msix_control),
		cmocka_unit_test(test_devctl),
		cmocka_unit_test(test_flr),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_shutdown_refuses_writes),
		cmocka_unit_test(test_cf8_latch),
		cmocka_unit_test(test_cf8_extended_refused),
		cmocka_unit_test(test_ecam_misaligned),
		cmocka_unit_test(test_every_write),
		cmocka_unit_test(test_host_and_absent_untouched_by_sweep),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
