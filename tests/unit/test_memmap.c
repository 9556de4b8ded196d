// SPDX-License-Identifier: MIT
/* Unit tests for hv/core/memmap.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/memmap.h"
#include "lib/err.h"
#include "fake_printk.h"

static struct memmap map;

static int setup(void **state)
{
	(void)state;
	memmap_init(&map);
	printk_reset();
	return 0;
}

static void check_range(const struct memmap *m, unsigned int k, uint64_t base, uint64_t end,
			enum mem_type type)
{
	assert_true(k < m->n);
	assert_int_equal(m->r[k].base, base);
	assert_int_equal(m->r[k].end, end);
	assert_int_equal(m->r[k].type, type);
}

/* Sorted, disjoint, non-empty, and no touching neighbours of one type. */
static void check_invariants(const struct memmap *m)
{
	unsigned int k;

	assert_true(m->n <= MEMMAP_MAX);
	for (k = 0; k < m->n; k++) {
		assert_true(m->r[k].base < m->r[k].end);
		assert_true(m->r[k].type >= MEM_USABLE && m->r[k].type <= MEM_BAD);
		if (k) {
			assert_true(m->r[k - 1].end <= m->r[k].base);
			if (m->r[k - 1].end == m->r[k].base)
				assert_int_not_equal(m->r[k - 1].type, m->r[k].type);
		}
	}
}

static void test_init_empty(void **state)
{
	(void)state;
	assert_int_equal(map.n, 0);
	assert_int_equal(memmap_total(&map, MEM_USABLE), 0);
	assert_int_equal(memmap_type_at(&map, 0), MEM_RESERVED);
}

static void test_sorts_unsorted_input(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x100000, 0x100000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0xf0000, 0x10000, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0, 0x9f000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x9f000, 0x1000, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x7fee0000, 0x20000, MEM_ACPI_RECLAIM), 0);
	assert_int_equal(map.n, 5);
	check_range(&map, 0, 0, 0x9f000, MEM_USABLE);
	check_range(&map, 1, 0x9f000, 0xa0000, MEM_RESERVED);
	check_range(&map, 2, 0xf0000, 0x100000, MEM_RESERVED);
	check_range(&map, 3, 0x100000, 0x200000, MEM_USABLE);
	check_range(&map, 4, 0x7fee0000, 0x7ff00000, MEM_ACPI_RECLAIM);
	check_invariants(&map);
}

/* A usable range laid over a reserved hole leaves the hole reserved. */
static void test_usable_over_reserved_hole(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x3000, 0x1000, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0, 0x10000, MEM_USABLE), 0);
	assert_int_equal(map.n, 3);
	check_range(&map, 0, 0, 0x3000, MEM_USABLE);
	check_range(&map, 1, 0x3000, 0x4000, MEM_RESERVED);
	check_range(&map, 2, 0x4000, 0x10000, MEM_USABLE);
	check_invariants(&map);
}

static void test_reserved_inside_usable_splits(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0, 0x10000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x3000, 0x1000, MEM_RESERVED), 0);
	assert_int_equal(map.n, 3);
	check_range(&map, 0, 0, 0x3000, MEM_USABLE);
	check_range(&map, 1, 0x3000, 0x4000, MEM_RESERVED);
	check_range(&map, 2, 0x4000, 0x10000, MEM_USABLE);
	check_invariants(&map);
}

/* Partial overlaps from either side: the higher type keeps the overlap. */
static void test_partial_overlap_precedence(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x1000, 0x2000, MEM_ACPI_RECLAIM), 0);
	assert_int_equal(memmap_add(&map, 0x2000, 0x2000, MEM_ACPI_NVS), 0);
	assert_int_equal(map.n, 2);
	check_range(&map, 0, 0x1000, 0x2000, MEM_ACPI_RECLAIM);
	check_range(&map, 1, 0x2000, 0x4000, MEM_ACPI_NVS);

	/* Same, the stronger one first. */
	memmap_init(&map);
	assert_int_equal(memmap_add(&map, 0x2000, 0x2000, MEM_ACPI_NVS), 0);
	assert_int_equal(memmap_add(&map, 0x1000, 0x2000, MEM_ACPI_RECLAIM), 0);
	assert_int_equal(map.n, 2);
	check_range(&map, 0, 0x1000, 0x2000, MEM_ACPI_RECLAIM);
	check_range(&map, 1, 0x2000, 0x4000, MEM_ACPI_NVS);

	/* A weaker range sticking out of a stronger one on both sides. */
	memmap_init(&map);
	assert_int_equal(memmap_add(&map, 0x2000, 0x1000, MEM_BAD), 0);
	assert_int_equal(memmap_add(&map, 0x1000, 0x3000, MEM_RESERVED), 0);
	assert_int_equal(map.n, 3);
	check_range(&map, 0, 0x1000, 0x2000, MEM_RESERVED);
	check_range(&map, 1, 0x2000, 0x3000, MEM_BAD);
	check_range(&map, 2, 0x3000, 0x4000, MEM_RESERVED);
	check_invariants(&map);
}

