// SPDX-License-Identifier: MIT
/* MMIO instruction decoding (64-bit mode), per the Intel SDM vol. 2 ch. 2:
 * legacy prefixes, REX, opcode, ModRM, SIB, displacement, immediate. */
#include "hv/platform/decode.h"
#include "lib/err.h"

#define REX_W 0x8
#define REX_R 0x4
#define REX_B 0x1

/* The bytes read so far of one instruction. */
struct cursor {
	const uint8_t *bytes;
	size_t avail;
	size_t pos;
};

/* Take the next @n bytes as a little-endian number. */
static int cursor_take(struct cursor *c, size_t n, uint64_t *val)
{
	uint64_t v = 0;

	/* Past 15 bytes the CPU faults whatever follows, so more bytes would
	 * not help: that is -EINVAL, not -ENODATA. */
	if (c->pos + n > DECODE_INSN_MAX)
		return -EINVAL;
	if (c->pos + n > c->avail)
		return -ENODATA;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*val = v;
	return 0;
}

static int cursor_byte(struct cursor *c, uint8_t *b)
{
	uint64_t v = 0;
	int err = cursor_take(c, 1, &v);

	*b = (uint8_t)v;
	return err;
}

struct prefixes {
	bool opsize16; /* 66 */
	bool addr32;   /* 67 */
	uint8_t rex;   /* the REX byte in effect, 0 if none */
};

/* Read the prefixes and the first opcode byte into @op. */
static int prefixes_read(struct cursor *c, struct prefixes *p, uint8_t *op)
{
	for (;;) {
		uint8_t b;
		int err = cursor_byte(c, &b);

		if (err)
			return err;
		switch (b) {
		case 0x66:
			p->opsize16 = true;
			break;
		case 0x67:
			p->addr32 = true;
			break;
		case 0x26: /* ES, CS, SS, DS, FS, GS: the exit gives the address */
		case 0x2e:
		case 0x36:
		case 0x3e:
		case 0x64:
		case 0x65:
			break;
		case 0xf0: /* LOCK: a locked read-modify-write, not a mov */
		case 0xf2: /* REPNE/REP (and XACQUIRE/XRELEASE) */
		case 0xf3:
			return -EINVAL;
		default:
			if ((b & 0xf0) == 0x40) {
				/* Only the REX right before the opcode counts:
				 * a later REX replaces it, a later legacy
				 * prefix voids it (below). */
				p->rex = b;
				continue;
			}
			*op = b;
			return 0;
		}
		p->rex = 0; /* a legacy prefix after a REX voids the REX */
	}
}

/* Read ModRM and the SIB and displacement it calls for; refuse a register
 * operand. @reg gets ModRM.reg (without REX.R). */
static int modrm_read(struct cursor *c, uint8_t *reg)
{
	uint8_t modrm, mod, rm, sib;
	size_t disp = 0;
	uint64_t unused;
	int err;

	err = cursor_byte(c, &modrm);
	if (err)
		return err;
	mod = modrm >> 6;
	rm = modrm & 7;
	*reg = (modrm >> 3) & 7;
	if (mod == 3)
		return -EINVAL; /* a register, not memory: no MMIO here */
	/* The special cases look at the 3-bit fields only: REX.B does not
	 * change them (r12 needs a SIB like rsp, r13 like rbp). */
	if (rm == 4) {
		err = cursor_byte(c, &sib);
		if (err)
			return err;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4; /* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		disp = 4; /* RIP-relative */
	}
	if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	return disp ? cursor_take(c, disp, &unused) : 0;
}

/* An immediate of @size bytes (1, 2 or 4), widened to the @store_size bytes
 * the CPU writes: only the 64-bit store sign-extends its imm32. */
static int imm_read(struct cursor *c, size_t size, uint8_t store_size, uint64_t *imm)
{
	int err = cursor_take(c, size, imm);

	if (!err && store_size == 8)
		*imm = (uint64_t)(int64_t)(int32_t)(uint32_t)*imm;
	return err;
}

/* The register for ModRM.reg @field of an 8-bit operand: without any REX,
 * 4-7 are AH, CH, DH, BH; with one, SPL, BPL, SIL, DIL. */
static void reg8_set(struct mmio_insn *out, const struct prefixes *p, uint8_t field)
{
	if (!p->rex && field >= 4) {
		out->reg = field - 4;
		out->reg_high8 = true;
	} else {
		out->reg = field | ((p->rex & REX_R) ? 8 : 0);
	}
}

/* movzx/movsx 0F B6/B7/BE/BF; 0F has been read. */
static int decode_ext(struct cursor *c, const struct prefixes *p, uint8_t opsize,
		      struct mmio_insn *out)
{
	uint8_t op, field;
	int err = cursor_byte(c, &op);

