// SPDX-License-Identifier: MIT
/*
 * The ICR filter. The guest owns x2APIC IDs 0x10, 0x11, 0x14 (cluster 1)
 * and 0x23 (cluster 2); another guest has 0x12, 0x13 (cluster 1), 0x20
 * (cluster 2) and 0x100010, whose logical ID aliases 0x10's (the LDR's
 * cluster field is 16 bits). The fuzz test models which CPUs of the whole
 * machine a real ICR write reaches and checks no write ever leaves the guest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/platform/icr_filter.h"

enum { FIXED = 0, LOWEST = 1, SMI = 2, NMI = 4, INIT = 5, SIPI = 6 };
enum { NONE = 0, SELF = 1, ALL = 2, OTHERS = 3 };

#define LOGICAL	  (1ull << 11)
#define BUSY	  (1ull << 12)
#define ASSERT	  (1ull << 14)
#define LEVELTRIG (1ull << 15)

static uint64_t icr(unsigned int vector, unsigned int dm, unsigned int sh, uint32_t dest)
{
	return vector | (uint64_t)dm << 8 | (uint64_t)sh << 18 | (uint64_t)dest << 32;
}

/* Logical destination: cluster and CPU bits. */
static uint32_t ldest(uint32_t cluster, uint32_t bits)
{
	return cluster << 16 | bits;
}

static const uint32_t own[] = {0x10, 0x11, 0x14, 0x23};
#define N_OWN 4u
#define SELFI 0u /* the writer is 0x10 */

static struct icr_decision decide(uint64_t v)
{
	struct icr_decision d;

	memset(&d, 0xA5, sizeof(d));
	assert_int_equal(icr_filter(v, own, N_OWN, SELFI, &d), 0);
	return d;
}

static void assert_drop(uint64_t v)
{
	struct icr_decision d = decide(v);

	if (d.verdict != ICR_DROP)
		print_error("ICR %#llx: verdict %d, want DROP\n", (unsigned long long)v, d.verdict);
	assert_int_equal(d.verdict, ICR_DROP);
	assert_non_null(d.why);
	assert_true(d.target_mask == 0 && d.icr == 0);
}

static void assert_send(uint64_t v, uint64_t want_icr, uint64_t mask)
{
	struct icr_decision d = decide(v);

	assert_int_equal(d.verdict, ICR_SEND);
	assert_true(d.icr == want_icr);
	assert_true(d.target_mask == mask);
	assert_null(d.why);
}

static void assert_each(uint64_t v, uint64_t template, uint64_t mask)
{
	struct icr_decision d = decide(v);

	assert_int_equal(d.verdict, ICR_SEND_EACH);
	assert_true(d.icr == template);
	assert_true(d.target_mask == mask);
	assert_null(d.why);
}

static void assert_emulate(uint64_t v, enum icr_verdict verdict, uint64_t mask)
{
	struct icr_decision d = decide(v);

	assert_int_equal(d.verdict, verdict);
	assert_true(d.icr == (v & ~BUSY));
	assert_true(d.target_mask == mask);
	assert_null(d.why);
}

static void assert_ignore(uint64_t v)
{
	struct icr_decision d = decide(v);

	assert_int_equal(d.verdict, ICR_IGNORE);
	assert_non_null(d.why);
	assert_true(d.target_mask == 0 && d.icr == 0);
}

