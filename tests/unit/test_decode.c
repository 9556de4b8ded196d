// SPDX-License-Identifier: MIT
/* MMIO instruction decoder. Encodings were assembled with GNU as and checked
 * against objdump on the build machine; each input is copied into a heap
 * buffer of exactly the bytes offered, so ASan catches any read past them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/platform/decode.h"
#include "lib/err.h"

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

struct decode_case {
	const char *name; /* the AT&T form */
	uint8_t b[16];
	uint8_t len, size;
	bool write, has_imm;
	uint64_t imm;
	uint8_t reg;
	bool high8;
	enum mmio_ext ext;
	uint8_t dst_size;
};

/* Stores and loads of a register, stores of an immediate, movzx/movsx. */
#define ST(nm, l, sz, r, ...)                                                                 \
	{                                                                                     \
		.name = nm, .b = {__VA_ARGS__}, .len = l, .size = sz, .write = true, .reg = r \
	}
#define LD(nm, l, sz, r, dst, ...)                                                              \
	{                                                                                       \
		.name = nm, .b = {__VA_ARGS__}, .len = l, .size = sz, .reg = r, .dst_size = dst \
	}
#define IMM(nm, l, sz, v, ...)                                                       \
	{                                                                            \
		.name = nm, .b = {__VA_ARGS__}, .len = l, .size = sz, .write = true, \
		.has_imm = true, .imm = v                                            \
	}
#define EXT(nm, l, sz, r, e, dst, ...)                                                    \
	{                                                                                 \
		.name = nm, .b = {__VA_ARGS__}, .len = l, .size = sz, .reg = r, .ext = e, \
		.dst_size = dst                                                           \
	}

