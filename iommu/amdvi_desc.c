// SPDX-License-Identifier: MIT
/*
 * AMD-Vi structure encodings (AMD IOMMU spec #48882 rev 3.x): device table
 * entry 2.2.2.1 (Table 7), 128-bit IRTE 2.2.5.2, commands 2.4, event log
 * entries 2.5, base registers 3.4. Bit positions are named once below, by
 * qword of the entry they live in.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/err.h"
#include "iommu/amdvi_desc.h"

#define ADDR_52	     0x000FFFFFFFFFFFFFull /* system physical addresses: 52 bits */
#define ADDR_4K	     0x000FFFFFFFFFF000ull
#define FIELD(v, s)  ((uint64_t)(v) << (s))
#define GET(q, s, w) ((unsigned int)(((q) >> (s)) & ((1ull << (w)) - 1)))

/* DTE qword 0 */
#define DTE_V	 0
#define DTE_TV	 1
#define DTE_MODE 9 /* 11:9 */
#define DTE_IR	 61
#define DTE_IW	 62
/* qword 1 (DTE bits 127:64) */
#define DTE_DOMID  0 /* 15:0 */
#define DTE_I	   32
#define DTE_SE	   33
#define DTE_SA	   34
#define DTE_IOCTL  35 /* 36:35 */
#define DTE_CACHE  37
#define DTE_SD	   38
#define DTE_EX	   39
#define DTE_SYSMGT 40 /* 41:40 */
/* qword 2 (DTE bits 191:128) */
#define DTE_IV	      0
#define DTE_INTTABLEN 1 /* 4:1 */
#define DTE_IG	      5
#define DTE_IRT_MASK  0x000FFFFFFFFFFFC0ull /* 51:6 */
#define DTE_INITPASS  56
#define DTE_EINTPASS  57
#define DTE_NMIPASS   58
#define DTE_INTCTL    60 /* 61:60 */
#define DTE_LINT0     62
#define DTE_LINT1     63

#define IRT_ALIGN 128 /* the interrupt table's alignment (2.2.2.1) */

#define Q0_KNOWN                                                                                \
	(FIELD(1, DTE_V) | FIELD(1, DTE_TV) | FIELD(7, DTE_MODE) | ADDR_4K | FIELD(1, DTE_IR) | \
	 FIELD(1, DTE_IW))
#define Q1_KNOWN                                                                            \
	(FIELD(0xFFFF, DTE_DOMID) | FIELD(1, DTE_I) | FIELD(1, DTE_SE) | FIELD(1, DTE_SA) | \
	 FIELD(3, DTE_IOCTL) | FIELD(1, DTE_CACHE) | FIELD(1, DTE_SD) | FIELD(1, DTE_EX) |  \
	 FIELD(3, DTE_SYSMGT))
#define Q2_KNOWN                                                                          \
	(FIELD(1, DTE_IV) | FIELD(0xF, DTE_INTTABLEN) | FIELD(1, DTE_IG) | DTE_IRT_MASK | \
	 FIELD(1, DTE_INITPASS) | FIELD(1, DTE_EINTPASS) | FIELD(1, DTE_NMIPASS) |        \
	 FIELD(3, DTE_INTCTL) | FIELD(1, DTE_LINT0) | FIELD(1, DTE_LINT1))

static bool addr_ok(uint64_t a, uint64_t align)
{
	return a <= ADDR_52 && !(a & (align - 1));
}

