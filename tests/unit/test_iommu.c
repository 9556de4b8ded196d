// SPDX-License-Identifier: MIT
/*
 * The IOMMU interface (iommu/iommu.c): which implementation the ACPI tables
 * select, the "no IOMMU" path, and the common domain pool and dispatch,
 * against a fake implementation standing in for VT-d (vtd_iommu_ops).
 * Domain tables are real VT-d second-level tables from a host pool.
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
#include "iommu/iommu.h"
#include "iommu/resv.h"
#include "iommu/vtd.h"
#include "iommu/vtd_pt.h"
#include "lib/err.h"
#include "fake_printk.h"
#include "fake_pt.h"

#define POOL (4u << 20)
#define RW   (IOMMU_PERM_R | IOMMU_PERM_W)

static struct palloc pa;
static struct fake_pt_pool fp;

/* What the fake implementation was asked, and what it answers. */
static struct {
	int init_err;
	unsigned int inits, reports, flushes;
	struct iommu_setup setup;
	int attach_err;
	uint16_t seg, rid;
	struct iommu_domain *attached_to;
	unsigned int detaches, blocks;
	int irte_next;
	unsigned int polls;
	unsigned int attaches;		    /* successful */
	const struct iommu_resv_list *resv; /* the table's reserved regions */
	int resv_err;
} fk;

static int fake_init(const struct acpi_info *ai, const struct iommu_setup *s)
{
	(void)ai;
	fk.inits++;
	fk.setup = *s;
	return fk.init_err;
}

static void fake_report(void)
{
	fk.reports++;
}

static int fake_domain_init(struct iommu_domain *d)
{
	return vtd_pt_init(&d->pt, 4, true, true, &pa, NULL);
}

static int fake_domain_flush(struct iommu_domain *d)
{
	(void)d;
	fk.flushes++;
	return 0;
}

static int fake_attach(struct iommu_domain *d, uint16_t seg, uint16_t rid)
{
	fk.seg = seg;
	fk.rid = rid;
	if (fk.attach_err)
		return fk.attach_err;
	fk.attached_to = d;
	fk.attaches++;
	return 0;
}

static int fake_resv(struct iommu_resv_list *out)
{
	if (fk.resv)
		*out = *fk.resv;
	return fk.resv_err;
}

static int fake_detach(uint16_t seg, uint16_t rid)
{
	fk.seg = seg;
	fk.rid = rid;
	fk.detaches++;
	return 0;
}

static int fake_block(uint16_t seg, uint16_t rid)
{
	fk.seg = seg;
	fk.rid = rid;
	fk.blocks++;
	return 0;
}

static int fake_irte_alloc(uint16_t seg, uint16_t rid)
{
	fk.seg = seg;
	fk.rid = rid;
	return fk.irte_next++;
}

static int fake_irte_set(int h, uint32_t dest, uint8_t vector)
{
	return h == 7 && dest == 0x47 && vector == 0x30 ? 0 : -EINVAL;
}

static void fake_irte_clear(int h)
{
	(void)h;
}

static void fake_irte_free(int h)
{
	(void)h;
}

static void fake_irte_msi(int h, uint64_t *addr, uint32_t *data)
{
	*addr = 0xFEE00000u | (uint64_t)h << 5;
	*data = 0x5A;
}

static unsigned int fake_irte_index(int h)
{
	return (unsigned int)h & 0xFF;
}

static void fake_fault_poll(void)
{
	fk.polls++;
}

static unsigned int fake_fault_count(uint16_t seg, uint16_t rid)
{
	return seg == 0 && rid == 0x0180 ? 3 : 0;
}

static unsigned int fake_fault_irqs(void)
{
	return 2;
}

/* The fake's entries, under a driver's name. */
#define FAKE_OPS(driver)                                                            \
	{                                                                           \
		.name = driver, .init = fake_init, .report = fake_report,           \
		.domain_init = fake_domain_init, .domain_flush = fake_domain_flush, \
		.attach = fake_attach, .detach = fake_detach, .block = fake_block,  \
		.irte_alloc = fake_irte_alloc, .irte_set = fake_irte_set,           \
		.irte_clear = fake_irte_clear, .irte_free = fake_irte_free,         \
		.irte_msi = fake_irte_msi, .irte_index = fake_irte_index,           \
		.fault_poll = fake_fault_poll, .fault_count = fake_fault_count,     \
		.fault_irqs = fake_fault_irqs, .resv = fake_resv,                   \
	}

