// SPDX-License-Identifier: MIT
/*
 * Guest MSI-X table emulation (PCI Express Base 6.7.2 for the table/PBA
 * layout; Intel SDM vol. 3A 11.11 for the compatibility-format message the
 * guest writes). What the real table gets is the IOMMU's message for the
 * entry's IRTE, from vmsix_ops.msi_msg().
 */
#include "lib/err.h"
#include "hv/platform/vmsix.h"

#define MSI_ADDR_BASE_MASK 0xFFF00000u
#define MSI_ADDR_BASE	   0xFEE00000u
#define MSI_ADDR_DEST(a)   (((a) >> 12) & 0xFF)
#define MSI_ADDR_EXT_DEST  (0x7Fu << 5) /* virt_ext_dest_id: not offered */
#define MSI_ADDR_IF	   (1u << 4)	/* interrupt format: remappable */
#define MSI_ADDR_DM	   (1u << 2)	/* destination mode: logical */
#define MSI_DATA_VECTOR(d) ((d)&0xFF)
#define MSI_DATA_DM(d)	   (((d) >> 8) & 7)

#define CTRL_MASK 1u

/* Entry dwords */
enum { D_ADDR_LO, D_ADDR_HI, D_DATA, D_CTRL };

static unsigned int pba_dwords(unsigned int n)
{
	return (n + 63) / 64 * 2;
}

