/* SPDX-License-Identifier: MIT */
/*
 * Decoding of the guest instructions that touch emulated MMIO. A trapped
 * access exits with the guest-physical address but not the operand, so the
 * hypervisor reads the bytes at the guest RIP and decodes them here. Only the
 * plain moves Linux uses for MMIO (64-bit mode) are accepted; anything else is
 * refused, never guessed at.
 *
 * Accepted: mov 88/89/8A/8B, mov-immediate C6 /0 and C7 /0, movzx 0F B6/B7,
 * movsx 0F BE/BF and the moffs moves A0-A3, with prefixes 66, 67, segment
 * overrides (ignored: the address comes from the exit) and REX. Refused:
 * LOCK, REP/REPNE, a register operand (ModRM mod=3), VEX/EVEX, every other
 * opcode, more than 15 bytes.
 */
#ifndef VF_DECODE_H
#define VF_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECODE_INSN_MAX 15 /* the architectural limit on an instruction's length */

enum mmio_ext {
	MMIO_EXT_NONE, /* plain mov: the register takes the value as read */
	MMIO_EXT_ZERO, /* movzx */
	MMIO_EXT_SIGN, /* movsx */
};

struct mmio_insn {
	uint8_t len;  /* instruction length in bytes (the caller advances RIP by it) */
	uint8_t size; /* bytes accessed in memory: 1, 2, 4 or 8 */
	bool write;   /* a store to memory; else a load into @reg */
	bool has_imm; /* a store of @imm rather than of @reg */
	/* The bytes a store of an immediate writes, as the CPU forms them: the
	 * immediate zero-extended from @size, except that a 64-bit store's imm32
	 * is sign-extended to 64 bits. 0 unless @has_imm. */
	uint64_t imm;
	/* The register read (stores) or written (loads): 0-15 for rax..r15; for
	 * AH/CH/DH/BH it is the register holding it (0-3, rax..rbx) with
	 * @reg_high8 set. 0 and unused when @has_imm. */
	uint8_t reg;
	bool reg_high8;	   /* the operand is bits 15:8 of @reg (8-bit, no REX, reg 4-7) */
	enum mmio_ext ext; /* loads: how @size bytes widen to @dst_size */
	/* Loads: the register width written, 1, 2, 4 or 8 bytes (a 4-byte write
	 * zeroes bits 63:32, 1 and 2 leave the rest). 0 for stores. */
	uint8_t dst_size;
};

/*
 * Decode the instruction at @bytes, of which @avail bytes are readable (no
 * byte past them is read). Returns 0 with *@out filled in; -EINVAL if it is
 * not a form emulated here, or malformed (the caller refuses the access);
 * -ENODATA if it needs more than @avail bytes (the caller fetches across the
 * page and retries). On error *@out is unspecified and must not be used.
 */
int decode_mmio(const uint8_t *bytes, size_t avail, struct mmio_insn *out);

/*
 * The value of register @in->reg after load @in read @value (its low @in->size
 * bytes count) when it held @old_reg: extended per @in->ext and written with
 * the width @in->dst_size as the CPU does (a partial write keeps the other
 * bits; a 32-bit one zeroes bits 63:32; AH..BH land in bits 15:8). For a
 * store it returns @old_reg.
 */
uint64_t decode_load_result(const struct mmio_insn *in, uint64_t old_reg, uint64_t value);

/* MOV to a control register (0F 22 /r), which AMD-V without decode assists
 * reports without its register operand. */
struct cr_insn {
	uint8_t len; /* instruction length in bytes */
	uint8_t cr;  /* the control register written (ModRM.reg, REX.R) */
	uint8_t reg; /* the general register read (ModRM.rm, REX.B): 0-15 */
};

/*
 * Decode MOV CRn, reg at @bytes (@avail readable), executed in 64-bit mode
 * if @long64 (where REX prefixes exist; elsewhere 40-4F are other
 * instructions). ModRM.mod is ignored, as by the CPU. Returns 0 with *@out
 * filled in, -EINVAL for anything else (LOCK, AMD's CR8 alias, included),
 * -ENODATA if more bytes are needed.
 */
int decode_mov_cr(const uint8_t *bytes, size_t avail, bool long64, struct cr_insn *out);

#endif
