// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/decode.c. Feeds: the input as the bytes at a
 * guest's RIP (exactly that many readable, so ASan sees any read past them)
 * to decode_mmio() and to decode_mov_cr() in and out of 64-bit mode.
 * Checks: a decoded length is 1..15 and never more than the bytes given;
 * -ENODATA only when fewer than 15 bytes were given; the fields are in range
 * and agree (a store has no dst_size, AH..BH only as 1-byte operands of
 * rax..rbx); decoding just the instruction's own bytes gives the same
 * result; a store leaves the register alone in decode_load_result().
 */
#include <string.h>
#include "lib/err.h"
#include "hv/platform/decode.h"
#include "fuzz.h"

static bool pow2_size(unsigned int s)
{
	return s == 1 || s == 2 || s == 4 || s == 8;
}

static void check_mmio(const uint8_t *data, size_t size)
{
	struct mmio_insn in, again;
	int err = decode_mmio(data, size, &in);

	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ENODATA);
	if (err == -ENODATA)
		FUZZ_CHECK(size < DECODE_INSN_MAX);
	if (err)
		return;
	FUZZ_CHECK(in.len >= 1 && in.len <= DECODE_INSN_MAX && in.len <= size);
	FUZZ_CHECK(pow2_size(in.size));
	FUZZ_CHECK(in.reg < 16);
	FUZZ_CHECK(!in.has_imm || (in.write && in.reg == 0 && !in.reg_high8));
	FUZZ_CHECK(in.has_imm || in.imm == 0);
	if (in.has_imm && in.size < 8)
		FUZZ_CHECK(in.imm >> (8 * in.size) == 0);
	FUZZ_CHECK(!in.reg_high8 || (in.reg < 4 && in.size == 1));
	if (in.write) {
		FUZZ_CHECK(in.dst_size == 0 && in.ext == MMIO_EXT_NONE);
		FUZZ_CHECK(decode_load_result(&in, 0x0123456789abcdefull, ~0ull) ==
			   0x0123456789abcdefull);
	} else {
		FUZZ_CHECK(pow2_size(in.dst_size) && in.dst_size >= in.size);
		FUZZ_CHECK(in.ext != MMIO_EXT_NONE || in.dst_size == in.size);
	}
	/* The instruction's own bytes, and no more, decode the same. */
	uint8_t *own = malloc(in.len);

	FUZZ_CHECK(own);
	memcpy(own, data, in.len);
	FUZZ_CHECK(decode_mmio(own, in.len, &again) == 0);
	free(own);
	FUZZ_CHECK(again.len == in.len && again.size == in.size && again.write == in.write &&
		   again.has_imm == in.has_imm && again.imm == in.imm && again.reg == in.reg &&
		   again.reg_high8 == in.reg_high8 && again.ext == in.ext &&
		   again.dst_size == in.dst_size);
}

static void check_cr(const uint8_t *data, size_t size, bool long64)
{
	struct cr_insn cr;
	int err = decode_mov_cr(data, size, long64, &cr);

	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ENODATA);
	if (err)
		return;
	FUZZ_CHECK(cr.len >= 3 && cr.len <= DECODE_INSN_MAX && cr.len <= size);
	FUZZ_CHECK(cr.cr < 16 && cr.reg < 16);
	FUZZ_CHECK(long64 || (cr.reg < 8 && cr.cr < 16));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_mmio(data, size);
	check_cr(data, size, true);
	check_cr(data, size, false);
	return 0;
}