enum vmsix_why vmsix_msg_translate(uint32_t addr_lo, uint32_t addr_hi, uint32_t data,
				   bool (*guest_dest)(void *ctx, uint32_t guest_apic_id,
						      uint32_t *phys_apic_id),
				   void *ctx, uint32_t *dest, uint8_t *vector)
{
	if ((addr_lo & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE ||
	    (addr_lo & (MSI_ADDR_IF | MSI_ADDR_EXT_DEST)) || addr_hi)
		return VMSIX_BAD_ADDR;
	if (addr_lo & MSI_ADDR_DM)
		return VMSIX_LOGICAL;
	if (MSI_DATA_VECTOR(data) < 16)
		return VMSIX_BAD_VECTOR;
	if (MSI_DATA_DM(data) > 1)
		return VMSIX_BAD_MODE;
	if (!guest_dest(ctx, MSI_ADDR_DEST(addr_lo), dest))
		return VMSIX_NOT_OWN;
	*vector = (uint8_t)MSI_DATA_VECTOR(data);
	return VMSIX_LIVE;
}

/* The guest's message as an IRTE target, or why it cannot be one. */
static enum vmsix_why translate(const struct vmsix *v, const struct vmsix_entry *e, uint32_t *dest,
				uint8_t *vector)
{
	return vmsix_msg_translate(e->addr_lo, e->addr_hi, e->data, v->ops->guest_dest, v->ctx,
				   dest, vector);
}

static void hw_mask(struct vmsix *v, unsigned int i, bool masked)
{
	struct vmsix_entry *e = &v->e[i];
	uint64_t addr;
	uint32_t data;

	if (e->hw_masked == masked)
		return;
	e->hw_masked = masked;
	v->ops->msi_msg(v->ctx, i, &addr, &data);
	v->ops->hw_entry(v->ctx, i, addr, data, masked);
}

/* Bring the real entry and its IRTE in line with the guest's view. */
static void sync_entry(struct vmsix *v, unsigned int i)
{
	struct vmsix_entry *e = &v->e[i];
	enum vmsix_why why = VMSIX_MASKED;
	uint32_t dest = 0;
	uint8_t vector = 0;

	if (v->enable && !v->fmask && !e->masked)
		why = translate(v, e, &dest, &vector);

	if (why == VMSIX_LIVE &&
	    !(e->irte == VMSIX_IRTE_SET && e->irte_dest == dest && e->irte_vector == vector)) {
		/* Never an interrupt through a half-written IRTE. */
		hw_mask(v, i, true);
		if (v->ops->irte_set(v->ctx, i, dest, vector)) {
			e->irte = VMSIX_IRTE_UNKNOWN;
			v->irte_fail++;
			why = VMSIX_IRTE_FAIL;
		} else {
			e->irte = VMSIX_IRTE_SET;
			e->irte_dest = dest;
			e->irte_vector = vector;
		}
	}

	if (why == VMSIX_LIVE) {
		hw_mask(v, i, false);
	} else {
		hw_mask(v, i, true);
		/* A refused request leaves no IRTE behind; a mere mask keeps it. */
		if (why != VMSIX_MASKED && why != VMSIX_IRTE_FAIL && e->irte != VMSIX_IRTE_CLEAR) {
			v->ops->irte_clear(v->ctx, i);
			e->irte = VMSIX_IRTE_CLEAR;
		}
		if (why != VMSIX_MASKED && why != VMSIX_IRTE_FAIL && why != e->why)
			v->refused++;
	}
	e->why = why;
}

static void reset_view(struct vmsix *v)
{
	v->enable = v->fmask = false;
	for (unsigned int i = 0; i < v->n; i++) {
		struct vmsix_entry *e = &v->e[i];

		e->addr_lo = e->addr_hi = e->data = 0;
		e->masked = true;
		e->why = VMSIX_MASKED;
	}
}

int vmsix_init(struct vmsix *v, unsigned int n, uint32_t table_off, uint32_t pba_off,
	       unsigned int irte_base, const struct vmsix_ops *ops, void *ctx)
{
	uint64_t t_end = (uint64_t)table_off + n * VMSIX_ENTRY_SIZE;
	uint64_t p_end = (uint64_t)pba_off + pba_dwords(n) * 4;

	if (!n || n > VMSIX_MAX_ENTRIES || (table_off | pba_off) & 7 || !ops || !ops->guest_dest ||
	    !ops->irte_set || !ops->irte_clear || !ops->msi_msg || !ops->hw_entry || !ops->hw_pba)
		return -EINVAL;
	if (table_off < p_end && pba_off < t_end)
		return -EINVAL;
	if ((uint64_t)irte_base + n - 1 > 0xFFFF)
		return -ERANGE;
	*v = (struct vmsix){.ops = ops,
			    .ctx = ctx,
			    .n = n,
			    .table_off = table_off,
			    .pba_off = pba_off,
			    .irte_base = (uint16_t)irte_base};
	reset_view(v);
	for (unsigned int i = 0; i < n; i++) {
		/* The real table is ours from now on: its own IRTE, masked. */
		v->e[i].hw_masked = false;
		hw_mask(v, i, true);
		v->e[i].irte = VMSIX_IRTE_CLEAR;
	}
	return 0;
}

void vmsix_reset(struct vmsix *v)
{
	reset_view(v);
	for (unsigned int i = 0; i < v->n; i++) {
		struct vmsix_entry *e = &v->e[i];

		/* After an FLR the real entry holds nothing of ours: rewrite it. */
		e->hw_masked = false;
		hw_mask(v, i, true);
		if (e->irte != VMSIX_IRTE_CLEAR) {
			v->ops->irte_clear(v->ctx, i);
			e->irte = VMSIX_IRTE_CLEAR;
		}
	}
}

void vmsix_shutdown(struct vmsix *v)
{
	v->shut = true;
	vmsix_reset(v);
}

static bool in_table(const struct vmsix *v, uint64_t off)
{
	return off >= v->table_off && off - v->table_off < (uint64_t)v->n * VMSIX_ENTRY_SIZE;
}

static bool in_pba(const struct vmsix *v, uint64_t off)
{
	return off >= v->pba_off && off - v->pba_off < (uint64_t)pba_dwords(v->n) * 4;
}

/* The access is one the table/PBA accepts: 4 or 8 bytes, aligned, inside. */
static bool access_ok(const struct vmsix *v, uint64_t off, unsigned int size)
{
	if ((size != 4 && size != 8) || off & (size - 1))
		return false;
	/* Both regions are 8-byte aligned and sized, so an aligned qword
	 * whose first byte is inside lies wholly inside. */
	return in_table(v, off) || in_pba(v, off);
}

static uint32_t read_dword(const struct vmsix *v, uint64_t off)
{
	if (in_table(v, off)) {
		const struct vmsix_entry *e = &v->e[(off - v->table_off) / VMSIX_ENTRY_SIZE];

		switch ((off - v->table_off) % VMSIX_ENTRY_SIZE / 4) {
		case D_ADDR_LO:
			return e->addr_lo;
		case D_ADDR_HI:
			return e->addr_hi;
		case D_DATA:
			return e->data;
		default:
			return e->masked ? CTRL_MASK : 0;
		}
	}

	unsigned int dw = (unsigned int)((off - v->pba_off) / 4);
	uint32_t show = 0;

	/* Only pending bits the guest could have caused: entry masked by it. */
	for (unsigned int b = 0; b < 32; b++) {
		unsigned int i = dw * 32 + b;

		if (i < v->n && v->enable && (v->fmask || v->e[i].masked))
			show |= 1u << b;
	}
	return show ? v->ops->hw_pba(v->ctx, dw) & show : 0;
}

uint64_t vmsix_read(struct vmsix *v, uint64_t offset, unsigned int size)
{
	if (!access_ok(v, offset, size)) {
		v->bad_access++;
		return ~0ull;
	}
	if (size == 4)
		return read_dword(v, offset);
	return read_dword(v, offset) | (uint64_t)read_dword(v, offset + 4) << 32;
}

/* Store one dword of an entry's guest view. */
static void store_dword(struct vmsix_entry *e, unsigned int dw, uint32_t val)
{
	switch (dw) {
	case D_ADDR_LO:
		e->addr_lo = val & ~3u; /* dword-aligned: bits 1:0 read only 0 */
		break;
	case D_ADDR_HI:
		e->addr_hi = val;
		break;
	case D_DATA:
		e->data = val;
		break;
	default:
		e->masked = val & CTRL_MASK;
		break;
	}
}

void vmsix_write(struct vmsix *v, uint64_t offset, unsigned int size, uint64_t val)
{
	if (!access_ok(v, offset, size)) {
		v->bad_access++;
		return;
	}
	if (!in_table(v, offset) || v->shut)
		return; /* the PBA is read only */

	unsigned int i = (unsigned int)((offset - v->table_off) / VMSIX_ENTRY_SIZE);
	unsigned int dw = (unsigned int)((offset - v->table_off) % VMSIX_ENTRY_SIZE / 4);

	store_dword(&v->e[i], dw, (uint32_t)val);
	if (size == 8)
		store_dword(&v->e[i], dw + 1, (uint32_t)(val >> 32));
	/* Once, after both halves: a qword write of data and control is one
	 * change, not an unmask of a half-updated message. */
	sync_entry(v, i);
}

void vmsix_ctrl(struct vmsix *v, bool enable, bool fmask)
{
	if (v->shut)
		return;
	v->enable = enable;
	v->fmask = fmask;
	for (unsigned int i = 0; i < v->n; i++)
		sync_entry(v, i);
}

enum vmsix_why vmsix_why(const struct vmsix *v, unsigned int entry)
{
	return entry < v->n ? v->e[entry].why : VMSIX_MASKED;
}

const char *vmsix_why_str(enum vmsix_why why)
{
	switch (why) {
	case VMSIX_LIVE:
		return "live";
	case VMSIX_MASKED:
		return "masked";
	case VMSIX_BAD_ADDR:
		return "not a compatibility-format MSI address";
	case VMSIX_LOGICAL:
		return "logical destination";
	case VMSIX_BAD_VECTOR:
		return "vector below 16";
	case VMSIX_BAD_MODE:
		return "delivery mode not fixed or lowest priority";
	case VMSIX_NOT_OWN:
		return "destination not the guest's CPU";
	case VMSIX_IRTE_FAIL:
		return "interrupt remapping entry not set";
	}
	return "?";
}