/* A wide reserved range over a mixed region: weaker parts give way, gaps fill. */
static void test_wide_range_over_mixed(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x0000, 0x2000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x3000, 0x1000, MEM_BAD), 0);
	assert_int_equal(memmap_add(&map, 0x5000, 0x1000, MEM_ACPI_NVS), 0);
	assert_int_equal(memmap_add(&map, 0x7000, 0x1000, MEM_BAD), 0);
	assert_int_equal(memmap_add(&map, 0x9000, 0x2000, MEM_USABLE), 0);
	assert_int_equal(map.n, 5);
	assert_int_equal(memmap_add(&map, 0x1000, 0x9000, MEM_RESERVED), 0);
	assert_int_equal(map.n, 7);
	check_range(&map, 0, 0x0000, 0x1000, MEM_USABLE);
	check_range(&map, 1, 0x1000, 0x3000, MEM_RESERVED);
	check_range(&map, 2, 0x3000, 0x4000, MEM_BAD);
	check_range(&map, 3, 0x4000, 0x7000, MEM_RESERVED);
	check_range(&map, 4, 0x7000, 0x8000, MEM_BAD);
	check_range(&map, 5, 0x8000, 0xa000, MEM_RESERVED);
	check_range(&map, 6, 0xa000, 0xb000, MEM_USABLE);
	assert_int_equal(memmap_total(&map, MEM_USABLE), 0x2000);
	assert_int_equal(memmap_total(&map, MEM_ACPI_NVS), 0);
	check_invariants(&map);

	/* Bad over everything swallows it all into one range. */
	assert_int_equal(memmap_add(&map, 0, 0x20000, MEM_BAD), 0);
	assert_int_equal(map.n, 1);
	check_range(&map, 0, 0, 0x20000, MEM_BAD);
}

static void test_merge_equal_types(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x0000, 0x1000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x2000, 0x1000, MEM_USABLE), 0);
	assert_int_equal(map.n, 2);
	/* Exactly fills the gap: touching on both sides, one range results. */
	assert_int_equal(memmap_add(&map, 0x1000, 0x1000, MEM_USABLE), 0);
	assert_int_equal(map.n, 1);
	check_range(&map, 0, 0, 0x3000, MEM_USABLE);

	/* Overlapping equal types merge too. */
	assert_int_equal(memmap_add(&map, 0x2800, 0x1000, MEM_USABLE), 0);
	assert_int_equal(map.n, 1);
	check_range(&map, 0, 0, 0x3800, MEM_USABLE);

	/* Touching different types stay apart. */
	assert_int_equal(memmap_add(&map, 0x3800, 0x800, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x4000, 0x1000, MEM_USABLE), 0);
	assert_int_equal(map.n, 3);
	check_range(&map, 1, 0x3800, 0x4000, MEM_RESERVED);
	check_range(&map, 2, 0x4000, 0x5000, MEM_USABLE);

	/* A usable range wholly inside usable changes nothing. */
	assert_int_equal(memmap_add(&map, 0x100, 0x100, MEM_USABLE), 0);
	assert_int_equal(map.n, 3);
	check_range(&map, 0, 0, 0x3800, MEM_USABLE);
	check_invariants(&map);
}

/* Adjacent same-type range whose extension reaches past a stronger range. */
static void test_merge_around_stronger(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x0000, 0x2000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x2000, 0x1000, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x3000, 0x1000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x1000, 0x4000, MEM_USABLE), 0);
	assert_int_equal(map.n, 3);
	check_range(&map, 0, 0x0000, 0x2000, MEM_USABLE);
	check_range(&map, 1, 0x2000, 0x3000, MEM_RESERVED);
	check_range(&map, 2, 0x3000, 0x5000, MEM_USABLE);
	check_invariants(&map);
}

static void fill_map(unsigned int count)
{
	unsigned int k;

	/* Disjoint, non-touching ranges so none merge. */
	for (k = 0; k < count; k++)
		assert_int_equal(memmap_add(&map, (uint64_t)k * 0x2000, 0x1000,
					    k % 2 ? MEM_RESERVED : MEM_USABLE),
				 0);
	assert_int_equal(map.n, count);
}