/* Both drivers' places in iommu.c's candidate table: the same fake under
 * each name. */
const struct iommu_ops vtd_iommu_ops = FAKE_OPS("vt-d");
const struct iommu_ops amdvi_iommu_ops = FAKE_OPS("amd-vi");

/* ACPI tables as drivers/acpi lists them: the signatures given, in order. */
static struct acpi_info ai;

static void tables(const char *const *sigs, unsigned int n)
{
	memset(&ai, 0, sizeof(ai));
	for (unsigned int i = 0; i < n; i++)
		memcpy(ai.tables[i].sig, sigs[i], 5);
	ai.table_count = n;
}

static const char *const with_dmar[] = {"FACP", "APIC", "MCFG", "DMAR"};
static const char *const with_ivrs[] = {"FACP", "APIC", "IVRS"};
static const char *const with_both[] = {"IVRS", "DMAR"};
static const char *const without[] = {"FACP", "APIC", "MCFG", "HPET"};

static const struct iommu_setup setup_plain = {.pa = &pa, .x2apic = true, .fault_apic_id = 0};

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.irte_next = 7;
	fake_pt_pool_init(&fp, POOL, &pa);
	printk_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* Back to no IOMMU, and every domain of the test gone. */
	for (uint16_t id = 1; id <= IOMMU_MAX_DOMAINS; id++) {
		struct iommu_domain *d = iommu_domain_of(id);

		if (d) {
			d->attached = 0;
			assert_int_equal(iommu_domain_destroy(d), 0);
		}
	}
	tables(without, 4);
	iommu_init(&ai, &setup_plain);
	fake_pt_pool_fini(&fp);
	return 0;
}

/* ---- selection ---------------------------------------------------------------- */

static void test_select_dmar(void **state)
{
	(void)state;
	tables(with_dmar, 4);
	assert_ptr_equal(iommu_select(&ai), &vtd_iommu_ops);
	assert_int_equal(printk_count[0] + printk_count[1] + printk_count[2], 0);
	/* Only the table decides, wherever it is listed. */
	tables(with_both + 1, 1);
	assert_ptr_equal(iommu_select(&ai), &vtd_iommu_ops);
}

static void test_select_none(void **state)
{
	(void)state;
	tables(without, 4);
	assert_null(iommu_select(&ai));
	assert_true(printk_saw(
		"iommu: no DMAR or IVRS table: no DMA or interrupt remapping, no passthrough"));
	printk_reset();
	tables(without, 0);
	assert_null(iommu_select(&ai));
	assert_true(printk_saw("iommu: no DMAR or IVRS table"));
}

static void test_select_ivrs(void **state)
{
	(void)state;
	tables(with_ivrs, 3);
	assert_ptr_equal(iommu_select(&ai), &amdvi_iommu_ops);
	assert_int_equal(printk_count[0] + printk_count[1] + printk_count[2], 0);
	/* Both (no real machine has both): the first candidate, VT-d, and a
	 * line saying the IVRS is ignored. */
	tables(with_both, 2);
	assert_ptr_equal(iommu_select(&ai), &vtd_iommu_ops);
	assert_true(printk_saw("iommu: both DMAR and IVRS tables found: using VT-d, AMD-Vi "
			       "ignored\n"));
}

/* ---- init and the "no IOMMU" path ------------------------------------------------ */