static void test_fixed_physical(void **state)
{
	(void)state;
	/* Linux x2apic_phys: vector | APIC ID << 32 */
	assert_send(icr(0xFB, FIXED, NONE, 0x11), icr(0xFB, FIXED, NONE, 0x11), 1u << 1);
	assert_send(icr(0x30, FIXED, NONE, 0x23), icr(0x30, FIXED, NONE, 0x23), 1u << 3);
	assert_send(icr(0xFD, FIXED, NONE, 0x10), icr(0xFD, FIXED, NONE, 0x10), 1u << 0);
	/* the level bit is kept as written (ignored for edge) */
	assert_send(icr(0x40, FIXED, NONE, 0x14) | ASSERT, icr(0x40, FIXED, NONE, 0x14) | ASSERT,
		    1u << 2);
	/* another guest's CPUs, by physical ID, and CPUs nobody has */
	assert_drop(icr(0xFB, FIXED, NONE, 0x12));
	assert_drop(icr(0xFB, FIXED, NONE, 0x20));
	assert_drop(icr(0xFB, FIXED, NONE, 0x100010));
	assert_drop(icr(0xFB, FIXED, NONE, 0));
	assert_drop(icr(0xFB, FIXED, NONE, 0xFFFFFFFE));
}

static void test_vectors(void **state)
{
	(void)state;
	for (unsigned int v = 0; v < 16; v++) {
		assert_drop(icr(v, FIXED, NONE, 0x11));
		assert_drop(icr(v, LOWEST, NONE, 0x11));
		assert_drop(icr(v, FIXED, SELF, 0));
		assert_drop(icr(v, FIXED, OTHERS, 0));
	}
	assert_send(icr(16, FIXED, NONE, 0x11), icr(16, FIXED, NONE, 0x11), 2);
	assert_send(icr(0xFF, FIXED, NONE, 0x11), icr(0xFF, FIXED, NONE, 0x11), 2);
	/* NMI ignores the vector */
	assert_send(icr(0, NMI, NONE, 0x11), icr(0, NMI, NONE, 0x11), 2);
}

static void test_nmi(void **state)
{
	(void)state;
	assert_send(icr(0, NMI, NONE, 0x14), icr(0, NMI, NONE, 0x14), 1u << 2);
	assert_drop(icr(0, NMI, NONE, 0x13));
	assert_drop(icr(0, NMI | 0, NONE, 0x20));
	assert_drop(icr(0, NMI, NONE, ldest(1, 0x4)) | LOGICAL); /* 0x12 */
	/* broadcast NMIs reach only the guest */
	assert_each(icr(0, NMI, OTHERS, 0), icr(0, NMI, NONE, 0), 0xE);
	assert_each(icr(0, NMI, NONE, 0xFFFFFFFF), icr(0, NMI, NONE, 0), 0xF);
	/* the SDM allows NMI with neither self nor all-including-self */
	assert_drop(icr(0, NMI, SELF, 0));
	assert_drop(icr(0, NMI, ALL, 0));
	assert_drop(icr(0, NMI, NONE, 0x11) | LEVELTRIG | ASSERT);
}

static void test_lowest_priority(void **state)
{
	(void)state;
	/* sent as fixed to what it addresses */
	assert_send(icr(0x41, LOWEST, NONE, 0x11), icr(0x41, FIXED, NONE, 0x11), 2);
	assert_each(icr(0x41, LOWEST, NONE, ldest(1, 0x13)) | LOGICAL, icr(0x41, FIXED, NONE, 0),
		    0x7);
	assert_each(icr(0x41, LOWEST, OTHERS, 0), icr(0x41, FIXED, NONE, 0), 0xE);
	assert_drop(icr(0x41, LOWEST, NONE, 0x12));
	assert_drop(icr(0x41, LOWEST, SELF, 0));
	assert_drop(icr(0x41, LOWEST, ALL, 0));
}

static void test_smi_and_reserved_modes(void **state)
{
	(void)state;
	assert_drop(icr(0, SMI, NONE, 0x11));
	assert_drop(icr(0, SMI, NONE, 0x10));
	assert_drop(icr(0, SMI, OTHERS, 0));
	assert_drop(icr(0, SMI, NONE, 0xFFFFFFFF));
	assert_drop(icr(0, SMI, NONE, ldest(1, 1)) | LOGICAL);
	assert_drop(icr(0x40, 3, NONE, 0x11));
	assert_drop(icr(0x40, 7, NONE, 0x11));
	assert_drop(icr(0x40, 7, OTHERS, 0));
	/* level-triggered fixed IPIs (a real one would set TMR bits) */
	assert_drop(icr(0x40, FIXED, NONE, 0x11) | LEVELTRIG | ASSERT);
	assert_drop(icr(0x40, FIXED, NONE, 0x11) | LEVELTRIG);
	assert_drop(icr(0x40, FIXED, OTHERS, 0) | LEVELTRIG | ASSERT);
	assert_drop(icr(0x08, SIPI, NONE, 0x11) | LEVELTRIG | ASSERT);
}

