// SPDX-License-Identifier: MIT
/*
 * The AMD-Vi driver (iommu/amdvi.c) through the IOMMU interface, against a
 * model of one unit behind its register accessor: commands run when the
 * tail is written (COMPLETION_WAIT stores as QEMU's do), everything else is
 * a plain register. Checks bring-up (the blocked device table, CONTROL),
 * refusal without GASup, attach with its invalidations, per-requester
 * interrupt tables with unit-wide indices, and a fault drained from the
 * event log's memory and logged in VT-d's shape.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "drivers/acpi/acpi.h"
#include "drivers/apic/apic.h"
#include "drivers/pci/pci.h"
#include "hv/core/idt.h"
#include "hv/core/paging.h"
#include "iommu/amdvi.h"
#include "iommu/amdvi_desc.h"
#include "iommu/amdvi_regs.h"
#include "iommu/iommu.h"
#include "iommu/ivrs.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "lib/ratelimit.h"
#include "fake_printk.h"
#include "fake_pt.h"

#define POOL	  (8u << 20)
#define ADDR_MASK 0x000FFFFFFFFFF000ull /* base registers, 51:12 */

/* ---- the environment the driver needs ---- */

const struct iommu_ops vtd_iommu_ops; /* iommu.c's other candidate: unused */
static uint8_t ivrs_table[256];
static unsigned int ivrs_len;

const void *acpi_map(uint64_t phys, uint64_t len)
{
	(void)len;
	return phys == 0x1000 ? ivrs_table : NULL;
}

int paging_map_mmio(uint64_t phys, uint64_t len)
{
	(void)phys;
	(void)len;
	return 0;
}

void idt_set_handler(uint8_t vector, irq_handler_t fn)
{
	(void)vector;
	(void)fn;
}

void apic_eoi(void)
{
}

struct pci_dev *pci_find(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	(void)seg;
	(void)bus;
	(void)devfn;
	return NULL; /* no MSI for the unit: faults are polled */
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	(void)d;
	(void)off;
	return 0;
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	(void)d;
	(void)off;
	(void)v;
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	(void)d;
	(void)off;
	(void)v;
}

/* ---- the unit's model ---- */

static uint64_t *regs; /* 16 KiB, 16 KiB aligned: its address is the base */
static unsigned int ops[64], nops;

static uint64_t reg(uint32_t off)
{
	return regs[off / 8];
}

static uint64_t fake_rd64(uint64_t addr)
{
	return regs[(addr - (uint64_t)(uintptr_t)regs) / 8];
}