static void test_no_iommu(void **state)
{
	(void)state;
	uint64_t addr = 1;
	uint32_t data = 1;

	tables(without, 4);
	assert_int_equal(iommu_init(&ai, &setup_plain), -ENODEV);
	assert_int_equal(fk.inits, 0);
	assert_false(iommu_enabled());
	assert_false(iommu_dma_on());
	/* Every call fails or answers "none"; nothing reaches an implementation. */
	assert_null(iommu_domain_create("alpha"));
	assert_int_equal(iommu_attach(NULL, 0, 1, 0x80), -EINVAL);
	assert_int_equal(iommu_detach(0, 1, 0x80), -EINVAL);
	assert_int_equal(iommu_block(0, 1, 0x80), -EINVAL);
	assert_int_equal(iommu_irte_alloc(0, 0x0180), -ENODEV);
	assert_int_equal(iommu_irte_set(0, 1, 0x30), -ENODEV);
	iommu_irte_clear(0);
	iommu_irte_free(0);
	assert_int_equal(iommu_irte_msi(0, &addr, &data), -ENODEV);
	assert_int_equal(addr, 0);
	assert_int_equal(data, 0);
	iommu_fault_poll();
	assert_int_equal(iommu_fault_count(0, 0x0180), 0);
	assert_int_equal(iommu_fault_irqs(), 0);
	assert_int_equal(fk.polls + fk.detaches + fk.blocks, 0);
}

static void test_init_fails(void **state)
{
	(void)state;
	tables(with_dmar, 4);
	fk.init_err = -ENOTSUP;
	assert_int_equal(iommu_init(&ai, &setup_plain), -ENOTSUP);
	assert_int_equal(fk.inits, 1);
	assert_int_equal(fk.reports, 0);
	assert_false(iommu_enabled());
	assert_null(iommu_domain_create("alpha"));
}

static void test_init_and_omit(void **state)
{
	(void)state;
	const struct iommu_setup s = {&pa, true, 0x47, IOMMU_OMIT_DMA};

	tables(with_dmar, 4);
	assert_int_equal(iommu_init(&ai, &setup_plain), 0);
	assert_int_equal(fk.reports, 1);
	assert_true(iommu_enabled());
	assert_true(iommu_dma_on());
	/* vtd.omit=dma: the units are up, DMA is not translated. */
	assert_int_equal(iommu_init(&ai, &s), 0);
	assert_int_equal(fk.setup.fault_apic_id, 0x47);
	assert_int_equal(fk.setup.omit, IOMMU_OMIT_DMA);
	assert_ptr_equal(fk.setup.pa, &pa);
	assert_true(iommu_enabled());
	assert_false(iommu_dma_on());
	assert_int_equal(fk.reports, 2);
}

/* A VF only with both DMA and interrupt remapping on: vtd.omit= is for the
 * self-tests, never a way to give a guest an unconfined device. */
static void test_vf_refusal(void **state)
{
	struct iommu_setup s = {&pa, true, 0x47, 0};

	(void)state;
	tables(without, 4);
	assert_int_equal(iommu_init(&ai, &s), -ENODEV);
	assert_non_null(strstr(iommu_vf_refusal(), "no IOMMU"));
	assert_false(iommu_ir_on());

	tables(with_dmar, 4);
	assert_int_equal(iommu_init(&ai, &s), 0);
	assert_true(iommu_dma_on());
	assert_true(iommu_ir_on());
	assert_null(iommu_vf_refusal());

	s.omit = IOMMU_OMIT_IR;
	assert_int_equal(iommu_init(&ai, &s), 0);
	assert_true(iommu_dma_on());
	assert_false(iommu_ir_on());
	assert_string_equal(iommu_vf_refusal(),
			    "interrupt remapping is off (vtd.omit=ir): its DMA writes to "
			    "0xFEExxxxx would be MSIs to any CPU");

	s.omit = IOMMU_OMIT_DMA;
	assert_int_equal(iommu_init(&ai, &s), 0);
	assert_true(iommu_ir_on());
	assert_string_equal(iommu_vf_refusal(),
			    "DMA remapping is off (vtd.omit=dma): its DMA would reach any memory");

	s.omit = IOMMU_OMIT_DMA | IOMMU_OMIT_IR;
	assert_int_equal(iommu_init(&ai, &s), 0);
	assert_non_null(strstr(iommu_vf_refusal(), "vtd.omit=dma"));
}

/* ---- domains ------------------------------------------------------------------ */

