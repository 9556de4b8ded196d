// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/vpci.c. Feeds: the VF's BAR layout (first 4 bytes:
 * sizes and 32/64-bit of BARs 0-3, the VF's slot), then guest configuration
 * accesses through ECAM and ports 0xCF8-0xCFF of any size 0-8 at any
 * offset, with any value, and changes of the real VF's live Status/DevSta.
 * The real VF is a config image laid out as QEMU's igb VF (MSI-X 0x70,
 * table in BAR3). Checks, on every callback: BARs are mapped only inside the
 * window, size-aligned, never over another mapped BAR, unmapped only when
 * mapped; after creation the real VF is read only at Command, Status and
 * DevSta and written only at Command (2 bytes); FLR comes with everything
 * unmapped and MSI-X off; msix_ctrl reports changes only. And per access:
 * a size other than 1, 2, 4 reads all ones; the host bridge is read-only.
 * The serial port's function (vuart_pci.c) sits at 00:1f.0 beside the VF,
 * or alone on a bus without one (layout bit 22): its identity and its BAR
 * at COM1 never change, nothing of it changes once the bus is shut, and no
 * access meant for it reaches the VF.
 */
#include <string.h>
#include "lib/err.h"
#include "hv/platform/vpci.h"
#include "hv/platform/vuart_pci.h"
#include "fuzz.h"

#define WIN_BASE 0xC0000000ull
#define WIN_SIZE 0x01000000ull /* 16 MiB: small, so BARs collide */
#define VF_MSIX	 0x70
#define VF_PCIE	 0xA0

static struct {
	uint8_t cfg[4096];
	bool live;
	bool mapped[6];
	uint64_t gpa[6], size[6];
	bool msix_en, msix_mask;
} F;

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
	FUZZ_CHECK(ctx == &F);
	FUZZ_CHECK((size == 1 || size == 2 || size == 4) && reg % size == 0 && reg + size <= 4096);
	if (F.live)
		FUZZ_CHECK((reg == PCI_COMMAND || reg == PCI_STATUS || reg == VF_PCIE + 0x0A) &&
			   size == 2);
	return get(reg, size);
}

static void cb_vf_write(void *ctx, unsigned int reg, unsigned int size, uint32_t val)
{
	FUZZ_CHECK(ctx == &F && reg == PCI_COMMAND && size == 2);
	put(reg, 2, val);
}

static int cb_bar_map(void *ctx, unsigned int bar, uint64_t gpa, uint64_t size, bool enable)
{
	FUZZ_CHECK(ctx == &F && bar < 6);
	if (!enable) {
		FUZZ_CHECK(F.mapped[bar] && F.gpa[bar] == gpa && F.size[bar] == size);
		F.mapped[bar] = false;
		return 0;
	}
	FUZZ_CHECK(!F.mapped[bar]);
	FUZZ_CHECK(size >= VPCI_BAR_MIN && !(size & (size - 1)) && !(gpa & (size - 1)));
	FUZZ_CHECK(gpa >= WIN_BASE && gpa + size <= WIN_BASE + WIN_SIZE);
	for (int j = 0; j < 6; j++)
		if (F.mapped[j])
			FUZZ_CHECK(gpa + size <= F.gpa[j] || F.gpa[j] + F.size[j] <= gpa);
	F.mapped[bar] = true;
	F.gpa[bar] = gpa;
	F.size[bar] = size;
	return 0;
}

static void cb_vf_flr(void *ctx)
{
	FUZZ_CHECK(ctx == &F);
	for (int i = 0; i < 6; i++)
		FUZZ_CHECK(!F.mapped[i]);
	FUZZ_CHECK(!F.msix_en && !F.msix_mask);
	put(PCI_COMMAND, 2, 0);
}

static void cb_msix_ctrl(void *ctx, bool enable, bool masked)
{
	FUZZ_CHECK(ctx == &F);
	FUZZ_CHECK(enable != F.msix_en || masked != F.msix_mask);
	F.msix_en = enable;
	F.msix_mask = masked;
}

static void cb_bar_refused(void *ctx, unsigned int bar, uint64_t addr, uint64_t size, int why)
{
	(void)addr;
	(void)size;
	FUZZ_CHECK(ctx == &F && bar < 6 && !F.mapped[bar]);
	FUZZ_CHECK(why == VPCI_BAR_OUTSIDE || why == VPCI_BAR_OVERLAP);
}

static const struct vpci_ops ops = {
	.vf_read = cb_vf_read,
	.vf_write = cb_vf_write,
	.bar_map = cb_bar_map,
	.vf_flr = cb_vf_flr,
	.msix_ctrl = cb_msix_ctrl,
	.bar_refused = cb_bar_refused,
};

/* QEMU's igb VF, as tests/unit/test_vpci.c has it. */
static void fake_igbvf(void)
{
	memset(&F, 0, sizeof(F));
	put(0x00, 4, 0xFFFFFFFF);
	put(PCI_COMMAND, 2, 0x0106);
	put(PCI_STATUS, 2, PCI_STATUS_CAPS);
	put(PCI_CLASS_REV, 4, 0x02000001);
	put(0x2C, 4, 0xA01C8086);
	put(PCI_CAP_PTR, 1, VF_MSIX);
	put(VF_MSIX, 2, (uint32_t)VF_PCIE << 8 | PCI_CAP_MSIX);
	put(VF_MSIX + 2, 2, 2);
	put(VF_MSIX + 4, 4, 0x0000 | 3);
	put(VF_MSIX + 8, 4, 0x2000 | 3);
	put(VF_PCIE, 2, PCI_CAP_PCIE);
	put(VF_PCIE + 2, 2, 0x0002);
	put(VF_PCIE + 4, 4, 0x10008FC2);
	put(VF_PCIE + 8, 2, 0x2810);
	put(VF_PCIE + 0x0C, 4, 0x00000411);
	put(0x100, 4, 0x15010001);
	put(0x150, 4, 0x0001000E);
}