static const struct decode_case linux_forms[] = {
	/* gcc -O2 of Linux's readX/writeX for ECAM and MSI-X accessors */
	ST("mov %eax,(%rdx)", 2, 4, RAX, 0x89, 0x02),
	ST("mov %ecx,(%rdi)", 2, 4, RCX, 0x89, 0x0f),
	ST("mov %cx,(%rdi)", 3, 2, RCX, 0x66, 0x89, 0x0f),
	ST("mov %cl,(%rdi)", 2, 1, RCX, 0x88, 0x0f),
	ST("mov %edx,0x4(%rdi)", 3, 4, RDX, 0x89, 0x57, 0x04),
	ST("mov %eax,(%r9)", 3, 4, RAX, 0x41, 0x89, 0x01),
	LD("mov (%rdi),%eax", 2, 4, RAX, 4, 0x8b, 0x07),
	LD("mov (%rdi),%ax", 3, 2, RAX, 2, 0x66, 0x8b, 0x07),
	LD("mov (%rdi),%al", 2, 1, RAX, 1, 0x8a, 0x07),
	LD("mov 0xc(%rdi),%eax", 3, 4, RAX, 4, 0x8b, 0x47, 0x0c),
	LD("mov 0x18(%rdi),%rax", 4, 8, RAX, 8, 0x48, 0x8b, 0x47, 0x18),
	/* other shapes of the same moves */
	LD("mov 0x10(%rdi),%eax", 3, 4, RAX, 4, 0x8b, 0x47, 0x10),
	ST("mov %r8d,0x14(%rcx)", 4, 4, R8, 0x44, 0x89, 0x41, 0x14),
	ST("mov %rax,0x8(%rsi,%rbx,8)", 5, 8, RAX, 0x48, 0x89, 0x44, 0xde, 0x08),
	ST("mov %sil,(%rdi)", 3, 1, RSI, 0x40, 0x88, 0x37),
	ST("mov %dil,(%rax)", 3, 1, RDI, 0x40, 0x88, 0x38),
	ST("mov %dl,0x3(%rax)", 3, 1, RDX, 0x88, 0x50, 0x03),
	ST("mov %cx,0x4(%rdx)", 4, 2, RCX, 0x66, 0x89, 0x4a, 0x04),
	ST("mov %r9w,(%r10)", 4, 2, R9, 0x66, 0x45, 0x89, 0x0a),
	ST("mov %r10b,(%r11)", 3, 1, R10, 0x45, 0x88, 0x13),
	ST("mov %r15,(%r12)", 4, 8, R15, 0x4d, 0x89, 0x3c, 0x24),
	ST("mov %rdi,(%rsp)", 4, 8, RDI, 0x48, 0x89, 0x3c, 0x24),
	ST("mov %eax,0x100(%rbx,%r14,4)", 8, 4, RAX, 0x42, 0x89, 0x84, 0xb3, 0x00, 0x01, 0x00,
	   0x00),
	LD("mov (%rax),%ebx", 2, 4, RBX, 4, 0x8b, 0x18),
	LD("mov 0x0(%r13),%r9", 4, 8, R9, 8, 0x4d, 0x8b, 0x4d, 0x00),
	LD("mov (%r12),%r8", 4, 8, R8, 8, 0x4d, 0x8b, 0x04, 0x24),
	LD("mov 0x1(%r13,%r12,2),%r8d", 5, 4, R8, 4, 0x47, 0x8b, 0x44, 0x65, 0x01),
	LD("mov 0x12345678(%rip),%eax", 6, 4, RAX, 4, 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12),
	LD("mov 0x12345678(,%rcx,4),%edx", 7, 4, RDX, 4, 0x8b, 0x14, 0x8d, 0x78, 0x56, 0x34, 0x12),
	LD("mov (%rsp),%eax", 3, 4, RAX, 4, 0x8b, 0x04, 0x24),
	LD("mov 0x0(%rbp),%eax", 3, 4, RAX, 4, 0x8b, 0x45, 0x00),
	LD("mov %gs:0x8(%rax),%eax", 4, 4, RAX, 4, 0x65, 0x8b, 0x40, 0x08),
	LD("mov (%eax),%eax", 3, 4, RAX, 4, 0x67, 0x8b, 0x00),
	LD("mov (%rdi),%r12b", 3, 1, R12, 1, 0x44, 0x8a, 0x27),
	LD("mov (%rax,%rax,1),%spl", 4, 1, RSP, 1, 0x40, 0x8a, 0x24, 0x00),
	/* AH..BH: the register that holds them, bits 15:8 */
	{.name = "mov %ah,(%rdi)",
	 .b = {0x88, 0x27},
	 .len = 2,
	 .size = 1,
	 .write = true,
	 .reg = RAX,
	 .high8 = true},
	{.name = "mov %ch,(%rdi)",
	 .b = {0x88, 0x2f},
	 .len = 2,
	 .size = 1,
	 .write = true,
	 .reg = RCX,
	 .high8 = true},
	{.name = "mov (%rdi),%dh",
	 .b = {0x8a, 0x37},
	 .len = 2,
	 .size = 1,
	 .reg = RDX,
	 .high8 = true,
	 .dst_size = 1},
	{.name = "mov (%rdi),%bh",
	 .b = {0x8a, 0x3f},
	 .len = 2,
	 .size = 1,
	 .reg = RBX,
	 .high8 = true,
	 .dst_size = 1},
	/* immediates: only the 64-bit store sign-extends its imm32 */
	IMM("movl $0x1,0x1c(%rax)", 7, 4, 1, 0xc7, 0x40, 0x1c, 0x01, 0x00, 0x00, 0x00),
	IMM("movl $0x7,%fs:0x10(%rax)", 8, 4, 7, 0x64, 0xc7, 0x40, 0x10, 0x07, 0x00, 0x00, 0x00),
	IMM("movb $0xff,(%rdi)", 3, 1, 0xff, 0xc6, 0x07, 0xff),
	IMM("movw $0x8000,(%rdi)", 5, 2, 0x8000, 0x66, 0xc7, 0x07, 0x00, 0x80),
	IMM("movw $0x1234,(%rdi)", 5, 2, 0x1234, 0x66, 0xc7, 0x07, 0x34, 0x12),
	IMM("movl $0x80000000,(%rdi)", 6, 4, 0x80000000, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80),
	IMM("movq $-1,(%rdi)", 7, 8, 0xffffffffffffffffull, 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff,
	    0xff),
	IMM("movq $0x7fffffff,0x8(%rdi)", 8, 8, 0x7fffffff, 0x48, 0xc7, 0x47, 0x08, 0xff, 0xff,
	    0xff, 0x7f),
	IMM("movq $-0x80000000,(%rdi)", 7, 8, 0xffffffff80000000ull, 0x48, 0xc7, 0x07, 0x00, 0x00,
	    0x00, 0x80),
	IMM("movl $0x11223344,0x12345678(%rip)", 10, 4, 0x11223344, 0xc7, 0x05, 0x78, 0x56, 0x34,
	    0x12, 0x44, 0x33, 0x22, 0x11),
	IMM("movq $-2,0x12345678(%rax,%rcx,4)", 12, 8, 0xfffffffffffffffeull, 0x48, 0xc7, 0x84,
	    0x88, 0x78, 0x56, 0x34, 0x12, 0xfe, 0xff, 0xff, 0xff),
	IMM("rex.R movl $0x1,(%rdi)", 7, 4, 1, 0x44, 0xc7, 0x07, 0x01, 0x00, 0x00, 0x00),
	IMM("data16 movq $-1,(%rdi)", 8, 8, 0xffffffffffffffffull, 0x66, 0x48, 0xc7, 0x07, 0xff,
	    0xff, 0xff, 0xff),
	IMM("rex.W movb $0x80,(%rdi)", 4, 1, 0x80, 0x48, 0xc6, 0x07, 0x80),
	/* movzx / movsx */
	EXT("movzbl (%rax),%eax", 3, 1, RAX, MMIO_EXT_ZERO, 4, 0x0f, 0xb6, 0x00),
	EXT("movzwl 0x2(%rsi),%eax", 4, 2, RAX, MMIO_EXT_ZERO, 4, 0x0f, 0xb7, 0x46, 0x02),
	EXT("movzbw (%rdi),%ax", 4, 1, RAX, MMIO_EXT_ZERO, 2, 0x66, 0x0f, 0xb6, 0x07),
	EXT("movzbq (%rdi),%r11", 4, 1, R11, MMIO_EXT_ZERO, 8, 0x4c, 0x0f, 0xb6, 0x1f),
	EXT("movzbl (%rdi),%esp", 3, 1, RSP, MMIO_EXT_ZERO, 4, 0x0f, 0xb6, 0x27),
	EXT("movsbl (%rdi),%eax", 3, 1, RAX, MMIO_EXT_SIGN, 4, 0x0f, 0xbe, 0x07),
	EXT("movswl (%rdi),%ecx", 3, 2, RCX, MMIO_EXT_SIGN, 4, 0x0f, 0xbf, 0x0f),
	EXT("movsbq (%rdi),%rax", 4, 1, RAX, MMIO_EXT_SIGN, 8, 0x48, 0x0f, 0xbe, 0x07),
	EXT("movswq (%rdi),%r10", 4, 2, R10, MMIO_EXT_SIGN, 8, 0x4c, 0x0f, 0xbf, 0x17),
	EXT("movsbw (%rdi),%ax", 4, 1, RAX, MMIO_EXT_SIGN, 2, 0x66, 0x0f, 0xbe, 0x07),
	/* moffs: a 64-bit absolute address, 32-bit with 67 */
	LD("movabs 0x1122334455667788,%eax", 9, 4, RAX, 4, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33,
	   0x22, 0x11),
	LD("movabs 0x1122334455667788,%al", 9, 1, RAX, 1, 0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33,
	   0x22, 0x11),
	ST("movabs %rax,0x1122334455667788", 10, 8, RAX, 0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44,
	   0x33, 0x22, 0x11),
	ST("movabs %al,0x1122334455667788", 9, 1, RAX, 0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33,
	   0x22, 0x11),
	LD("addr32 mov 0x12345678,%eax", 6, 4, RAX, 4, 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12),
	LD("data16 movabs ...,%ax", 10, 2, RAX, 2, 0x66, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33,
	   0x22, 0x11),
};

