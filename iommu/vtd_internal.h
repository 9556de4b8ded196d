/* SPDX-License-Identifier: MIT */
/* State shared by the VT-d driver's files (vtd.c, vtd_irq.c, vtd_fault.c). */
#ifndef VF_VTD_INTERNAL_H
#define VF_VTD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "iommu/dmar.h"
#include "iommu/iommu.h"
#include "iommu/vtd_desc.h"
#include "lib/spinlock.h"

#define VTD_IQ_ENTRIES	256 /* one 4 KiB page of 128-bit descriptors */
#define VTD_IRT_ENTRIES 256

struct vtd_unit {
	uint64_t base;
	uint16_t segment;
	uint64_t cap, ecap;
	bool coherent;
	unsigned int fro, nfr;	/* fault recording registers: offset, count */
	uint64_t root, iq, irt; /* physical addresses of the tables */
	unsigned int iq_tail;
	uint32_t wait_seq;
	volatile uint32_t wait_status;
	spinlock_t lock;
	uint8_t irt_used[VTD_IRT_ENTRIES / 8];
};

extern struct vtd_unit vtd_units[DMAR_MAX_UNITS];
extern unsigned int vtd_unit_count;
extern struct dmar_info vtd_dmar;
extern bool vtd_x2apic;

uint32_t vtd_rd32(const struct vtd_unit *u, uint32_t off);
uint64_t vtd_rd64(const struct vtd_unit *u, uint32_t off);
void vtd_wr32(const struct vtd_unit *u, uint32_t off, uint32_t v);
void vtd_wr64(const struct vtd_unit *u, uint32_t off, uint64_t v);
void vtd_flush(const struct vtd_unit *u, const void *p, uint64_t len);
int vtd_qi_submit(struct vtd_unit *u, const struct vtd_q *d, unsigned int n);
/* Index of the unit translating @seg:@rid, or a negative error. */
int vtd_unit_of(uint16_t seg, uint16_t rid);
void vtd_fault_setup(struct vtd_unit *u, uint32_t apic_id);
/* The name of the domain @seg:@rid is attached to, or NULL. */
const char *vtd_owner_name(uint16_t seg, uint16_t rid);

/* The iommu_ops entries of vtd_irq.c and vtd_fault.c (iommu.h says what
 * each does). */
int vtd_irte_alloc(uint16_t seg, uint16_t rid);
int vtd_irte_set(int h, uint32_t dest, uint8_t vector);
void vtd_irte_clear(int h);
void vtd_irte_free(int h);
void vtd_irte_msi(int h, uint64_t *addr, uint32_t *data);
unsigned int vtd_irte_index(int h);
void vtd_fault_poll(void);
unsigned int vtd_fault_count(uint16_t seg, uint16_t rid);
unsigned int vtd_fault_irqs(void);

#endif
