/* SPDX-License-Identifier: MIT */
/*
 * Encodings of the 128-bit VT-d structures the driver writes: root and
 * context entries, invalidation descriptors, interrupt remapping entries and
 * the remappable-format MSI that points at one. Pure, so unit-tested.
 */
#ifndef VF_VTD_DESC_H
#define VF_VTD_DESC_H

#include <stdbool.h>
#include <stdint.h>

struct vtd_q {
	uint64_t lo, hi;
};

/* Root entry for one bus: its context table. */
struct vtd_q vtd_root_entry(uint64_t ctx_table);
/* Context entry: translate untranslated requests through the second-level
 * table @slpt with @levels (3 or 4) in domain @did. */
struct vtd_q vtd_context_entry(uint64_t slpt, unsigned int levels, uint16_t did);

/* Queued invalidation descriptors */
struct vtd_q vtd_inv_context_global(void);
struct vtd_q vtd_inv_context_device(uint16_t did, uint16_t sid);
struct vtd_q vtd_inv_iotlb_global(void);
struct vtd_q vtd_inv_iotlb_domain(uint16_t did);
struct vtd_q vtd_inv_iec_global(void);
struct vtd_q vtd_inv_iec_index(uint16_t index);
/* Wait descriptor with a status write of @data to @status_addr (4-byte
 * aligned). Never with the interrupt flag: SW and IF together abort QEMU. */
struct vtd_q vtd_inv_wait(uint64_t status_addr, uint32_t data);

/* Interrupt remapping entry: fixed delivery, physical destination @dest
 * (x2APIC ID, or xAPIC ID when !@x2apic), edge, @vector, accepted only from
 * requester @sid (SVT = 1, SQ = 0: all 16 bits compared). */
struct vtd_q vtd_irte(uint32_t dest, uint8_t vector, uint16_t sid, bool x2apic);
/* Remappable-format MSI address and data for IRTE @index (SHV = 0). */
uint64_t vtd_msi_addr(uint16_t index);
uint32_t vtd_msi_data(void);

#endif