/* Decode @n bytes of @b from a heap buffer of exactly @n bytes. */
static int decode_exact(const uint8_t *b, size_t n, struct mmio_insn *out)
{
	uint8_t *buf = malloc(n ? n : 1);
	int err;

	assert_non_null(buf);
	memcpy(buf, b, n);
	err = decode_mmio(buf, n, out);
	free(buf);
	return err;
}

static void check_fields(const struct decode_case *k, const struct mmio_insn *in)
{
	assert_int_equal(in->len, k->len);
	assert_int_equal(in->size, k->size);
	assert_int_equal(in->write, k->write);
	assert_int_equal(in->has_imm, k->has_imm);
	assert_true(in->imm == k->imm);
	assert_int_equal(in->reg, k->reg);
	assert_int_equal(in->reg_high8, k->high8);
	assert_int_equal(in->ext, k->ext);
	assert_int_equal(in->dst_size, k->dst_size);
}

/* Every field exactly; the same with bytes after it; -ENODATA for every
 * shorter prefix (an instruction crossing into an unfetched page). */
static void check_case(const struct decode_case *k)
{
	struct mmio_insn in;
	uint8_t more[32];

	print_message("  %s\n", k->name);
	assert_int_equal(decode_exact(k->b, k->len, &in), 0);
	check_fields(k, &in);
	memset(more, 0xff, sizeof(more));
	memcpy(more, k->b, k->len);
	assert_int_equal(decode_exact(more, sizeof(more), &in), 0);
	check_fields(k, &in);
	for (size_t n = 0; n < k->len; n++)
		assert_int_equal(decode_exact(k->b, n, &in), -ENODATA);
}

