/* SPDX-License-Identifier: MIT */
/*
 * A little-endian byte builder for the ACPI table parsers' tests (DMAR,
 * IVRS): a test appends fields with u8..u64 and patches earlier ones with
 * put16/put32. Header-only: each test that includes it has its own buffer.
 */
#ifndef VF_TEST_TABLE_BUILDER_H
#define VF_TEST_TABLE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

static uint8_t tb[65536];
static size_t tlen;

static inline void u8(uint8_t v)
{
	assert_true(tlen < sizeof(tb));
	tb[tlen++] = v;
}

static inline void u16(uint16_t v)
{
	u8((uint8_t)v);
	u8((uint8_t)(v >> 8));
}

static inline void u32(uint32_t v)
{
	u16((uint16_t)v);
	u16((uint16_t)(v >> 16));
}

static inline void u64(uint64_t v)
{
	u32((uint32_t)v);
	u32((uint32_t)(v >> 32));
}

static inline void put16(size_t at, uint16_t v)
{
	tb[at] = (uint8_t)v;
	tb[at + 1] = (uint8_t)(v >> 8);
}

static inline void put32(size_t at, uint32_t v)
{
	put16(at, (uint16_t)v);
	put16(at + 2, (uint16_t)(v >> 16));
}

#endif
