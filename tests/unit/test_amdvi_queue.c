// SPDX-License-Identifier: MIT
/*
 * The AMD-Vi driver's pure bookkeeping (iommu/amdvi_queue.c): command ring
 * positions with wrap and a full ring, QEMU 10.0.2's head register reading
 * the ring length; the event log drained from memory, wrapping, without a
 * tail register; interrupt remapping indices unique per unit, each in its
 * requester's table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "iommu/amdvi_queue.h"

static struct amdvi_cmd cmd(uint64_t n)
{
	return (struct amdvi_cmd){n, ~n};
}

static void test_cmd_put_wraps(void **state)
{
	struct amdvi_cmd ring[8] = {0};
	const struct amdvi_cmd c[3] = {cmd(1), cmd(2), cmd(3)};
	unsigned int tail = 6;

	(void)state;
	assert_int_equal(amdvi_cmd_put(ring, 8, 6, &tail, c, 3), 0);
	assert_int_equal(tail, 1);
	assert_int_equal(ring[6].lo, 1);
	assert_int_equal(ring[7].lo, 2);
	assert_int_equal(ring[0].lo, 3);
	assert_int_equal(ring[0].hi, ~3ull);
	assert_int_equal(ring[1].lo, 0);
}

static void test_cmd_put_full(void **state)
{
	struct amdvi_cmd ring[8] = {0};
	struct amdvi_cmd c[8];
	unsigned int tail = 0;

	(void)state;
	for (unsigned int i = 0; i < 8; i++)
		c[i] = cmd(i + 1);
	/* 7 of 8: one slot stays free. */
	assert_int_equal(amdvi_cmd_put(ring, 8, 0, &tail, c, 8), -ENOSPC);
	assert_int_equal(tail, 0);
	assert_int_equal(ring[0].lo, 0);
	assert_int_equal(amdvi_cmd_put(ring, 8, 0, &tail, c, 7), 0);
	assert_int_equal(tail, 7);
	assert_int_equal(amdvi_cmd_put(ring, 8, 0, &tail, c, 1), -ENOSPC);
	/* The unit read 3: 3 free again. */
	assert_int_equal(amdvi_cmd_put(ring, 8, 3, &tail, c, 4), -ENOSPC);
	assert_int_equal(amdvi_cmd_put(ring, 8, 3, &tail, c, 3), 0);
	assert_int_equal(tail, 2);
	/* Bad positions */
	tail = 8;
	assert_int_equal(amdvi_cmd_put(ring, 8, 0, &tail, c, 1), -EINVAL);
}

/* QEMU 10.0.2 stores the head before its wrap check: after the last slot
 * the register reads the length, which is slot 0. */
static void test_cmd_put_head_at_length(void **state)
{
	struct amdvi_cmd ring[8] = {0};
	const struct amdvi_cmd c[2] = {cmd(1), cmd(2)};
	unsigned int tail = 0;

	(void)state;
	assert_int_equal(amdvi_cmd_put(ring, 8, 8, &tail, c, 2), 0);
	assert_int_equal(tail, 2);
	assert_int_equal(amdvi_cmd_put(ring, 8, 8, &tail, c, 2), 0);
	assert_int_equal(tail, 4);
}

static uint64_t seen[16][2];
static unsigned int nseen;

static void take(const uint64_t ev[2], void *ctx)
{
	assert_ptr_equal(ctx, &nseen);
	seen[nseen][0] = ev[0];
	seen[nseen][1] = ev[1];
	nseen++;
}