static void test_linux_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(linux_forms) / sizeof(linux_forms[0]); i++)
		check_case(&linux_forms[i]);
}

/* The length the SDM's ModRM/SIB tables give for mov r32, m (8B). */
static size_t modrm_len(uint8_t mod, uint8_t rm, uint8_t sib)
{
	size_t len = 2 + (rm == 4);

	if (mod == 1)
		len += 1;
	else if (mod == 2 || (mod == 0 && rm == 5) || (mod == 0 && rm == 4 && (sib & 7) == 5))
		len += 4;
	return len;
}

/* Every mod (0-2) x reg x rm, and every SIB byte where rm = 4, with and
 * without REX.RXB: REX changes the registers, never the length. */
static void test_modrm_lengths(void **state)
{
	(void)state;
	for (int rex = 0; rex < 2; rex++) {
		for (int modrm = 0; modrm < 0xc0; modrm++) {
			for (int sib = 0; sib < ((modrm & 7) == 4 ? 256 : 1); sib++) {
				uint8_t b[16] = {0}, *p = b;
				struct mmio_insn in;
				size_t len = modrm_len(modrm >> 6, modrm & 7, sib) + rex;

				if (rex)
					*p++ = 0x47; /* REX.RXB */
				*p++ = 0x8b;
				*p++ = (uint8_t)modrm;
				if ((modrm & 7) == 4)
					*p++ = (uint8_t)sib;
				for (int i = 0; p < b + sizeof(b); i++)
					*p++ = (uint8_t)(0xa0 + i); /* displacement */
				assert_int_equal(decode_exact(b, len, &in), 0);
				assert_int_equal(in.len, len);
				assert_int_equal(in.size, 4);
				assert_int_equal(in.reg, ((modrm >> 3) & 7) | (rex ? 8 : 0));
				assert_false(in.write);
				assert_int_equal(decode_exact(b, len - 1, &in), -ENODATA);
			}
		}
	}
}

/* REX: W sets 64 bits over 66; R extends the register; X and B only the
 * address; only the REX right before the opcode counts. */