int amdvi_dte_encode(const struct amdvi_dte_fields *f, struct amdvi_dte *d)
{
	if (f->mode > 6 || !addr_ok(f->root, 4096) || f->ioctl > 2 || f->sysmgt > 3 ||
	    f->int_tab_len > AMDVI_INT_TAB_LEN_MAX || !addr_ok(f->irt, IRT_ALIGN) || f->int_ctl > 2)
		return -EINVAL;
	d->q[0] = FIELD(f->v, DTE_V) | FIELD(f->tv, DTE_TV) | FIELD(f->mode, DTE_MODE) | f->root |
		  FIELD(f->ir, DTE_IR) | FIELD(f->iw, DTE_IW);
	d->q[1] = FIELD(f->domid, DTE_DOMID) | FIELD(f->i, DTE_I) | FIELD(f->se, DTE_SE) |
		  FIELD(f->sa, DTE_SA) | FIELD(f->ioctl, DTE_IOCTL) | FIELD(f->cache, DTE_CACHE) |
		  FIELD(f->sd, DTE_SD) | FIELD(f->ex, DTE_EX) | FIELD(f->sysmgt, DTE_SYSMGT);
	d->q[2] = FIELD(f->iv, DTE_IV) | FIELD(f->int_tab_len, DTE_INTTABLEN) |
		  FIELD(f->ig, DTE_IG) | f->irt | FIELD(f->init_pass, DTE_INITPASS) |
		  FIELD(f->eint_pass, DTE_EINTPASS) | FIELD(f->nmi_pass, DTE_NMIPASS) |
		  FIELD(f->int_ctl, DTE_INTCTL) | FIELD(f->lint0_pass, DTE_LINT0) |
		  FIELD(f->lint1_pass, DTE_LINT1);
	d->q[3] = 0;
	return 0;
}

int amdvi_dte_decode(const struct amdvi_dte *d, struct amdvi_dte_fields *f)
{
	uint64_t q0 = d->q[0], q1 = d->q[1], q2 = d->q[2];

	*f = (struct amdvi_dte_fields){
		.v = GET(q0, DTE_V, 1),
		.tv = GET(q0, DTE_TV, 1),
		.mode = GET(q0, DTE_MODE, 3),
		.root = q0 & ADDR_4K,
		.ir = GET(q0, DTE_IR, 1),
		.iw = GET(q0, DTE_IW, 1),
		.domid = (uint16_t)GET(q1, DTE_DOMID, 16),
		.i = GET(q1, DTE_I, 1),
		.se = GET(q1, DTE_SE, 1),
		.sa = GET(q1, DTE_SA, 1),
		.ioctl = GET(q1, DTE_IOCTL, 2),
		.cache = GET(q1, DTE_CACHE, 1),
		.sd = GET(q1, DTE_SD, 1),
		.ex = GET(q1, DTE_EX, 1),
		.sysmgt = GET(q1, DTE_SYSMGT, 2),
		.iv = GET(q2, DTE_IV, 1),
		.int_tab_len = GET(q2, DTE_INTTABLEN, 4),
		.ig = GET(q2, DTE_IG, 1),
		.irt = q2 & DTE_IRT_MASK,
		.init_pass = GET(q2, DTE_INITPASS, 1),
		.eint_pass = GET(q2, DTE_EINTPASS, 1),
		.nmi_pass = GET(q2, DTE_NMIPASS, 1),
		.int_ctl = GET(q2, DTE_INTCTL, 2),
		.lint0_pass = GET(q2, DTE_LINT0, 1),
		.lint1_pass = GET(q2, DTE_LINT1, 1),
	};
	/* what the encoder would refuse, or never writes */
	if ((q0 & ~Q0_KNOWN) || (q1 & ~Q1_KNOWN) || (q2 & ~Q2_KNOWN) || d->q[3] || f->mode > 6 ||
	    f->ioctl > 2 || f->int_tab_len > AMDVI_INT_TAB_LEN_MAX || f->int_ctl > 2 ||
	    (f->irt & (IRT_ALIGN - 1)))
		return -EINVAL;
	return 0;
}

int amdvi_domid_check(unsigned int domid)
{
	return domid >= AMDVI_DOMID_MIN && domid <= AMDVI_DOMID_MAX ? 0 : -EINVAL;
}

/* V, TV, @mode over @root in @domid with @rw; interrupts aborted (IV=1,
 * IntCtl 0, no pass bits): a device's MSIs go nowhere until remapped. */