/* The AP start-up Linux does (wakeup_secondary_cpu_via_init), by physical
 * ID: INIT assert, INIT de-assert, then two start-up IPIs. */
static void test_ap_startup(void **state)
{
	(void)state;
	assert_emulate(icr(0, INIT, NONE, 0x11) | LEVELTRIG | ASSERT, ICR_EMULATE_INIT, 2);
	assert_ignore(icr(0, INIT, NONE, 0x11) | LEVELTRIG);
	assert_emulate(icr(0x9A, SIPI, NONE, 0x11), ICR_EMULATE_SIPI, 2);
	assert_true(decide(icr(0x9A, SIPI, NONE, 0x11)).icr == icr(0x9A, SIPI, NONE, 0x11));
	/* edge-triggered INIT is INIT too */
	assert_emulate(icr(0, INIT, NONE, 0x23), ICR_EMULATE_INIT, 8);
	/* logical: own CPUs only */
	assert_emulate(icr(0, INIT, NONE, ldest(1, 0x12)) | LOGICAL | LEVELTRIG | ASSERT,
		       ICR_EMULATE_INIT, 0x6);
	assert_emulate(icr(0x10, SIPI, NONE, ldest(2, 0x8)) | LOGICAL, ICR_EMULATE_SIPI, 0x8);
	/* broadcast INIT/SIPI: the guest's other CPUs */
	assert_emulate(icr(0, INIT, OTHERS, 0) | ASSERT, ICR_EMULATE_INIT, 0xE);
	assert_emulate(icr(0x10, SIPI, OTHERS, 0), ICR_EMULATE_SIPI, 0xE);
	assert_emulate(icr(0, INIT, NONE, 0xFFFFFFFF) | ASSERT, ICR_EMULATE_INIT, 0xF);
	/* the SDM has no INIT/SIPI with self or all-including-self */
	assert_drop(icr(0, INIT, SELF, 0) | ASSERT);
	assert_drop(icr(0, INIT, ALL, 0) | ASSERT);
	assert_drop(icr(0x10, SIPI, SELF, 0));
	assert_drop(icr(0x10, SIPI, ALL, 0));
	/* INIT de-assert in logical mode */
	assert_drop(icr(0, INIT, NONE, ldest(1, 0x2)) | LOGICAL | LEVELTRIG);
}

/* INIT and start-up at another guest's CPUs: never emulated, never sent. */
static void test_foreign_init(void **state)
{
	(void)state;
	assert_drop(icr(0, INIT, NONE, 0x12) | LEVELTRIG | ASSERT);
	assert_drop(icr(0, INIT, NONE, 0x12) | LEVELTRIG); /* de-assert too */
	assert_drop(icr(0x9A, SIPI, NONE, 0x20));
	assert_drop(icr(0, INIT, NONE, ldest(1, 0x7)) | LOGICAL | ASSERT); /* 0x12 in the mask */
	assert_drop(icr(0x9A, SIPI, NONE, ldest(2, 0x9)) | LOGICAL);	   /* 0x20 and 0x23 */
	assert_drop(icr(0, INIT, NONE, 0) | ASSERT);
}