/* BAR @i from 4 bits: bits 2:0 size 4 KiB << n (7: none), bit 3 64-bit. */
static void bar_cfg(struct vpci_cfg *c, unsigned int i, unsigned int b)
{
	if ((b & 7) == 7 || (i > 0 && c->bar[i - 1].flags & PCI_BAR_MEM64))
		return;
	c->bar[i].size = 4096ull << (b & 7);
	c->bar[i].flags = PCI_BAR_PREFETCH | ((b & 8) && i < 5 ? PCI_BAR_MEM64 : 0);
}

static struct vuart_pci U;

static uint32_t fn_read32(void *ctx, unsigned int reg)
{
	FUZZ_CHECK(ctx == &U && !(reg & 3) && reg < 4096);
	return vuart_pci_read32(&U, reg);
}

static void fn_write32(void *ctx, unsigned int reg, uint32_t val, uint32_t be)
{
	FUZZ_CHECK(ctx == &U && !(reg & 3) && reg < 4096 && be);
	vuart_pci_write32(&U, reg, val, be);
}

static const struct vbus_fn uart_fn = {VUART_PCI_DEVFN, fn_read32, fn_write32, &U};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpci v;
	static struct vbus b;
	struct vuart_pci shut_state;
	struct fuzz_in in = {data, size};
	struct vpci_cfg c = {.ops = &ops,
			     .ctx = &F,
			     .vendor = 0x8086,
			     .device = 0x10CA,
			     .win_base = WIN_BASE,
			     .win_size = WIN_SIZE};
	uint32_t layout = fuzz_u32(&in);
	uint8_t devfn;

	for (unsigned int i = 0; i < 4; i++)
		bar_cfg(&c, i, layout >> (4 * i));
	c.vf_devfn = (layout >> 16) & 1 ? (uint8_t)(((layout >> 17) & 31) << 3) : 0;
	devfn = c.vf_devfn ? c.vf_devfn : VPCI_VF_DEVFN;
	fake_igbvf();
	vuart_pci_init(&U);
	vbus_init(&b);
	FUZZ_CHECK(vbus_add(&b, &uart_fn) == 0);
	if ((layout >> 22) & 1) {
		devfn = VUART_PCI_DEVFN; /* no VF */
	} else if (vpci_init(&v, &c)) {
		return 0;
	} else if (vbus_add(&b, &v.fn)) {
		FUZZ_CHECK(devfn == VUART_PCI_DEVFN); /* the only refusal here */
		return 0;
	}
	F.live = true;
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in), sz = fuzz_u8(&in) % 9;
		uint16_t reg = fuzz_u16(&in) & 0xFFF;
		uint32_t val = fuzz_u32(&in);
		uint64_t off;
		uint32_t r;

		switch (op & 3) {
		case 0:
		case 1:
			/* Mostly the VF, sometimes the host bridge or anything. */
			off = (op & 0x30) == 0x30   ? (uint64_t)val << 12
			      : (op & 0x30) == 0x20 ? 0
			      : (op & 0x30) == 0x10 ? (uint64_t)VUART_PCI_DEVFN << 12
						    : (uint64_t)devfn << 12;
			off |= reg;
			if (op & 1) {
				vbus_ecam_write(&b, off, sz, val);
				break;
			}
			r = vbus_ecam_read(&b, off, sz);
			if (sz != 1 && sz != 2 && sz != 4)
				FUZZ_CHECK(r == 0xFFFFFFFF);
			else if (sz < 4)
				FUZZ_CHECK(r >> (8 * sz) == 0);
			break;
		case 2:
			if (op & 4) {
				vbus_io_write(&b, (uint16_t)(VPCI_CF8 + (reg & 7)), sz, val);
			} else {
				r = vbus_io_read(&b, (uint16_t)(VPCI_CF8 + (reg & 7)), sz);
				if (sz != 1 && sz != 2 && sz != 4)
					FUZZ_CHECK(r == 0xFFFFFFFF);
			}
			break;
		default:
			if (op & 4) /* the real function's live bits change */
				put((op & 8) ? PCI_STATUS : VF_PCIE + 0x0A, 2, val);
			else if (op & 8) {
				vbus_shutdown(&b);
				if (!((layout >> 22) & 1))
					vpci_shutdown(&v);
				shut_state = U;
			} else
				vbus_io_write(&b, (uint16_t)val, sz, val);
			break;
		}
		/* The host bridge never changes. */
		FUZZ_CHECK(vbus_ecam_read(&b, 0, 4) == (VPCI_HB_DEVICE << 16 | VPCI_HB_VENDOR));
		/* Nor the serial port's identity and place; shut, nothing of it. */
		r = vbus_ecam_read(&b, (uint64_t)VUART_PCI_DEVFN << 12, 4);
		FUZZ_CHECK(r == ((uint32_t)VUART_PCI_DEVICE << 16 | VUART_PCI_VENDOR));
		r = vbus_ecam_read(&b, (uint64_t)VUART_PCI_DEVFN << 12 | PCI_BAR0, 4);
		FUZZ_CHECK(r == (VUART_PCI_IO | 1) || r == 0xFFFFFFF9);
		if (b.shut)
			FUZZ_CHECK(!memcmp(&shut_state, &U, sizeof(U)));
	}
	return 0;
}