static int dte_table(uint64_t root, unsigned int mode, uint16_t domid, bool rw, struct amdvi_dte *d)
{
	const struct amdvi_dte_fields f = {
		.v = true,
		.tv = true,
		.mode = mode,
		.root = root,
		.ir = rw,
		.iw = rw,
		.domid = domid,
		.iv = true,
		.int_ctl = AMDVI_INTCTL_ABORT,
	};

	if ((mode != 3 && mode != 4) || amdvi_domid_check(domid))
		return -EINVAL;
	return amdvi_dte_encode(&f, d);
}

int amdvi_dte_blocked(uint64_t zero_table, uint16_t domid, bool rw, struct amdvi_dte *d)
{
	return dte_table(zero_table, 3, domid, rw, d);
}

int amdvi_dte_translated(uint64_t root, unsigned int mode, uint16_t domid, struct amdvi_dte *d)
{
	return dte_table(root, mode, domid, true, d);
}

int amdvi_dte_intremap(struct amdvi_dte *d, uint64_t irt, unsigned int int_tab_len)
{
	const uint64_t fields = FIELD(1, DTE_IV) | FIELD(0xF, DTE_INTTABLEN) | DTE_IRT_MASK |
				FIELD(1, DTE_INITPASS) | FIELD(1, DTE_EINTPASS) |
				FIELD(1, DTE_NMIPASS) | FIELD(3, DTE_INTCTL) | FIELD(1, DTE_LINT0) |
				FIELD(1, DTE_LINT1);

	if (!addr_ok(irt, IRT_ALIGN) || int_tab_len > AMDVI_INT_TAB_LEN_MAX)
		return -EINVAL;
	d->q[2] = (d->q[2] & ~fields) | FIELD(1, DTE_IV) | FIELD(int_tab_len, DTE_INTTABLEN) | irt |
		  FIELD(AMDVI_INTCTL_REMAP, DTE_INTCTL);
	return 0;
}

/* IRTE, 128-bit (2.2.5.2): lo 0 RemapEn, 1 SupIOPF, 4:2 IntType, 5 RqEoi,
 * 6 DM, 7 GuestMode, 31:8 Destination 23:0; hi 7:0 Vector, 63:56
 * Destination 31:24. */
#define IRTE_LO_KNOWN 0x00000000FFFFFF7Full /* all but GuestMode and 63:32 */
#define IRTE_HI_KNOWN 0xFF000000000000FFull

int amdvi_irte_encode(const struct amdvi_irte_fields *f, bool x2apic, struct amdvi_irte *e)
{
	if (f->int_type > AMDVI_INTTYPE_ARBITRATED || (!x2apic && f->dest > 0xFF))
		return -EINVAL;
	e->lo = FIELD(f->remap_en, 0) | FIELD(f->sup_iopf, 1) | FIELD(f->int_type, 2) |
		FIELD(f->rq_eoi, 5) | FIELD(f->dm, 6) | FIELD(f->dest & 0xFFFFFF, 8);
	e->hi = f->vector | FIELD(f->dest >> 24, 56);
	return 0;
}

int amdvi_irte_decode(const struct amdvi_irte *e, struct amdvi_irte_fields *f)
{
	*f = (struct amdvi_irte_fields){
		.remap_en = GET(e->lo, 0, 1),
		.sup_iopf = GET(e->lo, 1, 1),
		.int_type = GET(e->lo, 2, 3),
		.rq_eoi = GET(e->lo, 5, 1),
		.dm = GET(e->lo, 6, 1),
		.dest = GET(e->lo, 8, 24) | (uint32_t)GET(e->hi, 56, 8) << 24,
		.vector = (uint8_t)GET(e->hi, 0, 8),
	};
	if ((e->lo & ~IRTE_LO_KNOWN) || (e->hi & ~IRTE_HI_KNOWN) ||
	    f->int_type > AMDVI_INTTYPE_ARBITRATED)
		return -EINVAL;
	return 0;
}

int amdvi_irte_remap(uint32_t dest, uint8_t vector, bool x2apic, struct amdvi_irte *e)
{
	const struct amdvi_irte_fields f = {
		.remap_en = true,
		.int_type = AMDVI_INTTYPE_FIXED,
		.dest = dest,
		.vector = vector,
	};

	return amdvi_irte_encode(&f, x2apic, e);
}