static void test_rex(void **state)
{
	static const struct decode_case c[] = {
		LD("mov (%r15),%eax", 3, 4, RAX, 4, 0x41, 0x8b, 0x07),
		LD("mov (%rdi,%r9,1),%eax", 4, 4, RAX, 4, 0x42, 0x8b, 0x04, 0x0f),
		LD("mov (%rdi),%r15", 3, 8, R15, 8, 0x4c, 0x8b, 0x3f),
		ST("data16 rex.W: W wins", 4, 8, RAX, 0x66, 0x48, 0x89, 0x07),
		/* a REX followed by a prefix is ignored */
		ST("rex.W data16 mov %ax,(%rdi)", 4, 2, RAX, 0x48, 0x66, 0x89, 0x07),
		ST("rex.R ds mov %eax,(%rdi)", 4, 4, RAX, 0x44, 0x3e, 0x89, 0x07),
		{.name = "rex ds mov %ah,(%rdi)",
		 .b = {0x40, 0x3e, 0x88, 0x27},
		 .len = 4,
		 .size = 1,
		 .write = true,
		 .reg = RAX,
		 .high8 = true},
		ST("ds rex mov %spl,(%rdi)", 4, 1, RSP, 0x3e, 0x40, 0x88, 0x27),
		/* of two REX bytes the last one counts */
		ST("rex.R rex.W mov %rax,(%rdi)", 4, 8, RAX, 0x44, 0x48, 0x89, 0x07),
		ST("rex.W rex.R mov %r8d,(%rdi)", 4, 4, R8, 0x48, 0x44, 0x89, 0x07),
		LD("rex mov (%rdi),%dil", 3, 1, RDI, 1, 0x40, 0x8a, 0x3f),
		ST("rex.R mov %r12b,(%rdi)", 3, 1, R12, 0x44, 0x88, 0x27),
		/* A0-A3 always use rAX: REX.B does not move them */
		LD("rex.B movabs ...,%eax", 10, 4, RAX, 4, 0x41, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8),
		ST("rex.WRXB movabs %rax,...", 10, 8, RAX, 0x4f, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		check_case(&c[i]);
}

static void test_length_limit(void **state)
{
	/* 15 bytes exactly: the longest an instruction may be */
	static const struct decode_case max = IMM(
		"cs gs addr32 movq $-2,disp32(%rax,%rcx,4)", 15, 8, 0xfffffffffffffffeull, 0x2e,
		0x65, 0x67, 0x48, 0xc7, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12, 0xfe, 0xff, 0xff, 0xff);
	static const uint8_t too_long[] = {0x26, 0x2e, 0x65, 0x67, 0x48, 0xc7, 0x84, 0x88,
					   0x78, 0x56, 0x34, 0x12, 0xfe, 0xff, 0xff, 0xff};
	uint8_t b[32];
	struct mmio_insn in;

	(void)state;
	check_case(&max);
	assert_int_equal(decode_exact(too_long, sizeof(too_long), &in), -EINVAL);

	/* 13 prefixes + 8B 07 is 15 bytes; one more prefix is too long */
	memset(b, 0x66, sizeof(b));
	b[13] = 0x8b;
	b[14] = 0x07;
	assert_int_equal(decode_exact(b, 15, &in), 0);
	assert_int_equal(in.len, 15);
	assert_int_equal(in.size, 2);
	memset(b, 0x2e, sizeof(b));
	b[14] = 0x8b;
	b[15] = 0x07;
	assert_int_equal(decode_exact(b, 16, &in), -EINVAL);

	/* nothing but prefixes: once 15 are seen it cannot become valid;
	 * before that, more bytes might make it one */
	for (int fill = 0; fill < 3; fill++) {
		memset(b, fill == 0 ? 0x66 : fill == 1 ? 0x48 : 0x3e, sizeof(b));
		assert_int_equal(decode_exact(b, 32, &in), -EINVAL);
		assert_int_equal(decode_exact(b, 16, &in), -EINVAL);
		assert_int_equal(decode_exact(b, 15, &in), -EINVAL);
		assert_int_equal(decode_exact(b, 14, &in), -ENODATA);
	}
	assert_int_equal(decode_mmio(NULL, 0, &in), -ENODATA);
}

static void test_reject(void **state)
{
	static const struct {
		const char *name;
		uint8_t b[16];
		uint8_t n;
	} bad[] = {
		/* register operands: no memory access */
		{"mov %eax,%eax", {0x89, 0xc0}, 2},
		{"mov %ecx,%eax", {0x8b, 0xc1}, 2},
		{"mov %ah,%al", {0x88, 0xe0}, 2},
		{"mov %al,%r8b", {0x41, 0x8a, 0xc0}, 3},
		{"movzbl %al,%eax", {0x0f, 0xb6, 0xc0}, 3},
		{"movswq %ax,%rax", {0x48, 0x0f, 0xbf, 0xc0}, 4},
		{"mov $1,%eax (C7 /0)", {0xc7, 0xc0, 1, 0, 0, 0}, 6},
		{"mov $1,%al (C6 /0)", {0xc6, 0xc0, 1}, 3},
		{"xabort $1", {0xc6, 0xf8, 1}, 3},
		{"xbegin", {0xc7, 0xf8, 0, 0, 0, 0}, 6},
		/* C6/C7 with ModRM.reg != 0 are not moves */
		{"C7 /1", {0xc7, 0x0f, 1, 0, 0, 0}, 6},
		{"C6 /7", {0xc6, 0x3f, 1}, 3},
		/* LOCK, REP, REPNE */
		{"lock mov %eax,(%rdi)", {0xf0, 0x89, 0x07}, 3},
		{"data16 lock mov", {0x66, 0xf0, 0x89, 0x07}, 4},
		{"lock after REX", {0x48, 0xf0, 0x89, 0x07}, 4},
		{"rep mov %eax,(%rdi)", {0xf3, 0x89, 0x07}, 3},
		{"repnz mov (%rdi),%eax", {0xf2, 0x8b, 0x07}, 3},
		{"xrelease movb $1,(%rdi)", {0xf3, 0xc6, 0x07, 0x01}, 4},
		{"rep movsb", {0xf3, 0xa4}, 2},
		{"rep movsq", {0xf3, 0x48, 0xa5}, 3},
		{"rep movsl", {0xf3, 0xa5}, 2},
		/* string moves */
		{"movsb", {0xa4}, 1},
		{"movsl", {0xa5}, 1},
		{"movsq", {0x48, 0xa5}, 2},
		{"stosl", {0xab}, 1},
		{"lodsl", {0xad}, 1},
		/* VEX/EVEX */
		{"vmovd (%rdi),%xmm0", {0xc5, 0xf9, 0x6e, 0x07}, 4},
		{"vmovdqu (%rdi),%ymm0", {0xc5, 0xfe, 0x6f, 0x07}, 4},
		{"vpbroadcastd (%rdi),%xmm0", {0xc4, 0xe2, 0x79, 0x58, 0x07}, 5},
		{"vmovdqu32 (%rdi),%xmm0", {0x62, 0xf1, 0x7e, 0x08, 0x6f, 0x07}, 6},
		/* other opcodes that touch memory */
		{"movslq (%rdi),%rax", {0x48, 0x63, 0x07}, 3},
		{"lea (%rdi),%eax", {0x8d, 0x07}, 2},
		{"xchg %eax,(%rdi)", {0x87, 0x07}, 2},
		{"test %eax,(%rdi)", {0x85, 0x07}, 2},
		{"or %eax,(%rdi)", {0x09, 0x07}, 2},
		{"add %al,(%rax)", {0x00, 0x00}, 2},
		{"orl $1,(%rdi)", {0x83, 0x0f, 0x01}, 3},
		{"mov (%rdi),%es", {0x8e, 0x07}, 2},
		{"mov %es,(%rdi)", {0x8c, 0x07}, 2},
		{"movnti %eax,(%rdi)", {0x0f, 0xc3, 0x07}, 3},
		{"movbe (%rdi),%eax", {0x0f, 0x38, 0xf0, 0x07}, 4},
		{"movd (%rdi),%mm0", {0x0f, 0x6e, 0x07}, 3},
		{"movups (%rdi),%xmm0", {0x0f, 0x10, 0x07}, 3},
		{"movdir64b (%rsi),%rdi", {0x66, 0x0f, 0x38, 0xf8, 0x3e}, 5},
		{"cmpxchg %eax,(%rdi)", {0x0f, 0xb1, 0x07}, 3},
		{"bt %eax,(%rdi)", {0x0f, 0xa3, 0x07}, 3},
		{"ud2", {0x0f, 0x0b}, 2},
		{"nop", {0x90}, 1},
		{"int3", {0xcc}, 1},
		{"ff", {0xff, 0xff, 0xff, 0xff}, 4},
	};
	struct mmio_insn in;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("  %s\n", bad[i].name);
		assert_int_equal(decode_exact(bad[i].b, bad[i].n, &in), -EINVAL);
		/* refused at once: the bytes after it do not matter */
		assert_int_equal(decode_exact(bad[i].b, sizeof(bad[i].b), &in), -EINVAL);
	}
}

static uint64_t load(const uint8_t *b, size_t n, uint64_t old, uint64_t value)
{
	struct mmio_insn in;

	assert_int_equal(decode_exact(b, n, &in), 0);
	return decode_load_result(&in, old, value);
}

static void test_load_result(void **state)
{
	static const uint8_t mov8[] = {0x8a, 0x07}, mov_bh[] = {0x8a, 0x3f},
			     mov16[] = {0x66, 0x8b, 0x07}, mov32[] = {0x8b, 0x07},
			     mov64[] = {0x48, 0x8b, 0x07}, movzbl[] = {0x0f, 0xb6, 0x07},
			     movzwl[] = {0x0f, 0xb7, 0x07}, movzbw[] = {0x66, 0x0f, 0xb6, 0x07},
			     movzbq[] = {0x48, 0x0f, 0xb6, 0x07}, movsbl[] = {0x0f, 0xbe, 0x07},
			     movswl[] = {0x0f, 0xbf, 0x07}, movsbw[] = {0x66, 0x0f, 0xbe, 0x07},
			     movsbq[] = {0x48, 0x0f, 0xbe, 0x07},
			     movswq[] = {0x48, 0x0f, 0xbf, 0x07},
			     moffs8[] = {0xa0, 1, 2, 3, 4, 5, 6, 7, 8}, store[] = {0x89, 0x07};
	const uint64_t old = 0x1122334455667788ull, junk = 0xdeadbeefcafe0000ull;
	struct mmio_insn in;

	(void)state;
	/* 8/16-bit writes keep the rest; value bits above size are ignored */
	assert_true(load(mov8, 2, old, junk | 0xab) == 0x11223344556677abull);
	assert_true(load(mov_bh, 2, old, junk | 0xab) == 0x112233445566ab88ull);
	assert_true(load(moffs8, 9, old, 0xab) == 0x11223344556677abull);
	assert_true(load(mov16, 3, old, junk | 0xabcd) == 0x112233445566abcdull);
	/* a 32-bit write zeroes bits 63:32 */
	assert_true(load(mov32, 2, old, 0xffffffff89abcdefull) == 0x89abcdefull);
	assert_true(load(mov64, 3, old, 0xfedcba9876543210ull) == 0xfedcba9876543210ull);
	/* movzx */
	assert_true(load(movzbl, 3, old, junk | 0x80) == 0x80);
	assert_true(load(movzwl, 3, old, junk | 0x8000) == 0x8000);
	assert_true(load(movzbw, 4, old, 0xff) == 0x11223344556600ffull);
	assert_true(load(movzbq, 4, old, 0xff) == 0xff);
	/* movsx */
	assert_true(load(movsbl, 3, old, 0x80) == 0xffffff80ull);
	assert_true(load(movsbl, 3, old, junk | 0x7f) == 0x7f);
	assert_true(load(movswl, 3, old, 0x8000) == 0xffff8000ull);
	assert_true(load(movswl, 3, old, 0x7fff) == 0x7fff);
	assert_true(load(movsbw, 4, old, 0x80) == 0x112233445566ff80ull);
	assert_true(load(movsbq, 4, old, 0x80) == 0xffffffffffffff80ull);
	assert_true(load(movswq, 4, old, 0x8001) == 0xffffffffffff8001ull);
	assert_true(load(movswq, 4, old, 0x1234) == 0x1234);
	/* a store leaves the register alone */
	assert_int_equal(decode_exact(store, 2, &in), 0);
	assert_true(decode_load_result(&in, old, 0) == old);
}

/* xorshift64: the same strings every run */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random strings, biased towards prefixes and the accepted opcodes so that
 * both paths are exercised. Each accepted one is checked for sane fields,
 * for not depending on its avail, and for -ENODATA one byte short. */
static void test_fuzz(void **state)
{
	static const uint8_t hot[] = {0x66, 0x67, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0xf0,
				      0xf2, 0xf3, 0x40, 0x44, 0x48, 0x4c, 0x4f, 0x88, 0x89,
				      0x8a, 0x8b, 0xc6, 0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0x0f,
				      0xb6, 0xb7, 0xbe, 0xbf, 0x04, 0x05, 0x24, 0x44, 0x84};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int ok = 0, inval = 0, nodata = 0;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		uint8_t b[24];
		size_t n = rng_next(&seed) % (sizeof(b) + 1);
		struct mmio_insn in, again;
		int err;

		for (size_t j = 0; j < n; j++) {
			uint64_t r = rng_next(&seed);

			b[j] = (r & 1) ? hot[(r >> 8) % sizeof(hot)] : (uint8_t)(r >> 8);
		}
		err = decode_exact(b, n, &in);
		if (err == -EINVAL) {
			inval++;
			continue;
		}
		if (err == -ENODATA) {
			assert_true(n < DECODE_INSN_MAX);
			nodata++;
			continue;
		}
		assert_int_equal(err, 0);
		ok++;
		assert_true(in.len >= 1 && in.len <= n && in.len <= DECODE_INSN_MAX);
		assert_true(in.size == 1 || in.size == 2 || in.size == 4 || in.size == 8);
		assert_true(in.reg < 16);
		assert_true(!in.reg_high8 || (in.reg < 4 && in.size == 1 && !in.has_imm));
		assert_true(in.has_imm ? in.write && in.reg == 0 : in.imm == 0);
		if (in.write)
			assert_true(in.dst_size == 0 && in.ext == MMIO_EXT_NONE);
		else
			assert_true(in.dst_size >= in.size && !in.has_imm);
		assert_int_equal(decode_exact(b, in.len, &again), 0);
		assert_int_equal(again.len, in.len);
		assert_int_equal(again.size, in.size);
		assert_int_equal(again.reg, in.reg);
		assert_true(again.imm == in.imm);
		assert_int_equal(decode_exact(b, in.len - 1u, &again), -ENODATA);
	}
	print_message("  fuzz: %u decoded, %u refused, %u short\n", ok, inval, nodata);
	/* the bias must reach every outcome, or the test proves little */
	assert_true(ok > 1000 && inval > 1000 && nodata > 1000);
}