static void test_domains(void **state)
{
	(void)state;
	struct iommu_domain *a, *b;
	uint64_t hpa = 0;

	tables(with_dmar, 4);
	assert_int_equal(iommu_init(&ai, &setup_plain), 0);
	a = iommu_domain_create("alpha");
	b = iommu_domain_create("a-name-longer-than-sixteen");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->id, 1);
	assert_int_equal(b->id, 2);
	assert_string_equal(b->name, "a-name-longer-t");
	assert_ptr_equal(iommu_domain_of(1), a);
	assert_ptr_equal(iommu_domain_of(2), b);
	assert_null(iommu_domain_of(0));
	assert_null(iommu_domain_of(3));
	assert_null(iommu_domain_of(IOMMU_MAX_DOMAINS + 1));

	/* Map through the engine in the implementation's format; the units
	 * are told after each change. */
	assert_int_equal(iommu_domain_map(a, 0, 0x40000000, 0x200000, RW), 0);
	assert_int_equal(fk.flushes, 1);
	assert_int_equal(pt_translate(&a->pt, 0x1234, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, 0x40001234);
	assert_int_equal(iommu_domain_map(a, 0x1001, 0, 0x1000, RW), -EINVAL);
	assert_int_equal(fk.flushes, 2);
	assert_int_equal(iommu_domain_unmap(a, 0, 0x1000), 0);
	assert_int_equal(fk.flushes, 3);
	assert_int_equal(pt_translate(&a->pt, 0x0234, &hpa, NULL, NULL), -ENOENT);

	/* Attach: the requester ID is bus << 8 | devfn. */
	assert_int_equal(iommu_attach(a, 0, 0x01, 0x80), 0);
	assert_int_equal(fk.rid, 0x0180);
	assert_ptr_equal(fk.attached_to, a);
	assert_int_equal(a->attached, 1);
	assert_int_equal(iommu_domain_destroy(a), -EBUSY);
	fk.attach_err = -ENODEV;
	assert_int_equal(iommu_attach(b, 0, 0x01, 0x82), -ENODEV);
	assert_true(printk_saw(
		"iommu: cannot attach 0000:01:10.2 to domain a-name-longer-t: no such device"));
	assert_int_equal(b->attached, 0);
	assert_int_equal(iommu_detach(0, 0x01, 0x82), 0);
	assert_int_equal(iommu_block(0, 0x02, 0x08), 0);
	assert_int_equal(fk.rid, 0x0208);
	assert_int_equal(fk.detaches, 1);
	assert_int_equal(fk.blocks, 1);

	/* The pool: 16 in all, then a line naming who got none. */
	assert_int_equal(iommu_domain_destroy(b), 0);
	assert_null(iommu_domain_of(2));
	assert_int_equal(iommu_domain_destroy(b), -EINVAL);
	for (unsigned int i = 1; i < IOMMU_MAX_DOMAINS; i++)
		assert_non_null(iommu_domain_create("x"));
	assert_null(iommu_domain_create("late"));
	assert_true(printk_saw("iommu: no free domain for late"));
}

/* ---- interrupt remapping and faults pass through ------------------------------ */

static void test_dispatch(void **state)
{
	(void)state;
	uint64_t addr;
	uint32_t data;
	int h;

	tables(with_dmar, 4);
	assert_int_equal(iommu_init(&ai, &setup_plain), 0);
	h = iommu_irte_alloc(0, 0x0180);
	assert_int_equal(h, 7);
	assert_int_equal(fk.rid, 0x0180);
	assert_int_equal(iommu_irte_set(h, 0x47, 0x30), 0);
	assert_int_equal(iommu_irte_set(h, 0x46, 0x30), -EINVAL);
	assert_int_equal(iommu_irte_msi(h, &addr, &data), 0);
	assert_int_equal(addr, 0xFEE000E0u);
	assert_int_equal(data, 0x5A);
	assert_int_equal(iommu_irte_index(0x107), 7);
	iommu_fault_poll();
	assert_int_equal(fk.polls, 1);
	assert_int_equal(iommu_fault_count(0, 0x0180), 3);
	assert_int_equal(iommu_fault_irqs(), 2);
}