int amdvi_msi_data(unsigned int index, unsigned int int_tab_len, uint32_t *data)
{
	if (int_tab_len > AMDVI_INT_TAB_LEN_MAX || index >= 1u << int_tab_len ||
	    index > AMDVI_MSI_INDEX_MAX)
		return -EINVAL;
	*data = index;
	return 0;
}

/* Commands (2.4): the opcode in bits 63:60 of the first qword. */
static struct amdvi_cmd cmd(unsigned int op, uint64_t lo, uint64_t hi)
{
	return (struct amdvi_cmd){lo | FIELD(op, 60), hi};
}

int amdvi_cmd_completion_wait(uint64_t store, uint64_t data, struct amdvi_cmd *c)
{
	if (!addr_ok(store, 8))
		return -EINVAL;
	/* S (bit 0): store; I (1) and F (2) clear; address 51:3 in place */
	*c = cmd(AMDVI_CMD_COMPLETION_WAIT, store | 1, data);
	return 0;
}

struct amdvi_cmd amdvi_cmd_inv_devtab_entry(uint16_t devid)
{
	return cmd(AMDVI_CMD_INV_DEVTAB_ENTRY, devid, 0);
}

/* INVALIDATE_IOMMU_PAGES: PASID 19:0 (0), DomainID 47:32, GN 48 (0); hi:
 * S 0, PDE 1, Address 63:12. With S the address's lowest clear bit from 12
 * up, at position k, gives the size 2^(k+1). */
#define INV_S	(1ull << 0)
#define INV_PDE (1ull << 1)

int amdvi_cmd_inv_pages(uint16_t domid, uint64_t iova, uint64_t size, bool pde, struct amdvi_cmd *c)
{
	uint64_t hi = iova | (pde ? INV_PDE : 0);

	if (size < 4096 || (size & (size - 1)) || (iova & (size - 1)))
		return -EINVAL;
	if (size > 4096) /* ones from bit 12 up to the one below log2(size) - 1 */
		hi |= INV_S | ((size / 2 - 1) & ~0xFFFull);
	*c = cmd(AMDVI_CMD_INV_IOMMU_PAGES, FIELD(domid, 32), hi);
	return 0;
}

struct amdvi_cmd amdvi_cmd_inv_pages_all(uint16_t domid)
{
	return cmd(AMDVI_CMD_INV_IOMMU_PAGES, FIELD(domid, 32),
		   0x7FFFFFFFFFFFF000ull | INV_S | INV_PDE);
}

struct amdvi_cmd amdvi_cmd_inv_interrupt_table(uint16_t devid)
{
	return cmd(AMDVI_CMD_INV_INTERRUPT_TABLE, devid, 0);
}

struct amdvi_cmd amdvi_cmd_inv_all(void)
{
	return cmd(AMDVI_CMD_INV_IOMMU_ALL, 0, 0);
}

/* Event log entries (2.5): DeviceID 15:0 and PASID 19:16 (or reserved) in
 * dword 0; DomainID/PASID 15:0 in dword 1 15:0, flags 27:16, EventCode
 * 31:28; the address in dwords 3:2. */
struct event_kind {
	const char *name;
	bool devid, domain, rw;	 /* which fields the event has */
	uint64_t addr_mask;	 /* the address field's bits */
	unsigned int type_width; /* of the Type field at flags 9 and up */
};

static const struct event_kind kinds[] = {
	[AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY] = {"ILLEGAL_DEV_TABLE_ENTRY", true, false, true, ~3ull,
					       0},
	[AMDVI_EVT_IO_PAGE_FAULT] = {"IO_PAGE_FAULT", true, true, true, ~0ull, 0},
	[AMDVI_EVT_DEV_TAB_HW_ERROR] = {"DEV_TAB_HARDWARE_ERROR", true, false, true, ~0xFull, 2},
	[AMDVI_EVT_PAGE_TAB_HW_ERROR] = {"PAGE_TAB_HARDWARE_ERROR", true, true, true, ~7ull, 2},
	[AMDVI_EVT_ILLEGAL_COMMAND_ERROR] = {"ILLEGAL_COMMAND_ERROR", false, false, false, ~0xFull,
					     0},
	[AMDVI_EVT_COMMAND_HW_ERROR] = {"COMMAND_HARDWARE_ERROR", false, false, false, ~0xFull, 2},
	[AMDVI_EVT_IOTLB_INV_TIMEOUT] = {"IOTLB_INV_TIMEOUT", true, false, false, ~0xFull, 0},
	[AMDVI_EVT_INVALID_DEVICE_REQUEST] = {"INVALID_DEVICE_REQUEST", true, false, true, ~0ull,
					      3},
};