/* Run the commands from head to the new tail, as the unit would. */
static void fake_wr64(uint64_t addr, uint64_t v)
{
	uint32_t off = (uint32_t)(addr - (uint64_t)(uintptr_t)regs);
	uint64_t base = reg(AMDVI_CMDBUF_BASE) & ADDR_MASK;
	unsigned int len = 1u << ((reg(AMDVI_CMDBUF_BASE) >> 56) & 0xF);

	if (off == AMDVI_STATUS) { /* its event bits are write-1-to-clear */
		regs[off / 8] &= ~(v & (AMDVI_STS_EVT_OVERFLOW | AMDVI_STS_EVT_LOG_INT));
		return;
	}
	regs[off / 8] = v;
	if (off != AMDVI_CMDBUF_TAIL || !(reg(AMDVI_CONTROL) & AMDVI_CTRL_CMDBUF_EN) ||
	    !(reg(AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN))
		return;
	for (unsigned int h = (unsigned int)(reg(AMDVI_CMDBUF_HEAD) >> 4); h != v >> 4;
	     h = (h + 1) % len) {
		const uint64_t *c = (const uint64_t *)(uintptr_t)(base + 16 * h);
		unsigned int op = (unsigned int)(c[0] >> 60);

		if (nops < 64)
			ops[nops++] = op;
		if (op == AMDVI_CMD_COMPLETION_WAIT && (c[0] & 1))
			*(uint64_t *)(uintptr_t)(c[0] & 0x000FFFFFFFFFFFF8ull) = c[1];
		regs[AMDVI_CMDBUF_HEAD / 8] = (uint64_t)((h + 1) % len) << 4;
	}
}

/* ---- set-up ---- */

static struct palloc pa;
static struct fake_pt_pool fp;
static struct acpi_info ai;

static void put(unsigned int off, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		ivrs_table[off + i] = (uint8_t)(v >> (8 * i));
}

/* One 11h IVHD at @base with the @n bytes of device entries @ent. */
static void build_ivrs_entries(uint64_t base, uint64_t efr, const uint8_t *ent, unsigned int n)
{
	uint8_t sum = 0;

	memset(ivrs_table, 0, sizeof(ivrs_table));
	memcpy(ivrs_table, "IVRS", 4);
	ivrs_len = 48 + 40 + n;
	put(4, ivrs_len, 4);
	put(8, 2, 1);
	put(36, IVRS_IVINFO_EFR_SUP | 40u << 8, 4);
	put(48, 0x11, 1);   /* IVHD type */
	put(50, 40 + n, 2); /* length */
	put(52, 0x0008, 2); /* the IOMMU at 00:01.0 */
	put(54, 0x40, 2);   /* capability offset */
	put(56, base, 8);
	put(72, efr, 8);
	memcpy(&ivrs_table[88], ent, n);
	for (unsigned int i = 0; i < ivrs_len; i++)
		sum = (uint8_t)(sum + ivrs_table[i]);
	ivrs_table[9] = (uint8_t)-sum;
	memset(&ai, 0, sizeof(ai));
	memcpy(ai.tables[0].sig, "IVRS", 5);
	ai.table_count = 1;
	ai.have_ivrs = true;
	ai.ivrs_phys = 0x1000;
	ai.ivrs_len = ivrs_len;
}

/* Append an IVMD of @type for device IDs @first..@last. */
static void add_ivmd(uint8_t type, uint8_t flags, uint16_t first, uint16_t last, uint64_t start,
		     uint64_t length)
{
	unsigned int at = ivrs_len;
	uint8_t sum = 0;

	ivrs_len += 32;
	put(4, ivrs_len, 4);
	put(at, type, 1);
	put(at + 1, flags, 1);
	put(at + 2, 32, 2);
	put(at + 4, first, 2);
	put(at + 6, type == 0x22 ? last : 0, 2);
	put(at + 16, start, 8);
	put(at + 24, length, 8);
	ivrs_table[9] = 0;
	for (unsigned int i = 0; i < ivrs_len; i++)
		sum = (uint8_t)(sum + ivrs_table[i]);
	ivrs_table[9] = (uint8_t)-sum;
	ai.ivrs_len = ivrs_len;
}

/* QEMU's shape: one "all devices" entry. */
static void build_ivrs(uint64_t base, uint64_t efr)
{
	static const uint8_t all[] = {0x01, 0, 0, 0};

	build_ivrs_entries(base, efr, all, sizeof(all));
}

static const struct iommu_setup setup_x2 = {.pa = &pa, .x2apic = true, .fault_apic_id = 0};

static int setup(void **state)
{
	(void)state;
	regs = aligned_alloc(AMDVI_MMIO_SIZE, AMDVI_MMIO_SIZE);
	assert_non_null(regs);
	memset(regs, 0, AMDVI_MMIO_SIZE);
	regs[AMDVI_EFR / 8] = 0x29d7; /* QEMU 10.0.2 with xtsup=on */
	amdvi_mmio = (struct amdvi_mmio){fake_rd64, fake_wr64};
	nops = 0;
	fake_pt_pool_init(&fp, POOL, &pa);
	printk_reset();
	build_ivrs((uint64_t)(uintptr_t)regs, 0x29d7);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (uint16_t id = 1; id <= IOMMU_MAX_DOMAINS; id++) {
		struct iommu_domain *d = iommu_domain_of(id);

		if (d) {
			d->attached = 0;
			iommu_domain_destroy(d);
		}
	}
	memset(&ai, 0, sizeof(ai));
	iommu_init(&ai, &setup_x2); /* back to no IOMMU */
	fake_pt_pool_fini(&fp);
	free(regs);
	return 0;
}

static const struct amdvi_dte *dte(uint16_t rid)
{
	return (const struct amdvi_dte *)(uintptr_t)(reg(AMDVI_DEVTAB_BASE) & ADDR_MASK) + rid;
}

/* ---- tests ---- */

static void test_init(void **state)
{
	struct amdvi_dte_fields f;
	uint64_t ctl;

	(void)state;
	assert_int_equal(iommu_init(&ai, &setup_x2), 0);
	assert_true(iommu_enabled());
	assert_true(printk_saw("ivrs: 1 unit(s), 0 ivmd(s), ivhd type 0x11"));
	assert_true(printk_saw("iommu: 1 unit(s), dma remapping on, interrupt remapping on"));
	assert_true(printk_saw("x2apic interrupt format; unattached devices blocked"));
	ctl = reg(AMDVI_CONTROL);
	assert_int_equal(ctl, AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_EVTLOG_EN | AMDVI_CTRL_CMDBUF_EN |
				      AMDVI_CTRL_GA_EN | AMDVI_CTRL_XT_EN);
	/* The full table, every entry blocked: V, TV, no permission past an
	 * empty table, interrupts aborted. */
	assert_int_equal(reg(AMDVI_DEVTAB_BASE) & AMDVI_DEVTAB_SIZE_MASK, 0x1FF);
	for (unsigned int rid = 0; rid < 0x10000; rid += 0x1111) {
		amdvi_dte_decode(dte((uint16_t)rid), &f);
		assert_true(f.v && f.tv && f.iv);
		assert_int_equal(f.domid, 255);
		assert_int_equal(f.int_ctl, AMDVI_INTCTL_ABORT);
	}
	/* INVALIDATE_IOMMU_ALL (EFR.IASup), then the wait. */
	assert_int_equal(nops, 2);
	assert_int_equal(ops[0], AMDVI_CMD_INV_IOMMU_ALL);
	assert_int_equal(ops[1], AMDVI_CMD_COMPLETION_WAIT);
}

static void test_init_needs_gasup(void **state)
{
	(void)state;
	regs[AMDVI_EFR / 8] = 0x29d7 & ~AMDVI_EFR_GA_SUP;
	assert_int_equal(iommu_init(&ai, &setup_x2), -ENOTSUP);
	assert_false(iommu_enabled());
	assert_true(printk_saw("lacks GASup (128-bit interrupt entries)"));
	assert_int_equal(reg(AMDVI_CONTROL), 0);
	assert_int_equal(reg(AMDVI_DEVTAB_BASE), 0);
	/* Without XTSup: refused for x2APIC CPUs only. */
	printk_reset();
	regs[AMDVI_EFR / 8] = 0x29d3;
	assert_int_equal(iommu_init(&ai, &setup_x2), -ENOTSUP);
	assert_true(printk_saw("lacks XTSup"));
	assert_int_equal(iommu_init(&ai, &(struct iommu_setup){.pa = &pa}), 0);
	assert_int_equal(reg(AMDVI_CONTROL) & AMDVI_CTRL_XT_EN, 0);
}

static void test_attach_and_irte(void **state)
{
	struct iommu_domain *d;
	struct amdvi_dte_fields f;
	uint64_t addr;
	uint32_t data;
	int h0, h1, h2;

	(void)state;
	assert_int_equal(iommu_init(&ai, &setup_x2), 0);
	d = iommu_domain_create("alpha");
	assert_non_null(d);
	assert_int_equal(iommu_domain_map(d, 0, 0x40000000, 0x200000, IOMMU_PERM_R | IOMMU_PERM_W),
			 0);
	nops = 0;
	assert_int_equal(iommu_attach(d, 0, 0x00, 0x90), 0);
	amdvi_dte_decode(dte(0x90), &f);
	assert_true(f.v && f.tv && f.ir && f.iw);
	assert_int_equal(f.mode, 3);
	assert_int_equal(f.domid, d->id);
	assert_int_equal(f.root, d->pt.root);
	/* The entry, both domains' pages (QEMU keeps its IOTLB on a DEVTAB
	 * invalidation), the interrupt table, the wait. */
	assert_int_equal(nops, 5);
	assert_int_equal(ops[0], AMDVI_CMD_INV_DEVTAB_ENTRY);
	assert_int_equal(ops[1], AMDVI_CMD_INV_IOMMU_PAGES);
	assert_int_equal(ops[2], AMDVI_CMD_INV_IOMMU_PAGES);
	assert_int_equal(ops[3], AMDVI_CMD_INV_INTERRUPT_TABLE);
	assert_int_equal(ops[4], AMDVI_CMD_COMPLETION_WAIT);
	assert_int_equal(d->attached, 1);

	/* One index space, one table per requester. */
	h0 = iommu_irte_alloc(0, 0x90);
	h1 = iommu_irte_alloc(0, 0x92);
	h2 = iommu_irte_alloc(0, 0x90);
	assert_true(h0 >= 0 && h1 >= 0 && h2 >= 0);
	assert_int_equal(iommu_irte_index(h0), 0);
	assert_int_equal(iommu_irte_index(h1), 1);
	assert_int_equal(iommu_irte_index(h2), 2);
	amdvi_dte_decode(dte(0x90), &f);
	assert_true(f.iv);
	assert_int_equal(f.int_ctl, AMDVI_INTCTL_REMAP);
	assert_int_equal(f.int_tab_len, 8);
	assert_int_equal(f.domid, d->id); /* still attached */
	{
		struct amdvi_dte_fields g;
		const struct amdvi_irte *t0 = (const struct amdvi_irte *)(uintptr_t)f.irt;
		const struct amdvi_irte *t1;
		struct amdvi_irte_fields e;

		amdvi_dte_decode(dte(0x92), &g);
		assert_int_equal(g.domid, 255); /* blocked, with its own table */
		assert_int_equal(g.int_ctl, AMDVI_INTCTL_REMAP);
		assert_int_not_equal(g.irt, f.irt);
		t1 = (const struct amdvi_irte *)(uintptr_t)g.irt;
		assert_int_equal(iommu_irte_set(h1, 0x12345, 0xe0), 0);
		amdvi_irte_decode(&t1[1], &e);
		assert_true(e.remap_en);
		assert_int_equal(e.dest, 0x12345);
		assert_int_equal(e.vector, 0xe0);
		/* 0x90's table has nothing at 0x92's index */
		assert_int_equal(t0[1].lo, 0);
		assert_int_equal(t0[1].hi, 0);
		iommu_irte_clear(h1);
		assert_int_equal(t1[1].lo, 0);
	}
	assert_int_equal(iommu_irte_msi(h2, &addr, &data), 0);
	assert_int_equal(addr, 0xFEE00000u);
	assert_int_equal(data, 2);
	iommu_irte_free(h1);
	assert_int_equal(iommu_irte_index(iommu_irte_alloc(0, 0x94)), 1);

	/* Detach: blocked again, the interrupt table kept. */
	assert_int_equal(iommu_detach(0, 0x00, 0x90), 0);
	amdvi_dte_decode(dte(0x90), &f);
	assert_int_equal(f.domid, 255);
	assert_int_equal(f.int_ctl, AMDVI_INTCTL_REMAP);
	assert_int_equal(d->attached, 0);
	assert_int_equal(iommu_domain_destroy(d), 0);
}

/* A function whose DMA the IVRS has arrive under another requester ID (an
 * alias a bridge's functions share) cannot be isolated: refused, its entry
 * left blocked. One the IVHDs do not name (QEMU's VFs) is taken as behind
 * the segment's only unit, and the log says so. */
static void test_attach_alias_and_unlisted(void **state)
{
	/* 00:12.0 selected; 00:12.2 aliased to 00:1e.0 */
	static const uint8_t ent[] = {0x02, 0x90, 0x00, 0, 0x42, 0x92, 0x00, 0, 0, 0xF0, 0x00, 0};
	struct iommu_domain *d;
	struct amdvi_dte_fields f;

	(void)state;
	build_ivrs_entries((uint64_t)(uintptr_t)regs, 0x29d7, ent, sizeof(ent));
	assert_int_equal(iommu_init(&ai, &setup_x2), 0);
	d = iommu_domain_create("alpha");
	assert_non_null(d);
	assert_int_equal(iommu_attach(d, 0, 0x00, 0x90), 0);
	assert_false(printk_saw("in no IVHD"));

	assert_int_equal(iommu_attach(d, 0, 0x00, 0x92), -ENOTSUP);
	assert_true(printk_saw("iommu: 0000:00:12.2: the IVRS has its DMA arrive as 00:1e.0, an "
			       "alias other functions may share: not isolable, refused"));
	amdvi_dte_decode(dte(0x92), &f);
	assert_int_equal(f.domid, 255);
	amdvi_dte_decode(dte(0xF0), &f);
	assert_int_equal(f.domid, 255);
	assert_int_equal(d->attached, 1);

	assert_int_equal(iommu_attach(d, 0, 0x01, 0x00), 0);
	assert_true(printk_saw("iommu: 0000:01:00.0: in no IVHD; taken as behind unit 0 at 0x"));
	amdvi_dte_decode(dte(0x100), &f);
	assert_int_equal(f.domid, d->id);
	assert_int_equal(d->attached, 2);
	/* Another segment has no unit at all. */
	assert_int_equal(iommu_attach(d, 1, 0x01, 0x00), -ENODEV);
	assert_true(
		printk_saw("iommu: 0001:01:00.0: in no IVHD, and segment 1 has no single unit"));
}

/* An IVMD's unity range: the device it names is attached to the firmware
 * domain, which maps the range 1:1, and no guest may take it. */
static void test_ivmd_unity_map(void **state)
{
	struct amdvi_dte_fields f;
	struct iommu_domain *fw, *g;
	uint64_t pa_out;

	(void)state;
	add_ivmd(IVRS_IVMD_ONE, IVRS_IVMD_UNITY | IVRS_IVMD_READ | IVRS_IVMD_WRITE, 0x00A0, 0,
		 0x7B800000, 0x10000);
	assert_int_equal(iommu_init(&ai, &setup_x2), 0);
	assert_true(printk_saw("ivrs: 1 unit(s), 1 ivmd(s)"));
	assert_true(printk_saw("iommu: ivmd 0 0x7b800000-0x7b80ffff identity-mapped for "
			       "0000:00:14.0 (1 function(s) attached)"));
	amdvi_dte_decode(dte(0xA0), &f);
	fw = iommu_domain_of(f.domid);
	assert_non_null(fw);
	assert_string_equal(fw->name, "firmware");
	assert_true(f.v && f.tv && f.ir && f.iw);
	assert_int_equal(f.root, fw->pt.root);
	assert_int_equal(pt_translate(&fw->pt, 0x7B80F000, &pa_out, NULL, NULL), 0);
	assert_int_equal(pa_out, 0x7B80F000);
	assert_int_equal(pt_translate(&fw->pt, 0x7B810000, &pa_out, NULL, NULL), -ENOENT);
	/* Its neighbours stay blocked; the device is not a guest's to take. */
	amdvi_dte_decode(dte(0xA1), &f);
	assert_int_equal(f.domid, 255);
	g = iommu_domain_create("alpha");
	assert_non_null(g);
	assert_int_equal(iommu_attach(g, 0, 0x00, 0xA0), -EBUSY);
	amdvi_dte_decode(dte(0xA0), &f);
	assert_int_equal(f.domid, fw->id);
}

static void test_fault_from_log_memory(void **state)
{
	struct iommu_domain *d;
	uint64_t *log;

	(void)state;
	assert_int_equal(iommu_init(&ai, &setup_x2), 0);
	d = iommu_domain_create("nic-selftest");
	assert_int_equal(iommu_attach(d, 0, 0x00, 0x90), 0);
	log = (uint64_t *)(uintptr_t)(reg(AMDVI_EVTLOG_BASE) & ADDR_MASK);
	/* IO_PAGE_FAULT from 00:12.0, domain d, a write at 0xdead0123; the
	 * tail register stays 0, as on QEMU 10.0.2. */
	log[0] = (uint64_t)AMDVI_EVT_IO_PAGE_FAULT << 60 | (uint64_t)AMDVI_EVF_RW << 48 |
		 (uint64_t)d->id << 32 | 0x90;
	log[1] = 0xdead0123;
	iommu_fault_poll();
	assert_true(printk_saw("iommu: dma fault: 0000:00:12.0 (domain nic-selftest) write at "
			       "0xdead0000: "));
	assert_int_equal(iommu_fault_count(0, 0x90), 1);
	assert_int_equal(log[0], 0);
	assert_int_equal(log[1], 0);
	assert_int_equal(reg(AMDVI_EVTLOG_HEAD), 0x10);
	/* Consumed: polling again logs nothing more. */
	printk_reset();
	iommu_fault_poll();
	assert_false(printk_saw("dma fault"));
	assert_int_equal(iommu_fault_count(0, 0x90), 1);
	assert_int_equal(iommu_fault_count(0, 0x92), 0);
	d->attached = 0;
}

/* Lines matching @needle in the log. */
static unsigned int log_lines(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = printk_log; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A VF faulting in a loop, and an event log that keeps overflowing: the
 * first fault in full, then a few lines per window, the rest counted. */
static void test_fault_flood(void **state)
{
	struct iommu_domain *d;
	uint64_t *log;
	char want[80];

	(void)state;
	assert_int_equal(iommu_init(&ai, &setup_x2), 0);
	d = iommu_domain_create("beta");
	assert_int_equal(iommu_attach(d, 0, 0x00, 0x90), 0);
	log = (uint64_t *)(uintptr_t)(reg(AMDVI_EVTLOG_BASE) & ADDR_MASK);
	printk_reset();
	fake_clock_ms = 5000;
	for (unsigned int i = 0; i < 100000; i++) {
		unsigned int at = (unsigned int)(reg(AMDVI_EVTLOG_HEAD) >> 4) * 2;

		log[at] = (uint64_t)AMDVI_EVT_IO_PAGE_FAULT << 60 | (uint64_t)AMDVI_EVF_RW << 48 |
			  (uint64_t)d->id << 32 | 0x90;
		log[at + 1] = 0xdead0000;
		iommu_fault_poll();
	}
	assert_int_equal(iommu_fault_count(0, 0x90), 100000);
	assert_int_equal(log_lines("iommu: dma fault: 0000:00:12.0 (domain beta)"), 1);
	/* 13 counts are worth a line (10, 100, 1000, every 10000th); 8 fit. */
	assert_int_equal(log_lines("faults from 0000:00:12.0 so far"), RATELIMIT_LINES);
	assert_true(printk_saw("iommu: 10 faults from 0000:00:12.0 so far\n"));
	assert_true(printk_saw("iommu: 50000 faults from 0000:00:12.0 so far (further ones"));
	assert_false(printk_saw("iommu: 60000 faults"));

	printk_reset();
	for (unsigned int i = 0; i < 50; i++) {
		regs[AMDVI_STATUS / 8] |= AMDVI_STS_EVT_OVERFLOW;
		iommu_fault_poll();
		assert_int_equal(reg(AMDVI_STATUS) & AMDVI_STS_EVT_OVERFLOW, 0);
	}
	assert_int_equal(log_lines("event log overflowed"), RATELIMIT_LINES);
	fake_clock_ms += RATELIMIT_WINDOW_MS;
	regs[AMDVI_STATUS / 8] |= AMDVI_STS_EVT_OVERFLOW;
	iommu_fault_poll();
	sfmt(want, sizeof(want), "faults were lost (%u more suppressed)\n", 50 - RATELIMIT_LINES);
	assert_true(printk_saw(want));
	d->attached = 0;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_init_needs_gasup),
		T(test_attach_and_irte),
		T(test_attach_alias_and_unlisted),
		T(test_ivmd_unity_map),
		T(test_fault_from_log_memory),
		T(test_fault_flood),
	};
#undef T

	return cmocka_run_group_tests_name("amdvi", tests, NULL, NULL);
}