static void test_logical(void **state)
{
	(void)state;
	/* Linux x2apic_cluster: one write per cluster; sent as physical IPIs */
	assert_each(icr(0xFB, FIXED, NONE, ldest(1, 0x13)) | LOGICAL, icr(0xFB, FIXED, NONE, 0),
		    0x7);
	assert_each(icr(0xFB, FIXED, NONE, ldest(2, 0x8)) | LOGICAL, icr(0xFB, FIXED, NONE, 0),
		    0x8);
	/* a mask covering a foreign CPU: nothing is sent, not even to 0x10 */
	assert_drop(icr(0xFB, FIXED, NONE, ldest(1, 0x5)) | LOGICAL);
	assert_drop(icr(0xFB, FIXED, NONE, ldest(1, 0xFFFF)) | LOGICAL);
	assert_drop(icr(0xFB, FIXED, NONE, ldest(2, 0x1)) | LOGICAL);
	assert_drop(icr(0xFB, FIXED, NONE, ldest(0, 0x1)) | LOGICAL);
	assert_drop(icr(0xFB, FIXED, NONE, ldest(0xFFFF, 0x1)) | LOGICAL);
	/* no CPU at all */
	assert_ignore(icr(0xFB, FIXED, NONE, ldest(1, 0)) | LOGICAL);
	/* logical broadcast */
	assert_each(icr(0xFB, FIXED, NONE, 0xFFFFFFFF) | LOGICAL, icr(0xFB, FIXED, NONE, 0), 0xF);
}

static void test_broadcast(void **state)
{
	(void)state;
	/* shorthands and 0xFFFFFFFF reach only the guest's own CPUs */
	assert_each(icr(0xF2, FIXED, ALL, 0), icr(0xF2, FIXED, NONE, 0), 0xF);
	assert_each(icr(0xF2, FIXED, OTHERS, 0), icr(0xF2, FIXED, NONE, 0), 0xE);
	assert_each(icr(0xF2, FIXED, NONE, 0xFFFFFFFF), icr(0xF2, FIXED, NONE, 0), 0xF);
	/* a shorthand ignores the destination field: the template is clean */
	assert_each(icr(0xF2, FIXED, OTHERS, 0x12), icr(0xF2, FIXED, NONE, 0), 0xE);
	assert_each(icr(0xF2, FIXED, ALL, 0x12) | LOGICAL, icr(0xF2, FIXED, NONE, 0), 0xF);
	/* self */
	assert_send(icr(0xEC, FIXED, SELF, 0), icr(0xEC, FIXED, SELF, 0), 1);
	assert_send(icr(0xEC, FIXED, SELF, 0x12), icr(0xEC, FIXED, SELF, 0), 1);
}

static void test_self_index(void **state)
{
	struct icr_decision d;

	(void)state;
	assert_int_equal(icr_filter(icr(0x30, FIXED, OTHERS, 0), own, N_OWN, 2, &d), 0);
	assert_int_equal(d.verdict, ICR_SEND_EACH);
	assert_true(d.target_mask == 0xB);
	assert_int_equal(icr_filter(icr(0x30, FIXED, SELF, 0), own, N_OWN, 3, &d), 0);
	assert_true(d.target_mask == 0x8);
	/* a one-CPU guest has nobody else */
	assert_int_equal(icr_filter(icr(0x30, FIXED, OTHERS, 0), own, 1, 0, &d), 0);
	assert_int_equal(d.verdict, ICR_IGNORE);
	assert_int_equal(icr_filter(icr(0, INIT, OTHERS, 0) | ASSERT, own, 1, 0, &d), 0);
	assert_int_equal(d.verdict, ICR_IGNORE);
	/* 64 CPUs: the whole mask */
	{
		uint32_t many[ICR_FILTER_MAX_CPUS];

		for (unsigned int i = 0; i < ICR_FILTER_MAX_CPUS; i++)
			many[i] = 0x100 + i;
		assert_int_equal(icr_filter(icr(0x30, FIXED, ALL, 0), many, 64, 63, &d), 0);
		assert_true(d.target_mask == ~0ull);
		assert_int_equal(icr_filter(icr(0x30, FIXED, OTHERS, 0), many, 64, 63, &d), 0);
		assert_true(d.target_mask == ~0ull >> 1);
		assert_int_equal(icr_filter(icr(0x30, FIXED, NONE, 0x13F), many, 64, 0, &d), 0);
		assert_true(d.target_mask == 1ull << 63);
	}
}

