/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-x extended page tables (EPT): guest-physical to host-physical,
 * 4-level walk (guest-physical addresses below 2^48), with 1 GiB and 2 MiB
 * leaves where the CPU has them (IA32_VMX_EPT_VPID_CAP bits 17 and 16).
 * The format over the page-table engine (lib/pt.h), which builds the tables
 * from the page allocator. Entry format: SDM vol. 3C 29.3.2.
 *
 * Memory type of a leaf. With "ignore PAT" clear, the CPU combines the EPT
 * type with the guest's PAT type the way it combines MTRR and PAT types;
 * with it set, the EPT type is the effective type. The rule here:
 *  - EPT_WB (RAM): ignore-PAT clear, so the guest's own PAT choice for its
 *    RAM holds (WB with EPT WB gives the PAT type). Linux maps some RAM WC
 *    or UC on purpose, and the VT-d tables never force snooping (SNP is not
 *    set), so a passed-through VF may DMA with no-snoop and the guest's UC
 *    mapping of that buffer must really be UC.
 *  - every other type (EPT_UC for device memory): ignore-PAT set, so the
 *    type the hypervisor picked is exactly the effective type: a guest PAT
 *    of WB cannot make a BAR cacheable, nor WC make its registers
 *    write-combined (UC is always a safe strengthening of WC).
 * Accessed/dirty bits are never set here; with A/D enabled the CPU sets them.
 *
 * Changes are made safely against a CPU walking the table and fail whole
 * (lib/pt.h), but the caller must INVEPT after any change to a present entry
 * (an unmap, a remap, a split) before relying on it.
 */
#ifndef VF_EPT_H
#define VF_EPT_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/palloc.h"
#include "lib/pt.h"

/* Entry bits. */
#define EPT_R	     (1ull << 0)
#define EPT_W	     (1ull << 1)
#define EPT_X	     (1ull << 2) /* supervisor-mode execute */
#define EPT_RWX	     (EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT 3 /* leaf memory type, bits 5:3 */
#define EPT_MT_MASK  (7ull << EPT_MT_SHIFT)
#define EPT_IPAT     (1ull << 6) /* leaf: ignore the guest's PAT */
#define EPT_LARGE    (1ull << 7) /* PDPTE/PDE: a 1 GiB/2 MiB leaf */
#define EPT_A	     (1ull << 8)
#define EPT_D	     (1ull << 9)
#define EPT_ADDR     0x000FFFFFFFFFF000ull

/* Memory types (ept_map @type, leaf bits 5:3); 2, 3 and 7 are reserved. */
#define EPT_UC PT_MT_UC
#define EPT_WC PT_MT_WC
#define EPT_WT PT_MT_WT
#define EPT_WP PT_MT_WP
#define EPT_WB PT_MT_WB

#define EPT_GPA_LIMIT (1ull << 48) /* 4-level walk */
#define EPT_HPA_LIMIT (1ull << 52) /* the entry's address field */

/* EPTP bits (the VMCS EPT pointer). */
#define EPTP_MT_WB 6ull	       /* tables are read write-back */
#define EPTP_WALK4 (3ull << 3) /* page-walk length minus one */
#define EPTP_AD	   (1ull << 6)

extern const struct pt_format ept_format;

/* An empty table (every access an EPT violation), with accessed/dirty flags
 * (EPTP bit 6, in e->root_flags) if @ad, leaves of every size. -ENOMEM from
 * the allocator. */
int ept_init(struct pt_table *e, struct palloc *pa, bool ad);
/*
 * Map [gpa, gpa+len) to [hpa, hpa+len) with @rwx (EPT_R|EPT_W|EPT_X; R is
 * required: write-only is a misconfiguration and execute-only needs a CPU
 * capability not known here) and memory @type (EPT_WB for RAM, EPT_UC for
 * device memory; the ignore-PAT rule above). All three 4 KiB aligned.
 * Leaves: 1 GiB where gpa and hpa are 1 GiB aligned, the range covers the
 * page, @allow_1g and @allow_2m (a 1 GiB leaf is split into 2 MiB ones; every
 * CPU with 1 GiB EPT pages has 2 MiB ones); else 2 MiB likewise with
 * @allow_2m; else 4 KiB. An existing mapping in the range is replaced; a
 * large leaf crossing the range's edge is split, the rest of it keeping its
 * mapping and bits. A region that already has a table keeps it (tables are
 * only freed by ept_destroy()), so it is remapped with smaller leaves.
 * -EINVAL: misaligned, zero length, wrapping, gpa range beyond 2^48, hpa
 * beyond 2^52, bad @rwx or @type. -ENOMEM from the allocator: a failed call
 * has changed nothing.
 */
int ept_map(struct pt_table *e, uint64_t gpa, uint64_t hpa, uint64_t len, unsigned int rwx,
	    unsigned int type, bool allow_2m, bool allow_1g);
/* Unmap [gpa, gpa+len) (4 KiB aligned, below 2^48); large leaves crossing
 * the edges are split so that only the range goes. Unmapped parts are fine.
 * Errors as ept_map() (a failed call has changed nothing). */
int ept_unmap(struct pt_table *e, uint64_t gpa, uint64_t len);
/* The leaf entry that maps @gpa, or 0; its size (4 KiB, 2 MiB, 1 GiB, or 0
 * when unmapped) in @size if not NULL. */
uint64_t ept_lookup(const struct pt_table *e, uint64_t gpa, uint64_t *size);
/* The EPTP for the VMCS: WB table access, 4-level walk, A/D as ept_init(). */
uint64_t ept_pointer(const struct pt_table *e);
/* Free every table page (the EPT is in no VMCS and INVEPT was done). */
void ept_destroy(struct pt_table *e);

#endif