/* MOV to CRn: what AMD-V without decode assists leaves to the decoder. */
static void test_mov_cr(void **state)
{
	static const uint8_t cr4_rax[] = {0x0f, 0x22, 0xe0};	    /* mov cr4, rax */
	static const uint8_t cr4_r9[] = {0x41, 0x0f, 0x22, 0xe1};   /* mov cr4, r9 */
	static const uint8_t cr8_rbx[] = {0x44, 0x0f, 0x22, 0xc3};  /* mov cr8, rbx */
	static const uint8_t mod0[] = {0x0f, 0x22, 0x20};	    /* mod ignored: cr4, rax */
	static const uint8_t lock_cr8[] = {0xf0, 0x0f, 0x22, 0xc0}; /* AMD's CR8 alias */
	static const uint8_t mov_from[] = {0x0f, 0x20, 0xe0};	    /* mov rax, cr4 */
	struct cr_insn in;

	(void)state;
	assert_int_equal(decode_mov_cr(cr4_rax, sizeof(cr4_rax), true, &in), 0);
	assert_int_equal(in.cr, 4);
	assert_int_equal(in.reg, 0);
	assert_int_equal(in.len, 3);
	assert_int_equal(decode_mov_cr(cr4_r9, sizeof(cr4_r9), true, &in), 0);
	assert_int_equal(in.cr, 4);
	assert_int_equal(in.reg, 9);
	assert_int_equal(in.len, 4);
	assert_int_equal(decode_mov_cr(cr8_rbx, sizeof(cr8_rbx), true, &in), 0);
	assert_int_equal(in.cr, 8);
	assert_int_equal(in.reg, 3);
	assert_int_equal(decode_mov_cr(mod0, sizeof(mod0), false, &in), 0);
	assert_int_equal(in.cr, 4);
	assert_int_equal(in.reg, 0);
	/* Outside 64-bit mode 41 is INC ECX, not a REX. */
	assert_int_equal(decode_mov_cr(cr4_r9, sizeof(cr4_r9), false, &in), -EINVAL);
	assert_int_equal(decode_mov_cr(lock_cr8, sizeof(lock_cr8), true, &in), -EINVAL);
	assert_int_equal(decode_mov_cr(mov_from, sizeof(mov_from), true, &in), -EINVAL);
	assert_int_equal(decode_mov_cr(cr4_rax, 2, true, &in), -ENODATA);
	assert_int_equal(decode_mov_cr(cr4_rax, 0, true, &in), -ENODATA);
}