static void test_reserved_bits_and_args(void **state)
{
	static const unsigned int reserved[] = {13, 16, 17, 20, 25, 31};
	struct icr_decision d;

	(void)state;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		memset(&d, 0xA5, sizeof(d));
		assert_int_equal(icr_filter(icr(0x30, FIXED, NONE, 0x11) | 1ull << reserved[i], own,
					    N_OWN, SELFI, &d),
				 -EINVAL);
		assert_int_equal(d.verdict, ICR_DROP);
		assert_non_null(d.why);
		assert_true(d.target_mask == 0);
	}
	/* busy (delivery status) is ignored, and never written to the CPU */
	assert_send(icr(0x30, FIXED, NONE, 0x11) | BUSY, icr(0x30, FIXED, NONE, 0x11), 2);
	assert_each(icr(0x30, FIXED, OTHERS, 0) | BUSY, icr(0x30, FIXED, NONE, 0), 0xE);
	assert_emulate(icr(0x9A, SIPI, NONE, 0x11) | BUSY, ICR_EMULATE_SIPI, 2);

	assert_int_equal(icr_filter(icr(0x30, FIXED, SELF, 0), own, 0, 0, &d), -ERANGE);
	assert_int_equal(d.verdict, ICR_DROP);
	assert_int_equal(icr_filter(icr(0x30, FIXED, SELF, 0), own, 65, 0, &d), -ERANGE);
	assert_int_equal(d.verdict, ICR_DROP);
	assert_int_equal(icr_filter(icr(0x30, FIXED, SELF, 0), own, N_OWN, N_OWN, &d), -ERANGE);
	assert_int_equal(d.verdict, ICR_DROP);
	assert_int_equal(icr_filter(icr(0x30, FIXED, SELF, 0), NULL, N_OWN, 0, &d), -ERANGE);
	assert_int_equal(d.verdict, ICR_DROP);
}

/* ---- fuzz --------------------------------------------------------------- */

/* Every CPU of the modelled machine; each iteration gives some to the guest. */
static const uint32_t machine[] = {0x00,     0x01,     0x10,	0x11,	 0x12,	    0x13,
				   0x14,     0x1F,     0x20,	0x23,	 0x2F,	    0x100,
				   0x100010, 0x100011, 0xFFFF0, 0xFFFFF, 0xFFFFFFFE};
#define MACHINE (sizeof(machine) / sizeof(machine[0]))

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t ldr(uint32_t id)
{
	return (uint32_t)((id >> 4) << 16) | 1u << (id & 15);
}

/* The CPUs of the machine (a bit per machine[] index) that a write of @v to
 * the real ICR on CPU @writer reaches, as the APIC delivers it. */
static uint64_t reaches(uint64_t v, unsigned int writer)
{
	uint32_t dest = (uint32_t)(v >> 32);
	unsigned int sh = (unsigned int)(v >> 18) & 3;
	uint64_t all = (1ull << MACHINE) - 1, set = 0;

	if (sh == SELF)
		return 1ull << writer;
	if (sh == ALL)
		return all;
	if (sh == OTHERS)
		return all & ~(1ull << writer);
	if (dest == 0xFFFFFFFF)
		return all;
	for (unsigned int i = 0; i < MACHINE; i++) {
		bool hit = v & LOGICAL ? (ldr(machine[i]) >> 16) == (dest >> 16) &&
						 (ldr(machine[i]) & dest & 0xFFFF)
				       : machine[i] == dest;
		if (hit)
			set |= 1ull << i;
	}
	return set;
}

