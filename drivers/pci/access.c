// SPDX-License-Identifier: MIT
/* Configuration access on the machine: ECAM (from MCFG) or, without it, the
 * legacy CF8/CFC ports (256 bytes per function, segment 0 only). */
#include "drivers/pci/access.h"
#include "lib/spinlock.h"
#include "lib/x86.h"

static uint64_t ecam_base;
static uint8_t ecam_bus_first, ecam_bus_last;
static uint16_t ecam_seg;
static spinlock_t cf8_lock = SPINLOCK_INIT;

static uint64_t ecam_addr(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, bool *ok)
{
	*ok = seg == ecam_seg && bus >= ecam_bus_first && bus <= ecam_bus_last && off < 4096;
	/* MCFG's base address is that of bus 0 of the segment. */
	return ecam_base + ((uint64_t)bus << 20) + ((uint64_t)devfn << 12) + off;
}

static uint32_t ecam_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size)
{
	bool ok;
	uint64_t a = ecam_addr(seg, bus, devfn, off, &ok);

	if (!ok)
		return size == 4 ? 0xFFFFFFFF : (1u << (8 * size)) - 1;
	switch (size) {
	case 1:
		return *(volatile uint8_t *)(uintptr_t)a;
	case 2:
		return *(volatile uint16_t *)(uintptr_t)a;
	default:
		return mmio_read32(a);
	}
}

static void ecam_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		       uint32_t v)
{
	bool ok;
	uint64_t a = ecam_addr(seg, bus, devfn, off, &ok);

	if (!ok)
		return;
	switch (size) {
	case 1:
		*(volatile uint8_t *)(uintptr_t)a = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)(uintptr_t)a = (uint16_t)v;
		break;
	default:
		mmio_write32(a, v);
		break;
	}
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static uint32_t cf8_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size)
{
	uint32_t v;

	if (seg || off > 255)
		return size == 4 ? 0xFFFFFFFF : (1u << (8 * size)) - 1;
	spin_lock(&cf8_lock);
	outl(0xCF8, 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)devfn << 8) | (off & 0xFC));
	v = inl(0xCFC) >> (8 * (off & 3));
	spin_unlock(&cf8_lock);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void cf8_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		      uint32_t v)
{
	uint32_t old, mask;

	if (seg || off > 255)
		return;
	spin_lock(&cf8_lock);
	outl(0xCF8, 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)devfn << 8) | (off & 0xFC));
	if (size != 4) { /* read-modify-write of the dword: 0xCFC+n byte ports avoided */
		old = inl(0xCFC);
		mask = ((1u << (8 * size)) - 1) << (8 * (off & 3));
		v = (old & ~mask) | ((v << (8 * (off & 3))) & mask);
	}
	outl(0xCFC, v);
	spin_unlock(&cf8_lock);
}

static const struct pci_access ecam_access = {ecam_read, ecam_write, 4096};
static const struct pci_access cf8_access = {cf8_read, cf8_write, 256};

const struct pci_access *pci_access_ecam(uint64_t base, uint16_t seg, uint8_t first, uint8_t last)
{
	ecam_base = base;
	ecam_seg = seg;
	ecam_bus_first = first;
	ecam_bus_last = last;
	return &ecam_access;
}

const struct pci_access *pci_access_cf8(void)
{
	return &cf8_access;
}