/* Reserved regions: each function named gets the identity map (one
 * "firmware" domain, a region shared by two entries mapped once), an entry
 * for every device or for too many functions is given to none and said so,
 * and a function so claimed is refused to every other domain. */
static void test_reserved_regions(void **state)
{
	static struct iommu_resv_list l;
	struct iommu_domain *fw, *g;
	uint64_t pa_out;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.r[0] = (struct iommu_resv){0, 0x00A0, 0x00A0, false, 0x7B800000, 0x200000, RW, "rmrr 0"};
	l.r[1] = (struct iommu_resv){0, 0x0200, 0x0203, false, 0x7B800000, 0x200000, RW, "rmrr 0"};
	l.r[2] = (struct iommu_resv){0, 0, 0xFFFF, true, 0x90000000, 0x1000, RW, "ivmd 1"};
	l.r[3] = (struct iommu_resv){0, 0x0000, 0x0FFF, false, 0x91000000, 0x1000, RW, "ivmd 2"};
	l.n = 4;
	fk.resv = &l;
	tables(with_dmar, 4);
	assert_int_equal(iommu_init(&ai, &setup_plain), 0);

	assert_true(printk_saw("iommu: rmrr 0 0x7b800000-0x7b9fffff identity-mapped for "
			       "0000:00:14.0 (1 function(s) attached)"));
	assert_true(printk_saw("iommu: rmrr 0 0x7b800000-0x7b9fffff identity-mapped for "
			       "0000:02:00.0-02:00.3 (4 function(s) attached)"));
	assert_true(printk_saw("iommu: ivmd 1 0x90000000-0x90000fff is for every device of "
			       "segment 0: given to none"));
	assert_true(printk_saw("iommu: ivmd 2 0x91000000-0x91000fff names "
			       "0000:00:00.0-0f:1f.7, more than 256 functions: given to none"));
	assert_int_equal(fk.attaches, 5);
	fw = fk.attached_to;
	assert_non_null(fw);
	assert_string_equal(fw->name, "firmware");
	assert_int_equal(fw->attached, 5);
	assert_int_equal(pt_translate(&fw->pt, 0x7B9FF000, &pa_out, NULL, NULL), 0);
	assert_int_equal(pa_out, 0x7B9FF000);
	assert_int_equal(pt_translate(&fw->pt, 0x7BA00000, &pa_out, NULL, NULL), -ENOENT);
	assert_int_equal(pt_translate(&fw->pt, 0x90000000, &pa_out, NULL, NULL), -ENOENT);

	/* A guest's domain may not take a claimed function; others it may. */
	g = iommu_domain_create("alpha");
	assert_non_null(g);
	assert_int_equal(iommu_attach(g, 0, 0x02, 0x02), -EBUSY);
	assert_true(printk_saw("iommu: 0000:02:00.2: firmware DMAs to 0x7b800000-0x7b9fffff for "
			       "it (rmrr 0): not given to domain alpha"));
	assert_ptr_equal(fk.attached_to, fw);
	assert_int_equal(iommu_attach(g, 0, 0x02, 0x08), 0);
	assert_ptr_equal(fk.attached_to, g);
	/* the "every device" and too-wide entries claim nothing */
	assert_int_equal(iommu_attach(g, 0, 0x00, 0x10), 0);
	fw->attached = 0;
}

/* A table with more regions than the list holds: said, the rest applied. */
static void test_reserved_regions_full(void **state)
{
	static struct iommu_resv_list l;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.r[0] = (struct iommu_resv){0, 0x00A0, 0x00A0, false, 0x1000, 0x1000, RW, "ivmd 0"};
	l.n = 1;
	fk.resv = &l;
	fk.resv_err = -E2BIG;
	tables(with_ivrs, 3);
	assert_int_equal(iommu_init(&ai, &setup_plain), 0);
	assert_true(printk_saw("iommu: more than 32 reserved regions: those past it are not "
			       "applied"));
	assert_int_equal(fk.attaches, 1);
	fk.attached_to->attached = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_select_dmar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_select_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_select_ivrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_iommu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_and_omit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_regions_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