/*
 * The x2APIC IDs a destination without shorthand names (physical: one;
 * logical: cluster << 4 | bit for each bit), as own indices in *@own_mask;
 * returns whether any named ID is not the guest's.
 */
static bool names_foreign(uint32_t dest, bool logical, const uint32_t *own_ids, unsigned int n,
			  uint64_t *own_mask)
{
	bool foreign = false;

	*own_mask = 0;
	for (uint32_t b = 0; b < (logical ? 16u : 1u); b++) {
		uint32_t id = dest;
		uint64_t m = 0;

		if (logical) {
			if (!(dest & 1u << b))
				continue;
			id = (dest >> 16) << 4 | b;
		}
		for (unsigned int i = 0; i < n; i++)
			if (own_ids[i] == id)
				m |= 1ull << i;
		foreign |= m == 0;
		*own_mask |= m;
	}
	return foreign;
}

static uint32_t random_dest(const uint32_t *own_ids, unsigned int n)
{
	switch (next() % 6) {
	case 0:
		return own_ids[next() % n];
	case 1:
		return machine[next() % MACHINE];
	case 2:
		return 0xFFFFFFFF;
	case 3: /* a logical ID in the cluster of some CPU */
		return ldest(machine[next() % MACHINE] >> 4, (uint32_t)next() & 0xFFFF);
	case 4: { /* a logical ID covering only own CPUs of one cluster */
		uint32_t c = own_ids[next() % n] >> 4, bits = 0;

		for (unsigned int i = 0; i < n; i++)
			if (own_ids[i] >> 4 == c && own_ids[i] < 0x100000 && next() % 2)
				bits |= 1u << (own_ids[i] & 15);
		return ldest(c, bits);
	}
	default:
		return (uint32_t)next();
	}
}

