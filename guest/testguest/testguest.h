/* SPDX-License-Identifier: MIT */
/*
 * The test guest's shared pieces: CPU access helpers, the exception table
 * that lets a check run an instruction that may fault, the console, the
 * trap bookkeeping (faults, NMIs, single-steps, interrupts), the reporting
 * the checks share and the checks each file holds.
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
	uint64_t cr2; /* for a #PF */
};

/* Single-step traps (#DB) a check asked for: while armed, trap() records
 * each one and clears RFLAGS.TF in the interrupted context. */
struct tg_db {
	bool armed;
	unsigned int count;
	uint64_t rip, dr6; /* of the first one */
};

/* NMIs while expected (any other NMI ends the run): counted; nested counts
 * those that arrived while an NMI handler ran (never, architecturally). */
struct tg_nmi {
	bool expected;
	unsigned int count, depth, nested;
	void (*hook)(unsigned int count); /* called inside the handler */
};

extern volatile struct tg_fault tg_fault;
extern volatile struct tg_db tg_db;
extern volatile struct tg_nmi tg_nmi;
extern volatile unsigned int tg_irq_count[256];
extern volatile uint64_t tg_irq_rip[256]; /* where each vector last interrupted */

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

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

enum { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/* lib.c: one register of CPUID.@leaf.@sub (0 past the highest leaf of its
 * range), and one bit of it: cpu_has(1, 0, CPUID_ECX, 26) for XSAVE. */
uint32_t cpuid_reg(uint32_t leaf, uint32_t sub, unsigned int reg);
bool cpu_has(uint32_t leaf, uint32_t sub, unsigned int reg, unsigned int bit);

/* RDMSR/WRMSR that may #GP: 0, or the vector that hit them. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);
/* The same for MOV to CR4, XSETBV and XGETBV (*@val untouched on a fault). */
int write_cr4_safe(uint64_t val);
int xsetbv_safe(uint32_t xcr, uint64_t val);
int xgetbv_safe(uint32_t xcr, uint64_t *val);
/* What such a helper's result means, for a message: "no fault", "#GP", ... */
const char *fault_name(int vector);

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
int memcmp(const void *a, const void *b, size_t n);

/* main.c: the unexpected-exception path ends the run with a summary. */
void __attribute__((noreturn)) tg_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* main.c: reporting and the facts the checks share. A check prints one
 * line: "return pass(name)" or "return fail(name, ...)"; note() adds a
 * "testguest: note: ..." line (what a check could not check, and why). */
bool pass(const char *name);
bool fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t ms_to_tsc(uint64_t ms);
void delay_tsc(uint64_t ticks);
/* Up to @ms with interrupts on (off again after) for tg_irq_count[@vec] to reach @n. */
bool wait_irq(unsigned int vec, unsigned int n, uint64_t ms);
extern uint64_t tsc_khz;
extern uint32_t apic_id;   /* the x2APIC ID once x2apic-self-ipi read it */
extern bool x2apic_ok;	   /* x2apic-self-ipi found the x2APIC usable */
extern uint64_t pml4[512]; /* the identity map: 4 GiB in 2 MiB pages */

/* cpu.c: the CPU state Linux sets up (CR4, XCR0, EFER, MSRs, modes). */
bool check_xsetbv(void);
bool check_xsetbv_invalid(void);
bool check_ymm_cpuid(void);
bool check_cr4_reserved(void);
bool check_cr4_toggles(void);
bool check_efer_invalid(void);
bool check_pat_mtrr(void);
bool check_rdtscp(void);
bool check_compat_pg(void);

/* events.c: exceptions, interrupts and NMIs as Linux relies on them. */
bool check_exc_pf(void);
bool check_exc_ud(void);
bool check_sti_shadow(void);
bool check_tf_cpuid(void);
bool check_nmi_nested(void);
bool check_nmi_storm(void);

#endif