	if (err)
		return err;
	if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
		return -EINVAL;
	err = modrm_read(c, &field);
	if (err)
		return err;
	out->size = (op & 1) ? 2 : 1;
	out->ext = (op & 8) ? MMIO_EXT_SIGN : MMIO_EXT_ZERO;
	/* The destination is 16 bits or wider: no AH..BH here. */
	out->reg = field | ((p->rex & REX_R) ? 8 : 0);
	out->dst_size = opsize;
	return 0;
}

int decode_mmio(const uint8_t *bytes, size_t avail, struct mmio_insn *out)
{
	struct cursor c = {.bytes = bytes, .avail = avail};
	struct prefixes p = {0};
	uint8_t op, field, opsize;
	uint64_t unused;
	int err;

	*out = (struct mmio_insn){0};
	err = prefixes_read(&c, &p, &op);
	if (err)
		return err;
	/* REX.W wins over 66. */
	opsize = (p.rex & REX_W) ? 8 : p.opsize16 ? 2 : 4;

	switch (op) {
	case 0x88: /* mov r/m8, r8 */
	case 0x8a: /* mov r8, r/m8 */
		err = modrm_read(&c, &field);
		if (err)
			return err;
		out->size = 1;
		reg8_set(out, &p, field);
		break;
	case 0x89: /* mov r/m, r */
	case 0x8b: /* mov r, r/m */
		err = modrm_read(&c, &field);
		if (err)
			return err;
		out->size = opsize;
		out->reg = field | ((p.rex & REX_R) ? 8 : 0);
		break;
	case 0xc6: /* mov r/m8, imm8 */
	case 0xc7: /* mov r/m, imm16/imm32 */
		err = modrm_read(&c, &field);
		if (err)
			return err;
		/* ModRM.reg extends the opcode (REX.R does not take part);
		 * only /0 is a mov. */
		if (field != 0)
			return -EINVAL;
		out->size = op == 0xc6 ? 1 : opsize;
		out->has_imm = true;
		err = imm_read(&c, out->size == 8 ? 4 : out->size, out->size, &out->imm);
		if (err)
			return err;
		break;
	case 0xa0: /* mov al, moffs8 */
	case 0xa1: /* mov rAX, moffs */
	case 0xa2: /* mov moffs8, al */
	case 0xa3: /* mov moffs, rAX */
		/* The absolute offset is 64 bits, 32 with 67. */
		err = cursor_take(&c, p.addr32 ? 4 : 8, &unused);
		if (err)
			return err;
		out->size = (op & 1) ? opsize : 1;
		out->reg = 0;
		break;
	case 0x0f:
		err = decode_ext(&c, &p, opsize, out);
		if (err)
			return err;
		break;
	default: /* everything else, VEX/EVEX (C4/C5/62) too */
		return -EINVAL;
	}

	/* 88/89, C6/C7 and A2/A3 store; 8A/8B, A0/A1 and 0F xx load. */
	out->write =
		op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7 || op == 0xa2 || op == 0xa3;
	if (!out->write && !out->dst_size) /* a plain mov writes what it read */
		out->dst_size = out->size;
	out->len = (uint8_t)c.pos;
	return 0;
}

uint64_t decode_load_result(const struct mmio_insn *in, uint64_t old_reg, uint64_t value)
{
	unsigned int bits = in->size * 8u;
	uint64_t v = value;

	if (in->write || (in->size != 1 && in->size != 2 && in->size != 4 && in->size != 8))
		return old_reg;
	if (bits < 64) {
		v &= (1ull << bits) - 1;
		if (in->ext == MMIO_EXT_SIGN && (v >> (bits - 1)))
			v |= ~0ull << bits;
	}
	switch (in->dst_size) {
	case 1:
		if (in->reg_high8)
			return (old_reg & ~0xff00ull) | (v & 0xff) << 8;
		return (old_reg & ~0xffull) | (v & 0xff);
	case 2:
		return (old_reg & ~0xffffull) | (v & 0xffff);
	case 4:
		return v & 0xffffffffull; /* a 32-bit write zeroes bits 63:32 */
	case 8:
		return v;
	default:
		return old_reg;
	}
}

int decode_mov_cr(const uint8_t *bytes, size_t avail, bool long64, struct cr_insn *out)
{
	struct cursor c = {.bytes = bytes, .avail = avail};
	struct prefixes p = {0};
	uint8_t op, modrm;
	int err;

	*out = (struct cr_insn){0};
	if ((err = prefixes_read(&c, &p, &op)))
		return err;
	if (p.rex && !long64)
		return -EINVAL;
	if (op != 0x0f || (err = cursor_byte(&c, &op)))
		return err ? err : -EINVAL;
	if (op != 0x22)
		return -EINVAL;
	if ((err = cursor_byte(&c, &modrm)))
		return err;
	if (c.pos > DECODE_INSN_MAX)
		return -EINVAL;
	out->cr = (uint8_t)(((modrm >> 3) & 7) | ((p.rex & REX_R) ? 8 : 0));
	out->reg = (uint8_t)((modrm & 7) | ((p.rex & REX_B) ? 8 : 0));
	out->len = (uint8_t)c.pos;
	return 0;
}