/* Random bytes, mostly prefixes, REX and 0F 22, in an exact-size buffer
 * (ASan catches a read past it): the CR decoder never reads past @avail,
 * and what it accepts is a MOV to CR of the length it says. */
static void test_mov_cr_fuzz(void **state)
{
	static const uint8_t hot[] = {0x0f, 0x22, 0x0f, 0x22, 0x66, 0x67, 0x2e, 0xf0,
				      0xf3, 0x40, 0x41, 0x44, 0x4c, 0xe0, 0xc3, 0x20};
	uint64_t seed = 0x2545f4914f6cdd1dull;
	unsigned int ok = 0;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		size_t n = rng_next(&seed) % 18;
		uint8_t *b = malloc(n ? n : 1);
		bool long64 = rng_next(&seed) & 1;
		struct cr_insn in;

		assert_non_null(b);
		for (size_t j = 0; j < n; j++) {
			uint64_t r = rng_next(&seed);

			b[j] = (r & 1) ? hot[(r >> 8) % sizeof(hot)] : (uint8_t)(r >> 8);
		}
		if (!decode_mov_cr(b, n, long64, &in)) {
			ok++;
			assert_true(in.len >= 3 && in.len <= n && in.len <= DECODE_INSN_MAX);
			assert_true(b[in.len - 3] == 0x0f && b[in.len - 2] == 0x22);
			assert_true(in.cr < 16 && in.reg < 16);
			assert_true(long64 || (in.cr < 8 && in.reg < 8));
		}
		free(b);
	}
	assert_true(ok > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_forms), cmocka_unit_test(test_modrm_lengths),
		cmocka_unit_test(test_rex),	    cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_reject),	    cmocka_unit_test(test_load_result),
		cmocka_unit_test(test_fuzz),	    cmocka_unit_test(test_mov_cr),
		cmocka_unit_test(test_mov_cr_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