static void test_evlog_drain(void **state)
{
	uint64_t log[2 * 4] = {0};
	unsigned int head = 2;

	(void)state;
	nseen = 0;
	assert_int_equal(amdvi_evlog_drain(log, 4, &head, take, &nseen), 0);
	assert_int_equal(head, 2);
	/* Two events, the second in slot 3, then slot 0 wrapped to. */
	log[4] = 0x11;
	log[5] = 0x2000000000000000ull;
	log[6] = 0;
	log[7] = 0x1000000000000000ull; /* qword 0 of an event may be 0 */
	log[0] = 0x33;
	log[1] = 0x2000000000000000ull;
	assert_int_equal(amdvi_evlog_drain(log, 4, &head, take, &nseen), 3);
	assert_int_equal(nseen, 3);
	assert_int_equal(head, 1);
	assert_int_equal(seen[0][0], 0x11);
	assert_int_equal(seen[1][1], 0x1000000000000000ull);
	assert_int_equal(seen[2][0], 0x33);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(log[i], 0);
	/* Nothing new: nothing again. */
	assert_int_equal(amdvi_evlog_drain(log, 4, &head, take, &nseen), 0);
	assert_int_equal(nseen, 3);
}

static void test_evlog_drain_full(void **state)
{
	uint64_t log[2 * 4];
	unsigned int head = 1;

	(void)state;
	nseen = 0;
	for (unsigned int i = 0; i < 8; i++)
		log[i] = i + 1;
	/* Every slot written: each once, and no more than the log holds. */
	assert_int_equal(amdvi_evlog_drain(log, 4, &head, take, &nseen), 4);
	assert_int_equal(head, 1);
	assert_int_equal(seen[0][0], 3);
	assert_int_equal(seen[3][0], 1);
}

static void test_irq_indices(void **state)
{
	static struct amdvi_irq_map m;
	bool created;
	int a, b, i0, i1, i2;

	(void)state;
	amdvi_irq_map_init(&m);
	assert_int_equal(amdvi_irq_table_of(&m, 0x90), -ENOENT);
	a = amdvi_irq_table_get(&m, 0x90, &created);
	assert_int_equal(a, 0);
	assert_true(created);
	assert_int_equal(amdvi_irq_table_get(&m, 0x90, &created), a);
	assert_false(created);
	b = amdvi_irq_table_get(&m, 0x92, &created);
	assert_int_equal(b, 1);
	assert_true(created);
	assert_int_equal(amdvi_irq_table_of(&m, 0x92), b);

	/* One index space per unit: b's first index is not a's. */
	i0 = amdvi_irq_index_alloc(&m, a);
	i1 = amdvi_irq_index_alloc(&m, b);
	i2 = amdvi_irq_index_alloc(&m, a);
	assert_int_equal(i0, 0);
	assert_int_equal(i1, 1);
	assert_int_equal(i2, 2);
	assert_int_equal(m.owner[1], b);
	assert_int_equal(amdvi_irq_index_free(&m, 1), 0);
	assert_int_equal(amdvi_irq_index_free(&m, 1), -EINVAL);
	assert_int_equal(amdvi_irq_index_free(&m, AMDVI_IRQ_INDICES), -EINVAL);
	assert_int_equal(amdvi_irq_index_alloc(&m, a), 1);
	assert_int_equal(amdvi_irq_index_alloc(&m, 5), -EINVAL);
	assert_int_equal(amdvi_irq_index_alloc(&m, -1), -EINVAL);
	for (int i = 3; i < AMDVI_IRQ_INDICES; i++)
		assert_int_equal(amdvi_irq_index_alloc(&m, b), i);
	assert_int_equal(amdvi_irq_index_alloc(&m, a), -ENOSPC);
	/* A table per requester, up to the cap. */
	for (int i = 2; i < AMDVI_IRQ_TABLES; i++)
		assert_int_equal(amdvi_irq_table_get(&m, (uint16_t)(0x100 + i), &created), i);
	assert_int_equal(amdvi_irq_table_get(&m, 0x400, &created), -ENOSPC);
	assert_false(created);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_put_wraps),	       cmocka_unit_test(test_cmd_put_full),
		cmocka_unit_test(test_cmd_put_head_at_length), cmocka_unit_test(test_evlog_drain),
		cmocka_unit_test(test_evlog_drain_full),       cmocka_unit_test(test_irq_indices),
	};

	return cmocka_run_group_tests_name("amdvi_queue", tests, NULL, NULL);
}
