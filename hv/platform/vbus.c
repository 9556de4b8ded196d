// SPDX-License-Identifier: MIT
/* A guest's virtual PCI bus (see vbus.h): the host bridge, the two access
 * paths, and routing to the functions. Everything is done a dword at a time:
 * an access becomes a dword read, or a dword write with a byte-enable mask,
 * so every size and offset reaches a function the same way. */
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/platform/vbus.h"

#define CFG_SIZE 0x1000

static uint32_t hb_read32(unsigned int reg)
{
	switch (reg) {
	case PCI_VENDOR_ID:
		return (uint32_t)VPCI_HB_DEVICE << 16 | VPCI_HB_VENDOR;
	case PCI_COMMAND:
		return PCI_CMD_MEM | PCI_CMD_MASTER;
	case PCI_CLASS_REV:
		return (uint32_t)VPCI_HB_CLASS << 8;
	default:
		return 0;
	}
}

static const struct vbus_fn *fn_at(const struct vbus *b, unsigned int devfn)
{
	for (unsigned int i = 0; i < b->n; i++)
		if (b->fn[i]->devfn == devfn)
			return b->fn[i];
	return NULL;
}

static bool access_ok(unsigned int reg, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && (reg & 3) + size <= 4;
}

static uint32_t ones(unsigned int size)
{
	return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFF;
}

static uint32_t cfg_read(struct vbus *b, unsigned int bus, unsigned int devfn, unsigned int reg,
			 unsigned int size)
{
	const struct vbus_fn *f;
	uint32_t dw;

	if (bus != 0 || reg >= CFG_SIZE || !access_ok(reg, size))
		return ones(size);
	if (devfn == 0)
		dw = hb_read32(reg & ~3u);
	else if ((f = fn_at(b, devfn)))
		dw = f->read32(f->ctx, reg & ~3u);
	else
		return ones(size);
	return (dw >> (8 * (reg & 3))) & ones(size);
}

static void cfg_write(struct vbus *b, unsigned int bus, unsigned int devfn, unsigned int reg,
		      unsigned int size, uint32_t val)
{
	unsigned int shift = 8 * (reg & 3);
	const struct vbus_fn *f;

	/* The host bridge is read-only; absent functions take nothing; a
	 * shut-down bus takes nothing. */
	if (b->shut || bus != 0 || reg >= CFG_SIZE || !access_ok(reg, size) || devfn == 0)
		return;
	f = fn_at(b, devfn);
	if (f)
		f->write32(f->ctx, reg & ~3u, (val & ones(size)) << shift, ones(size) << shift);
}

uint32_t vbus_ecam_read(struct vbus *b, uint64_t off, unsigned int size)
{
	if (off >> 20)
		return ones(size);
	return cfg_read(b, 0, (unsigned int)(off >> 12) & 0xFF, (unsigned int)off & 0xFFF, size);
}

void vbus_ecam_write(struct vbus *b, uint64_t off, unsigned int size, uint32_t val)
{
	if (off >> 20)
		return;
	cfg_write(b, 0, (unsigned int)(off >> 12) & 0xFF, (unsigned int)off & 0xFFF, size, val);
}

/* The latch names a register we answer: enabled, no extended bits. */
static bool cf8_on(const struct vbus *b)
{
	return (b->cf8 & VPCI_CF8_ENABLE) && !(b->cf8 & VPCI_CF8_EXT);
}

uint32_t vbus_io_read(struct vbus *b, uint16_t port, unsigned int size)
{
	if (port == VPCI_CF8 && size == 4)
		return b->cf8;
	if (port < VPCI_CFC || port > VPCI_CFC + 3 || !cf8_on(b))
		return ones(size);
	if ((port & 3) + size > 4)
		return ones(size);
	return cfg_read(b, (b->cf8 >> 16) & 0xFF, (b->cf8 >> 8) & 0xFF,
			(b->cf8 & 0xFC) | (port & 3u), size);
}

void vbus_io_write(struct vbus *b, uint16_t port, unsigned int size, uint32_t val)
{
	if (port == VPCI_CF8 && size == 4) {
		b->cf8 = val & (VPCI_CF8_ENABLE | 0x0FFFFFFC);
		return;
	}
	if (port < VPCI_CFC || port > VPCI_CFC + 3 || !cf8_on(b) || (port & 3) + size > 4)
		return;
	cfg_write(b, (b->cf8 >> 16) & 0xFF, (b->cf8 >> 8) & 0xFF, (b->cf8 & 0xFC) | (port & 3u),
		  size, val);
}

void vbus_init(struct vbus *b)
{
	memset(b, 0, sizeof(*b));
}

int vbus_add(struct vbus *b, const struct vbus_fn *fn)
{
	if (!fn || !fn->read32 || !fn->write32 || !PCI_SLOT(fn->devfn) || PCI_FUNC(fn->devfn) ||
	    fn_at(b, fn->devfn))
		return -EINVAL;
	if (b->n >= VBUS_FNS)
		return -ENOSPC;
	b->fn[b->n++] = fn;
	return 0;
}

void vbus_shutdown(struct vbus *b)
{
	b->shut = true;
}