static void test_enospc_leaves_map_unchanged(void **state)
{
	static struct memmap copy;

	(void)state;
	fill_map(MEMMAP_MAX);
	copy = map;
	/* A new disjoint range needs a slot. */
	assert_int_equal(memmap_add(&map, 0x10000000, 0x1000, MEM_USABLE), -ENOSPC);
	assert_memory_equal(&map, &copy, sizeof(map));
	/* A reserved range inside a usable one needs two. */
	assert_int_equal(memmap_add(&map, 0x400, 0x100, MEM_RESERVED), -ENOSPC);
	assert_memory_equal(&map, &copy, sizeof(map));
	/* Filling a gap between different types needs one. */
	assert_int_equal(memmap_add(&map, 0x1000, 0x1000, MEM_ACPI_NVS), -ENOSPC);
	assert_memory_equal(&map, &copy, sizeof(map));

	/* Adding into an existing range, or merging, fits in a full map. */
	assert_int_equal(memmap_add(&map, 0x100, 0x100, MEM_USABLE), 0);
	assert_memory_equal(&map, &copy, sizeof(map));
	assert_int_equal(memmap_add(&map, 0x0000, 0x5000, MEM_BAD), 0);
	assert_int_equal(map.n, MEMMAP_MAX - 2);
	check_range(&map, 0, 0x0000, 0x5000, MEM_BAD);
	check_range(&map, 1, 0x6000, 0x7000, MEM_RESERVED);
	check_invariants(&map);
}

/* One slot short of a split, then exactly enough for it. */
static void test_split_needs_two_slots(void **state)
{
	(void)state;
	fill_map(MEMMAP_MAX - 1);
	assert_int_equal(memmap_add(&map, 0x400, 0x100, MEM_RESERVED), -ENOSPC);
	assert_int_equal(map.n, MEMMAP_MAX - 1);
	check_range(&map, 0, 0, 0x1000, MEM_USABLE);

	memmap_init(&map);
	fill_map(MEMMAP_MAX - 2);
	assert_int_equal(memmap_add(&map, 0x400, 0x100, MEM_RESERVED), 0);
	assert_int_equal(map.n, MEMMAP_MAX);
	check_range(&map, 0, 0, 0x400, MEM_USABLE);
	check_range(&map, 1, 0x400, 0x500, MEM_RESERVED);
	check_range(&map, 2, 0x500, 0x1000, MEM_USABLE);
	check_range(&map, 3, 0x2000, 0x3000, MEM_RESERVED);
	check_invariants(&map);
}

static void test_einval(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x1000, 0, MEM_USABLE), -EINVAL);
	assert_int_equal(memmap_add(&map, ~0ull - 0xfff, 0x2000, MEM_USABLE), -EINVAL);
	/* Ending exactly at 2^64 wraps the exclusive end to 0. */
	assert_int_equal(memmap_add(&map, ~0ull - 0xfff, 0x1000, MEM_RESERVED), -EINVAL);
	assert_int_equal(memmap_add(&map, 0, ~0ull, (enum mem_type)0), -EINVAL);
	assert_int_equal(memmap_add(&map, 0, 0x1000, (enum mem_type)6), -EINVAL);
	assert_int_equal(map.n, 0);
	/* The highest representable range is fine. */
	assert_int_equal(memmap_add(&map, ~0ull - 0x1000, 0x1000, MEM_RESERVED), 0);
	assert_int_equal(map.n, 1);
	check_range(&map, 0, ~0ull - 0x1000, ~0ull, MEM_RESERVED);
}

static void test_type_at(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x0000, 0x9f000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x9f000, 0x1000, MEM_ACPI_NVS), 0);
	assert_int_equal(memmap_add(&map, 0x100000, 0x100000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x200000, 0x1000, MEM_ACPI_RECLAIM), 0);
	assert_int_equal(memmap_add(&map, 0x300000, 0x1000, MEM_BAD), 0);
	assert_int_equal(memmap_type_at(&map, 0), MEM_USABLE);
	assert_int_equal(memmap_type_at(&map, 0x9efff), MEM_USABLE);
	assert_int_equal(memmap_type_at(&map, 0x9f000), MEM_ACPI_NVS);
	assert_int_equal(memmap_type_at(&map, 0x9ffff), MEM_ACPI_NVS);
	assert_int_equal(memmap_type_at(&map, 0xa0000), MEM_RESERVED); /* gap */
	assert_int_equal(memmap_type_at(&map, 0xfffff), MEM_RESERVED);
	assert_int_equal(memmap_type_at(&map, 0x100000), MEM_USABLE);
	assert_int_equal(memmap_type_at(&map, 0x1fffff), MEM_USABLE);
	assert_int_equal(memmap_type_at(&map, 0x200000), MEM_ACPI_RECLAIM);
	assert_int_equal(memmap_type_at(&map, 0x201000), MEM_RESERVED);
	assert_int_equal(memmap_type_at(&map, 0x300fff), MEM_BAD);
	assert_int_equal(memmap_type_at(&map, 0x301000), MEM_RESERVED);
	assert_int_equal(memmap_type_at(&map, ~0ull), MEM_RESERVED);
}