/* Hardware-error Type (2 bits) */
static const char *const hw_errors[4] = {"hardware error", "master abort", "target abort",
					 "data error"};

static const char *page_fault_reason(unsigned int flags)
{
	if (flags & AMDVI_EVF_I)
		return "interrupt remapping entry missing or invalid";
	if (flags & AMDVI_EVF_RZ)
		return "reserved bit set in a table entry";
	if (!(flags & AMDVI_EVF_PR))
		return "not present";
	if (flags & AMDVI_EVF_PE)
		return "permission denied";
	return "page fault";
}

static const char *reason(unsigned int code, unsigned int flags, unsigned int type)
{
	switch (code) {
	case AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY:
		return "reserved bit or invalid value in the device table entry";
	case AMDVI_EVT_IO_PAGE_FAULT:
		return page_fault_reason(flags);
	case AMDVI_EVT_DEV_TAB_HW_ERROR:
	case AMDVI_EVT_PAGE_TAB_HW_ERROR:
	case AMDVI_EVT_COMMAND_HW_ERROR:
		return hw_errors[type & 3];
	case AMDVI_EVT_ILLEGAL_COMMAND_ERROR:
		return "unknown opcode or reserved bit in a command";
	case AMDVI_EVT_IOTLB_INV_TIMEOUT:
		return "device IOTLB invalidation timed out";
	case AMDVI_EVT_INVALID_DEVICE_REQUEST:
		return "request the device table does not allow";
	}
	return "unknown event code";
}

void amdvi_event_decode(const uint64_t ev[2], struct amdvi_event *out)
{
	unsigned int code = GET(ev[0], 60, 4), flags = GET(ev[0], 48, 12);
	const struct event_kind *k;

	*out = (struct amdvi_event){.code = code, .flags = flags, .name = "UNKNOWN"};
	out->reason = reason(code, flags, 0);
	if (code >= sizeof(kinds) / sizeof(kinds[0]) || !kinds[code].name)
		return;
	k = &kinds[code];
	out->known = true;
	out->name = k->name;
	out->has_devid = k->devid;
	out->has_domain = k->domain;
	out->has_addr = true; /* every known event has one */
	if (k->devid)
		out->devid = (uint16_t)GET(ev[0], 0, 16);
	if (k->domain) {
		out->guest = flags & AMDVI_EVF_GN;
		out->domain = GET(ev[0], 32, 16) | (out->guest ? GET(ev[0], 16, 4) << 16 : 0);
	}
	if (k->rw)
		out->write = flags & AMDVI_EVF_RW;
	out->addr = ev[1] & k->addr_mask;
	if (k->type_width)
		out->err_type = (flags >> 9) & ((1u << k->type_width) - 1);
	out->reason = reason(code, flags, out->err_type);
}

int amdvi_devtab_base(uint64_t base, uint64_t bytes, uint64_t *reg)
{
	if (!addr_ok(base, 4096) || !bytes || (bytes & 4095) ||
	    bytes > (uint64_t)AMDVI_DEVTAB_ENTRIES * AMDVI_DTE_SIZE)
		return -EINVAL;
	*reg = base | (bytes / 4096 - 1);
	return 0;
}

int amdvi_ring_base(uint64_t base, unsigned int len_log2, uint64_t *reg)
{
	if (!addr_ok(base, 4096) || len_log2 < 8 || len_log2 > 15)
		return -EINVAL;
	*reg = base | FIELD(len_log2, 56);
	return 0;
}
