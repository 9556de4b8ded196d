/* SPDX-License-Identifier: MIT */
/*
 * x86 long-mode page tables, two formats over the page-table engine
 * (lib/pt.h): the hypervisor's own tables and AMD nested page tables (NPT:
 * the same entries, with U set on every level as nested walks are user
 * accesses).
 *
 * The hypervisor's own tables: an identity map of all RAM (write-back) and
 * of the low 4 GiB (anything not RAM there is MMIO: uncached), with more MMIO
 * mapped uncached on demand. 1 GiB pages where a whole 1 GiB is RAM and the
 * CPU has them, else 2 MiB pages, split into 4 KiB pages only where a 2 MiB
 * block holds both RAM and something else. With NX, nothing is executable
 * but the image's text, and the text is read-only (W^X: struct paging_host).
 */
#ifndef VF_PAGING_H
#define VF_PAGING_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/memmap.h"
#include "hv/core/palloc.h"
#include "lib/pt.h"

#define PTE_P	 (1ull << 0)
#define PTE_W	 (1ull << 1)
#define PTE_U	 (1ull << 2)
#define PTE_PWT	 (1ull << 3)
#define PTE_PCD	 (1ull << 4)
#define PTE_PS	 (1ull << 7)
#define PTE_NX	 (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define PTE_UC	 (PTE_PCD | PTE_PWT) /* PAT entry 3: UC with the reset PAT */

/* The host's without and with NX (EFER.NXE), AMD nested page tables. */
extern const struct pt_format paging_host_format, paging_host_nx_format, paging_npt_format;

/* How the host map is built: 1 GiB leaves for RAM (@gb: CPUID 8000_0001h
 * EDX bit 26), NX (@nx: EFER.NXE on before the table is loaded), and the
 * hypervisor image (linker.ld), page aligned: text [text, rodata) read-only
 * and executable, rodata [rodata, data) read-only, data and bss [data, end)
 * like all other memory, writable and (with NX) not executable. All zero:
 * no image. */
struct paging_host {
	bool gb, nx;
	uint64_t text, rodata, data, end;
};

/* An empty nested page table (a guest's NPT), 1 GiB leaves if @gb (the CPU
 * has 1 GiB pages: CPUID 8000_0001h EDX bit 26), table pages below 4 GiB. */
int paging_init_nested(struct pt_table *pt, struct palloc *pa, bool gb);
/* Map [virt, virt+len) to [phys, ...) with leaf @flags (PTE_W, PTE_U,
 * PTE_UC, PTE_NX; PTE_P is added; PTE_NX only where the format has it),
 * all three 4 KiB aligned: the largest leaves the alignment and the table
 * allow. All or nothing (lib/pt.h). */
int paging_map_to(struct pt_table *pt, uint64_t virt, uint64_t phys, uint64_t len, uint64_t flags);
/* Unmap [virt, virt+len) (4 KiB aligned): what was not mapped stays so; a
 * large page cut in part is split. All or nothing. The caller flushes the
 * TLBs that may hold the old entries. */
int paging_unmap(struct pt_table *pt, uint64_t virt, uint64_t len);

/* Build the identity map for @mm into a new table (pages from @pa, below
 * 4 GiB so that the AP trampoline can load it in 32-bit mode) as @h says.
 * -EINVAL for an image not page aligned or out of order. */
int paging_build(struct pt_table *pt, const struct memmap *mm, struct palloc *pa,
		 const struct paging_host *h);
/* Map [phys, phys+len) identity with @flags (PTE_W | PTE_UC | PTE_NX for MMIO),
 * 4 KiB granular (2 MiB leaves where a whole one is covered), splitting a
 * large page where needed. */
int paging_map(struct pt_table *pt, uint64_t phys, uint64_t len, uint64_t flags);
/* The leaf entry that maps @addr, or 0; its size in @size. */
uint64_t paging_lookup(const struct pt_table *pt, uint64_t addr, uint64_t *size);

/* The hypervisor's live table. */
extern struct pt_table hv_pt;
void paging_activate(const struct pt_table *pt);
/* Map MMIO uncached and not executable in the live table (and flush the
 * TLB). */
int paging_map_mmio(uint64_t phys, uint64_t len);

#endif
