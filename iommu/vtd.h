/* SPDX-License-Identifier: MIT */
/*
 * VT-d: DMA remapping domains and interrupt remapping. Every function that
 * is not attached to a domain has no context entry, so its DMA is blocked
 * and faults; each attached function reaches only what its domain maps.
 */
#ifndef VF_VTD_H
#define VF_VTD_H

#include <stdbool.h>
#include <stdint.h>
#include "iommu/vtd_pt.h"

#define VTD_MAX_DOMAINS 16

struct acpi_info;
struct palloc;

struct vtd_domain {
	bool used;
	uint16_t did; /* domain ID, the same on every unit */
	char name[16];
	struct pt_table pt;
	unsigned int attached; /* functions attached */
};

/*
 * Parse the DMAR, then on every unit: root table, queued invalidation,
 * interrupt remapping (x2APIC format when @x2apic), fault events to
 * @fault_apic_id, and DMA remapping on with nothing attached. Prints the
 * boot log line. Errors (no DMAR: -ENODEV; malformed DMAR, a unit without
 * queued invalidation or interrupt remapping, no common page-table depth:
 * -ENOTSUP/-EINVAL) leave every unit as it was: no passthrough then.
 */
int vtd_init(const struct acpi_info *ai, struct palloc *pa, bool x2apic, uint32_t fault_apic_id,
	     unsigned int omit);
/* Fault injection for the tests' own test (vtd.omit=): leave DMA
 * translation or interrupt remapping off; the boot log line says so. */
#define VTD_OMIT_DMA (1u << 0)
#define VTD_OMIT_IR  (1u << 1)
bool vtd_enabled(void);
/* DMA is translated (not left off by vtd.omit=dma). */
bool vtd_dma_on(void);

struct vtd_domain *vtd_domain_create(const char *name);
/* Map or unmap guest-physical (IOVA) ranges, then invalidate the IOTLB. */
int vtd_domain_map(struct vtd_domain *d, uint64_t iova, uint64_t hpa, uint64_t len,
		   unsigned int perm);
int vtd_domain_unmap(struct vtd_domain *d, uint64_t iova, uint64_t len);
/* Free a domain with nothing attached. */
int vtd_domain_destroy(struct vtd_domain *d);

/* Point @seg:@bus:@devfn's context entry at @d (replacing any other), or
 * remove it (its DMA faults again). -ENODEV if no unit covers it. */
int vtd_attach(struct vtd_domain *d, uint16_t seg, uint8_t bus, uint8_t devfn);
int vtd_detach(uint16_t seg, uint8_t bus, uint8_t devfn);

/* Interrupt remapping: an entry that accepts interrupts only from requester
 * @seg:@rid (bus << 8 | devfn). Returns a handle >= 0, or -ENOSPC/-ENODEV. */
int vtd_irte_alloc(uint16_t seg, uint16_t rid);
/* Deliver the handle's interrupts to @dest (APIC ID) as @vector. */
int vtd_irte_set(int h, uint32_t dest, uint8_t vector);
/* Make the handle's entry not present (it stays allocated). */
void vtd_irte_clear(int h);
void vtd_irte_free(int h);
/* The remappable-format MSI address/data for the handle. */
uint64_t vtd_irte_msi_addr(int h);
uint32_t vtd_irte_msi_data(int h);

/* The name of the domain @seg:@rid is attached to, or NULL. */
const char *vtd_owner_name(uint16_t seg, uint16_t rid);
/* Decode, log and clear recorded faults (also run from the fault interrupt). */
void vtd_fault_poll(void);
/* Faults seen from @seg:@rid since boot (for tests and the inventory). */
unsigned int vtd_fault_count(uint16_t seg, uint16_t rid);
/* Fault event interrupts taken since boot. */
unsigned int vtd_fault_irqs(void);

#endif