static void test_fuzz(void **state)
{
	unsigned int seen[ICR_DROP + 1] = {0};

	(void)state;
	for (unsigned int iter = 0; iter < 400000; iter++) {
		uint32_t own_ids[MACHINE];
		unsigned int at[MACHINE]; /* own index -> machine index */
		unsigned int n = 0, self, dm, sh, vector;
		uint64_t v, own_set = 0, asked, mask_all;
		bool foreign;
		struct icr_decision d;
		int ret;

		/* the guest: a random subset of the machine, at least one CPU */
		for (unsigned int i = 0; i < MACHINE; i++) {
			if (next() % 3 == 0 || (i == MACHINE - 1 && n == 0)) {
				at[n] = i;
				own_ids[n++] = machine[i];
				own_set |= 1ull << i;
			}
		}
		self = (unsigned int)(next() % n);
		mask_all = n == 64 ? ~0ull : (1ull << n) - 1;

		vector = (unsigned int)(next() % 256);
		dm = (unsigned int)(next() % 8);
		sh = next() % 4 ? NONE : (unsigned int)(next() % 4);
		v = icr(vector, dm, sh, random_dest(own_ids, n));
		v |= next() % 2 ? LOGICAL : 0;
		v |= next() % 2 ? ASSERT : 0;
		v |= next() % 4 == 0 ? LEVELTRIG : 0;
		v |= next() % 8 == 0 ? BUSY : 0;
		if (next() % 16 == 0) /* any bit at all */
			v ^= 1ull << (next() % 32);
		vector = (unsigned int)(v & 0xFF);
		dm = (unsigned int)(v >> 8) & 7;
		sh = (unsigned int)(v >> 18) & 3;

		memset(&d, 0xA5, sizeof(d));
		ret = icr_filter(v, own_ids, n, self, &d);
		assert_true(ret == 0 || ret == -EINVAL);
		assert_true(d.verdict <= ICR_DROP);
		seen[d.verdict]++;
		assert_true((d.target_mask & ~mask_all) == 0);
		if (ret) {
			assert_int_equal(d.verdict, ICR_DROP);
			continue;
		}

		/* what the guest's destination names */
		foreign = names_foreign((uint32_t)(v >> 32), v & LOGICAL, own_ids, n, &asked);

		switch (d.verdict) {
		case ICR_SEND: {
			uint64_t got = reaches(d.icr, at[self]), want = 0;

			/* THE invariant: nothing outside the guest */
			assert_true((got & ~own_set) == 0);
			for (unsigned int i = 0; i < n; i++)
				if (d.target_mask & 1ull << i)
					want |= 1ull << at[i];
			assert_true(got == want && got != 0);
			assert_true(((d.icr >> 8) & 7) == FIXED || ((d.icr >> 8) & 7) == NMI);
			assert_true((d.icr & (LOGICAL | LEVELTRIG | BUSY)) == 0);
			break;
		}
		case ICR_SEND_EACH:
			/* the template goes to one physical ID at a time */
			assert_true(d.icr >> 32 == 0);
			assert_true((d.icr & (LOGICAL | LEVELTRIG | BUSY | 3ull << 18)) == 0);
			assert_true(((d.icr >> 8) & 7) == FIXED || ((d.icr >> 8) & 7) == NMI);
			assert_true(d.target_mask != 0);
			for (unsigned int i = 0; i < n; i++) {
				if (!(d.target_mask & 1ull << i))
					continue;
				assert_true((reaches(d.icr | (uint64_t)own_ids[i] << 32, at[self]) &
					     ~own_set) == 0);
			}
			break;
		case ICR_EMULATE_INIT:
		case ICR_EMULATE_SIPI:
			assert_int_equal(dm, d.verdict == ICR_EMULATE_INIT ? INIT : SIPI);
			assert_true(d.target_mask != 0);
			assert_true(d.icr == (v & ~BUSY));
			break;
		default:
			assert_non_null(d.why);
			assert_true(d.target_mask == 0 && d.icr == 0);
			break;
		}
		if (d.verdict == ICR_SEND || d.verdict == ICR_SEND_EACH) {
			assert_true(dm == FIXED || dm == LOWEST || dm == NMI);
			if (dm != NMI)
				assert_true(vector >= 16 && (d.icr & 0xFF) == vector);
		}
		if (dm == SMI || dm == 3 || dm == 7)
			assert_int_equal(d.verdict, ICR_DROP);
		/* No partial send: a destination naming a foreign CPU (no
		 * shorthand, not a broadcast) is dropped whole. */
		if (sh == NONE && (uint32_t)(v >> 32) != 0xFFFFFFFF && foreign)
			assert_int_equal(d.verdict, ICR_DROP);
		/* And nothing valid is refused: an edge fixed IPI with a good
		 * vector to own CPUs only goes out to exactly those. */
		if (sh == NONE && dm == FIXED && vector >= 16 && !(v & LEVELTRIG) &&
		    (uint32_t)(v >> 32) != 0xFFFFFFFF && asked && !foreign) {
			assert_true(d.verdict == ICR_SEND || d.verdict == ICR_SEND_EACH);
			assert_true(d.target_mask == asked);
		}
	}
	print_message("  fuzz: send %u, each %u, init %u, sipi %u, ignore %u, drop %u\n",
		      seen[ICR_SEND], seen[ICR_SEND_EACH], seen[ICR_EMULATE_INIT],
		      seen[ICR_EMULATE_SIPI], seen[ICR_IGNORE], seen[ICR_DROP]);
	/* the bias must reach every outcome, or the test proves little */
	for (unsigned int i = 0; i <= ICR_DROP; i++)
		assert_true(seen[i] > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_physical),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_nmi),
		cmocka_unit_test(test_lowest_priority),
		cmocka_unit_test(test_smi_and_reserved_modes),
		cmocka_unit_test(test_ap_startup),
		cmocka_unit_test(test_foreign_init),
		cmocka_unit_test(test_logical),
		cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_self_index),
		cmocka_unit_test(test_reserved_bits_and_args),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