static void test_total(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x0000, 0x9f000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x100000, 0x7ff00000, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x100000000ull, 0x80000000ull, MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x9f000, 0x1000, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0xfec00000, 0x1000, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x7fee0000, 0x20000, MEM_ACPI_RECLAIM), 0);
	assert_int_equal(memmap_total(&map, MEM_USABLE),
			 0x9f000 + 0x7ff00000 - 0x20000 + 0x80000000ull);
	assert_int_equal(memmap_total(&map, MEM_RESERVED), 0x2000);
	assert_int_equal(memmap_total(&map, MEM_ACPI_RECLAIM), 0x20000);
	assert_int_equal(memmap_total(&map, MEM_ACPI_NVS), 0);
	assert_int_equal(memmap_total(&map, MEM_BAD), 0);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(memmap_type_name(MEM_USABLE), "usable");
	assert_string_equal(memmap_type_name(MEM_ACPI_RECLAIM), "acpi");
	assert_string_equal(memmap_type_name(MEM_ACPI_NVS), "acpi-nvs");
	assert_string_equal(memmap_type_name(MEM_RESERVED), "reserved");
	assert_string_equal(memmap_type_name(MEM_BAD), "bad");
	assert_string_equal(memmap_type_name((enum mem_type)0), "unknown");
}

/* Random adds over a small space, checked unit by unit against a plain array. */
static void test_random_against_model(void **state)
{
	enum { UNITS = 96, UNIT = 0x1000 };
	uint8_t model[UNITS];
	uint32_t seed = 12345;
	unsigned int round, op, u;

	(void)state;
	for (round = 0; round < 200; round++) {
		memmap_init(&map);
		memset(model, 0, sizeof(model));
		for (op = 0; op < 40; op++) {
			unsigned int a, len, type;

			seed = seed * 1103515245u + 12345u;
			a = (seed >> 8) % UNITS;
			seed = seed * 1103515245u + 12345u;
			len = 1 + (seed >> 8) % (UNITS - a < 20 ? UNITS - a : 20);
			seed = seed * 1103515245u + 12345u;
			type = 1 + (seed >> 8) % 5;
			assert_int_equal(memmap_add(&map, (uint64_t)a * UNIT, (uint64_t)len * UNIT,
						    (enum mem_type)type),
					 0);
			for (u = a; u < a + len; u++)
				if (model[u] < type)
					model[u] = (uint8_t)type;
			check_invariants(&map);
			for (u = 0; u < UNITS; u++) {
				unsigned int want = model[u] ? model[u] : MEM_RESERVED;
				unsigned int got = memmap_type_at(&map, (uint64_t)u * UNIT);

				if (want != got)
					fail_msg("round %u op %u unit %u: want %u got %u", round,
						 op, u, want, got);
				/* Gaps must not be represented as ranges. */
				if (!model[u]) {
					unsigned int k;

					for (k = 0; k < map.n; k++)
						assert_false((uint64_t)u * UNIT >= map.r[k].base &&
							     (uint64_t)u * UNIT < map.r[k].end);
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_empty, setup),
		cmocka_unit_test_setup(test_sorts_unsorted_input, setup),
		cmocka_unit_test_setup(test_usable_over_reserved_hole, setup),
		cmocka_unit_test_setup(test_reserved_inside_usable_splits, setup),
		cmocka_unit_test_setup(test_partial_overlap_precedence, setup),
		cmocka_unit_test_setup(test_wide_range_over_mixed, setup),
		cmocka_unit_test_setup(test_merge_equal_types, setup),
		cmocka_unit_test_setup(test_merge_around_stronger, setup),
		cmocka_unit_test_setup(test_enospc_leaves_map_unchanged, setup),
		cmocka_unit_test_setup(test_split_needs_two_slots, setup),
		cmocka_unit_test_setup(test_einval, setup),
		cmocka_unit_test_setup(test_type_at, setup),
		cmocka_unit_test_setup(test_total, setup),
		cmocka_unit_test_setup(test_type_names, setup),
		cmocka_unit_test_setup(test_random_against_model, setup),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
