// SPDX-License-Identifier: MIT
/* VT-d structure encodings (VT-d specification 9.1-9.10, 6.5.2, 5.1.4). */
#include "iommu/vtd_desc.h"

#define ADDR_4K 0x000FFFFFFFFFF000ull

struct vtd_q vtd_root_entry(uint64_t ctx_table)
{
	return (struct vtd_q){(ctx_table & ADDR_4K) | 1, 0};
}

struct vtd_q vtd_context_entry(uint64_t slpt, unsigned int levels, uint16_t did)
{
	/* lo: P, FPD 0, TT 00 (untranslated requests, second-level table);
	 * hi: AW = levels - 2 (1: 39-bit, 2: 48-bit), DID in 23:8. */
	return (struct vtd_q){(slpt & ADDR_4K) | 1, (uint64_t)(levels - 2) | ((uint64_t)did << 8)};
}

/* Descriptor types */
#define INV_CC	  0x1
#define INV_IOTLB 0x2
#define INV_IEC	  0x4
#define INV_WAIT  0x5

struct vtd_q vtd_inv_context_global(void)
{
	return (struct vtd_q){INV_CC | (1u << 4), 0};
}

struct vtd_q vtd_inv_context_device(uint16_t did, uint16_t sid)
{
	return (struct vtd_q){INV_CC | (3u << 4) | ((uint64_t)did << 16) | ((uint64_t)sid << 32),
			      0};
}

struct vtd_q vtd_inv_iotlb_global(void)
{
	/* drain reads and writes, as the spec advises before reusing pages */
	return (struct vtd_q){INV_IOTLB | (1u << 4) | (1u << 6) | (1u << 7), 0};
}

struct vtd_q vtd_inv_iotlb_domain(uint16_t did)
{
	return (struct vtd_q){INV_IOTLB | (2u << 4) | (1u << 6) | (1u << 7) | ((uint64_t)did << 16),
			      0};
}

struct vtd_q vtd_inv_iec_global(void)
{
	return (struct vtd_q){INV_IEC, 0};
}

struct vtd_q vtd_inv_iec_index(uint16_t index)
{
	return (struct vtd_q){INV_IEC | (1u << 4) | ((uint64_t)index << 32), 0};
}

struct vtd_q vtd_inv_wait(uint64_t status_addr, uint32_t data)
{
	/* SW (bit 5) with status data in 63:32; IF (bit 4) deliberately clear */
	return (struct vtd_q){INV_WAIT | (1u << 5) | ((uint64_t)data << 32), status_addr & ~3ull};
}

struct vtd_q vtd_irte(uint32_t dest, uint8_t vector, uint16_t sid, bool x2apic)
{
	uint64_t dst = x2apic ? (uint64_t)dest << 32 : (uint64_t)(dest & 0xFF) << 40;

	/* lo: P, FPD 0, DM 0 (physical), RH 0, TM 0 (edge), DLM 000 (fixed);
	 * hi: SID, SQ 00, SVT 01 (verify the requester ID). */
	return (struct vtd_q){1 | ((uint64_t)vector << 16) | dst, (uint64_t)sid | (1ull << 18)};
}

uint64_t vtd_msi_addr(uint16_t index)
{
	return 0xFEE00000ull | ((uint64_t)(index & 0x7FFF) << 5) | (1u << 4) |
	       ((uint64_t)(index >> 15) << 2);
}

uint32_t vtd_msi_data(void)
{
	return 0;
}
