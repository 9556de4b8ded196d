// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/vmsix.c. Feeds: the table geometry (entries 1-64,
 * table and PBA placement, IRTE base), then guest reads and writes of any
 * size and offset with any value, MSI-X Enable / Function Mask changes, FLR
 * resets, a failing irte_set() and changes of the real PBA. Checks, on every
 * callback: the real table only ever gets the entry's own remappable message;
 * an IRTE is set or cleared only while its real entry is masked, for the
 * guest's own CPUs and vectors >= 16; a real entry is unmasked only with its
 * IRTE present. After every step: each unmasked real entry delivers exactly
 * what the guest asked (its vector, to the CPU its destination names) and
 * only while the guest has it, the function and MSI-X unmasked and enabled;
 * refused accesses read all ones.
 */
#include <string.h>
#include "lib/err.h"
#include "hv/platform/vmsix.h"
#include "fuzz.h"

/* The guest owns guest APIC IDs 2, 3 and 7 (on physical 2, 3 and 0x47). */
static const uint32_t own_guest[] = {2, 3, 7}, own_phys[] = {2, 3, 0x47};

static struct {
	bool hw_masked[VMSIX_MAX_ENTRIES];
	bool irte_present[VMSIX_MAX_ENTRIES];
	uint32_t irte_dest[VMSIX_MAX_ENTRIES];
	uint8_t irte_vector[VMSIX_MAX_ENTRIES];
	unsigned int n, irte_base;
	bool fail_next;
	uint32_t pba[2];
} f;

static bool guest_dest(void *ctx, uint32_t guest, uint32_t *phys)
{
	FUZZ_CHECK(ctx == &f);
	for (unsigned int i = 0; i < 3; i++)
		if (own_guest[i] == guest) {
			*phys = own_phys[i];
			return true;
		}
	return false;
}

static int irte_set(void *ctx, unsigned int entry, uint32_t dest, uint8_t vector)
{
	FUZZ_CHECK(ctx == &f && entry < f.n);
	FUZZ_CHECK(dest == 2 || dest == 3 || dest == 0x47);
	FUZZ_CHECK(vector >= 16 && f.hw_masked[entry]);
	if (f.fail_next) {
		f.fail_next = false;
		f.irte_present[entry] = false;
		return -EIO;
	}
	f.irte_present[entry] = true;
	f.irte_dest[entry] = dest;
	f.irte_vector[entry] = vector;
	return 0;
}

static void irte_clear(void *ctx, unsigned int entry)
{
	FUZZ_CHECK(ctx == &f && entry < f.n && f.hw_masked[entry]);
	f.irte_present[entry] = false;
}

/* A remappable message naming the entry's IRTE (the handle in 19:5). */
static uint64_t msg_addr(unsigned int entry)
{
	return 0xFEE00010ull | (uint64_t)((f.irte_base + entry) & 0x7FFF) << 5;
}

static void msi_msg(void *ctx, unsigned int entry, uint64_t *addr, uint32_t *data)
{
	FUZZ_CHECK(ctx == &f && entry < f.n);
	*addr = msg_addr(entry);
	*data = 0;
}

static void hw_entry(void *ctx, unsigned int entry, uint64_t addr, uint32_t data, bool masked)
{
	FUZZ_CHECK(ctx == &f && entry < f.n);
	FUZZ_CHECK(addr == msg_addr(entry) && data == 0);
	FUZZ_CHECK(masked || f.irte_present[entry]);
	f.hw_masked[entry] = masked;
}

static uint32_t hw_pba(void *ctx, unsigned int dword)
{
	FUZZ_CHECK(ctx == &f && dword < 2);
	return f.pba[dword];
}

static const struct vmsix_ops ops = {guest_dest, irte_set, irte_clear, msi_msg, hw_entry, hw_pba};

/* Every live real entry delivers what the guest asked, and only then. */
static void check_live(const struct vmsix *v)
{
	for (unsigned int i = 0; i < f.n; i++) {
		const struct vmsix_entry *e = &v->e[i];
		uint32_t phys;

		if (f.hw_masked[i])
			continue;
		FUZZ_CHECK(v->enable && !v->fmask && !e->masked);
		FUZZ_CHECK(f.irte_present[i]);
		FUZZ_CHECK(f.irte_vector[i] == (e->data & 0xFF));
		FUZZ_CHECK((e->addr_lo & 0xFFF00000u) == 0xFEE00000u && e->addr_hi == 0);
		FUZZ_CHECK(!(e->addr_lo & 4)); /* physical destination mode */
		FUZZ_CHECK(guest_dest(&f, (e->addr_lo >> 12) & 0xFF, &phys) &&
			   phys == f.irte_dest[i]);
		FUZZ_CHECK(vmsix_why(v, i) == VMSIX_LIVE);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmsix v;
	struct fuzz_in in = {data, size};
	uint8_t geo = fuzz_u8(&in);
	uint32_t table_off, pba_off, span;

	memset(&f, 0, sizeof(f));
	f.n = 1 + (fuzz_u8(&in) & 63);
	f.irte_base = fuzz_u16(&in) & 0x1FFF;
	span = (f.n * VMSIX_ENTRY_SIZE + 0xFFF) & ~0xFFFu;
	table_off = (geo & 1) ? span : 0;
	pba_off = (geo & 1) ? 0 : span;
	if (geo & 2) /* maybe overlapping or unaligned: must be refused */
		pba_off = (uint32_t)(geo >> 2) << 3;
	for (unsigned int i = 0; i < VMSIX_MAX_ENTRIES; i++)
		f.hw_masked[i] = true;
	if (vmsix_init(&v, f.n, table_off, pba_off, f.irte_base, &ops, &f))
		return 0;
	check_live(&v);
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);
		unsigned int sz = (op & 8) ? 8 : (op & 16) ? 4 : (op >> 5);
		uint64_t off, val;

		switch (op & 7) {
		case 0:
		case 1:
		case 2: {
			/* Mostly inside the table, in entry/field terms. */
			uint8_t where = fuzz_u8(&in);

			off = (op & 2) ? fuzz_u16(&in)
				       : table_off + (where % f.n) * 16 + (fuzz_u8(&in) & 0xF);
			if (op & 1) {
				val = (where & 0x80) ? fuzz_u64(&in)
						     : 0xFEE00000u | (uint64_t)fuzz_u8(&in) << 12 |
							       (uint64_t)fuzz_u16(&in) << 32;
				vmsix_write(&v, off, sz, val);
			} else {
				uint64_t r = vmsix_read(&v, off, sz);

				if (sz != 4 && sz != 8)
					FUZZ_CHECK(r == ~0ull || r == 0xFFFFFFFFull);
			}
			break;
		}
		case 3:
			vmsix_ctrl(&v, op & 8, op & 16);
			break;
		case 4:
			vmsix_reset(&v);
			break;
		case 5:
			f.fail_next = true;
			break;
		default:
			f.pba[(op >> 3) & 1] = fuzz_u32(&in);
			break;
		}
		check_live(&v);
	}
	return 0;
}
