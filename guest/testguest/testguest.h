/* SPDX-License-Identifier: MIT */
/*
 * The test guest's shared pieces: CPU access helpers, the exception table
 * that lets a check run an instruction that may fault, the console and the
 * trap bookkeeping.
 */
#ifndef TG_TESTGUEST_H
#define TG_TESTGUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COM1 0x3F8

/*
 * An instruction that may fault, in inline asm: label it "1:", follow it with
 * "2:" and EXTABLE(1b, 2b). If it faults, trap() records the fault in
 * tg_fault and resumes at 2: (so "advance RIP by its length", with the
 * length taken from the labels). Registers the instruction would have
 * written keep what they held.
 */
#define EXTABLE(from, to) \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " #from ", " #to "\n\t.popsection\n\t"

struct tg_fault {
	unsigned int count; /* faults caught through the exception table */
	unsigned int vector;
	uint64_t error, rip;
};

extern volatile struct tg_fault tg_fault;
extern volatile unsigned int tg_irq_count[256];

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* RDMSR/WRMSR that may #GP: 0, or the vector that hit them. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

/* trap.c */
void idt_init(void);
void __attribute__((noreturn)) halt_forever(void);

/* lib.c */
void con_putc(char c);
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vfmt(char *buf, size_t size, const char *fmt, va_list ap);
int sfmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *cmdline_find(const char *cl, const char *key, size_t *len);
bool parse_size(const char *s, size_t len, uint64_t *out);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* main.c: the unexpected-exception path ends the run with a summary. */
void __attribute__((noreturn)) tg_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
