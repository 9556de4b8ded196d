/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU as common code sees it: one implementation (struct iommu_ops:
 * VT-d today, AMD-Vi later) chosen at boot from the ACPI tables found, DMA
 * domains over the page-table engine, interrupt remapping entries with
 * source-ID verification, and fault reporting. Without an IOMMU every call
 * fails or answers "none", and no guest gets a VF.
 *
 * A function attached to no domain has its DMA blocked (it faults); each
 * attached function reaches only what its domain maps.
 */
#ifndef VF_IOMMU_H
#define VF_IOMMU_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/pt.h"

#define IOMMU_MAX_DOMAINS 16

/* Access a domain's mapping grants (iommu_domain_map @perm). */
#define IOMMU_PERM_R PT_R
#define IOMMU_PERM_W PT_W

/* Fault injection for the tests' own test (vtd.omit=): leave DMA
 * translation or interrupt remapping off; the status line says so. */
#define IOMMU_OMIT_DMA (1u << 0)
#define IOMMU_OMIT_IR  (1u << 1)

struct acpi_info;
struct iommu_resv_list;
struct palloc;

/* What an implementation's init needs from the host. */
struct iommu_setup {
	struct palloc *pa;	/* tables, queues, domains' page tables */
	bool x2apic;		/* the CPUs run in x2APIC mode: 32-bit destinations */
	uint32_t fault_apic_id; /* the service CPU: fault events go there */
	unsigned int omit;	/* IOMMU_OMIT_* */
};

/* A DMA domain: one IOVA -> host-physical table, in the implementation's
 * format, shared by every unit. The pool is common (iommu.c). */
struct iommu_domain {
	bool used;
	uint16_t id; /* the domain ID on every unit: index + 1 (0 is reserved) */
	char name[16];
	struct pt_table pt;
	unsigned int attached; /* functions attached */
};

/*
 * One IOMMU implementation. A requester ID (@rid) is bus << 8 | devfn.
 * Common code calls these only through the iommu_* functions below, and
 * only after init succeeded.
 */
struct iommu_ops {
	const char *name; /* "vt-d" */
	/* Parse the implementation's ACPI table and bring every unit up:
	 * interrupt remapping on, fault events to the service CPU, DMA
	 * remapping on with nothing attached (all DMA blocked), unless
	 * @s->omit says otherwise. Prints why on failure, which leaves every
	 * unit as it was. */
	int (*init)(const struct acpi_info *ai, const struct iommu_setup *s);
	/* The status lines, once after a successful init. */
	void (*report)(void);

	/* An empty table for @d (d->pt), in the format and depth every unit
	 * walks. */
	int (*domain_init)(struct iommu_domain *d);
	/* Invalidate every unit's cached translations of @d (after a change
	 * to d->pt, before its deferred tables are freed). */
	int (*domain_flush)(struct iommu_domain *d);
	/* Translate @seg:@rid's DMA through @d from now on (replacing any
	 * other domain, whose attached count goes down). -ENODEV if no unit
	 * covers it. */
	int (*attach)(struct iommu_domain *d, uint16_t seg, uint16_t rid);
	/* Take @seg:@rid off its domain: its DMA faults from now on. */
	int (*detach)(uint16_t seg, uint16_t rid);
	/* Make sure @seg:@rid's DMA faults, attached before or not (an
	 * implementation whose default for an unknown function is to let its
	 * DMA through must block it here). */
	int (*block)(uint16_t seg, uint16_t rid);

	/* An interrupt remapping entry that accepts interrupts only from
	 * @seg:@rid, not present: a handle >= 0, or -ENOSPC/-ENODEV. */
	int (*irte_alloc)(uint16_t seg, uint16_t rid);
	/* Deliver the entry's interrupts to @dest (APIC ID) as @vector:
	 * fixed, physical, edge. */
	int (*irte_set)(int h, uint32_t dest, uint8_t vector);
	/* Not present again (still allocated, for the same requester). */
	void (*irte_clear)(int h);
	void (*irte_free)(int h);
	/* The MSI address and data the device must be programmed with for
	 * its interrupt to go through the entry. */
	void (*irte_msi)(int h, uint64_t *addr, uint32_t *data);
	/* The entry's index in its unit's table (messages; entries allocated
	 * in a row have consecutive indices). */
	unsigned int (*irte_index)(int h);

	/* Decode, log and clear recorded faults (the fault event interrupt on
	 * the service CPU runs it too). */
	void (*fault_poll)(void);
	/* Faults seen from @seg:@rid since boot. */
	unsigned int (*fault_count)(uint16_t seg, uint16_t rid);
	/* Fault event interrupts taken since boot. */
	unsigned int (*fault_irqs)(void);

	/* Append the table's reserved regions (RMRRs, IVMDs) to @out: 0, or
	 * -E2BIG when they did not all fit. NULL: none. */
	int (*resv)(struct iommu_resv_list *out);
};

/* The implementation for the ACPI tables in @ai (DMAR: VT-d), or NULL with
 * a line saying why there is none (no table, or a table without a driver). */
const struct iommu_ops *iommu_select(const struct acpi_info *ai);
/* iommu_select(), then its init: 0, or an error and no IOMMU (every call
 * below then fails or answers "none"; no VF is given to a guest). */
int iommu_init(const struct acpi_info *ai, const struct iommu_setup *s);
/* Interrupt remapping and the units are up (vtd.omit= may have left a part
 * off). */
bool iommu_enabled(void);
/* DMA is translated (not left off by vtd.omit=dma). */
bool iommu_dma_on(void);
/* Interrupts are remapped (not left off by vtd.omit=ir). */
bool iommu_ir_on(void);
/* Why no guest may be given a VF now, or NULL when it may: both DMA and
 * interrupt remapping must be on. Without DMA remapping the VF's DMA reaches
 * any memory; without interrupt remapping its DMA write to 0xFEExxxxx is a
 * raw MSI to any CPU with any vector. */
const char *iommu_vf_refusal(void);

/* A domain with nothing mapped and nothing attached, or NULL. */
struct iommu_domain *iommu_domain_create(const char *name);
/* Map [iova, iova+len) to [hpa, hpa+len) with @perm (IOMMU_PERM_*), or
 * unmap a range; the units' caches are invalidated after. */
int iommu_domain_map(struct iommu_domain *d, uint64_t iova, uint64_t hpa, uint64_t len,
		     unsigned int perm);
int iommu_domain_unmap(struct iommu_domain *d, uint64_t iova, uint64_t len);
/* Free a domain with nothing attached (-EBUSY otherwise). */
int iommu_domain_destroy(struct iommu_domain *d);
/* The domain with ID @id, or NULL (for implementations reading IDs back
 * from their tables). */
struct iommu_domain *iommu_domain_of(uint16_t id);

int iommu_attach(struct iommu_domain *d, uint16_t seg, uint8_t bus, uint8_t devfn);
int iommu_detach(uint16_t seg, uint8_t bus, uint8_t devfn);
int iommu_block(uint16_t seg, uint8_t bus, uint8_t devfn);

int iommu_irte_alloc(uint16_t seg, uint16_t rid);
int iommu_irte_set(int h, uint32_t dest, uint8_t vector);
void iommu_irte_clear(int h);
void iommu_irte_free(int h);
/* -ENODEV without an IOMMU (then @addr and @data are 0). */
int iommu_irte_msi(int h, uint64_t *addr, uint32_t *data);
unsigned int iommu_irte_index(int h);

void iommu_fault_poll(void);
unsigned int iommu_fault_count(uint16_t seg, uint16_t rid);
unsigned int iommu_fault_irqs(void);

#endif
