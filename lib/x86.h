/* SPDX-License-Identifier: MIT */
/* Thin wrappers over x86 instructions; the only place inline asm lives. */
#ifndef VF_X86_H
#define VF_X86_H

#include <stdint.h>

#define MSR_APIC_BASE	       0x1B
#define MSR_FEATURE_CONTROL    0x3A
#define MSR_MTRRCAP	       0xFE
#define MSR_PAT		       0x277
#define MSR_VMX_BASIC	       0x480
#define MSR_VMX_PINBASED       0x481
#define MSR_VMX_PROCBASED      0x482
#define MSR_VMX_EXIT	       0x483
#define MSR_VMX_ENTRY	       0x484
#define MSR_VMX_MISC	       0x485
#define MSR_VMX_PROCBASED2     0x48B
#define MSR_VMX_EPT_VPID       0x48C
#define MSR_VMX_TRUE_PINBASED  0x48D
#define MSR_VMX_TRUE_PROCBASED 0x48E
#define MSR_EFER	       0xC0000080
#define MSR_VM_CR	       0xC0010114

#define EFER_LME  (1u << 8)
#define EFER_NXE  (1u << 11)
#define EFER_SVME (1u << 12)
#define EFER_SCE  (1u << 0)
#define EFER_LMA  (1u << 10)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline void cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			 : "a"(leaf), "c"(sub));
}

/*
 * Host unit tests (-DHOST_TEST) build the logic that uses these accessors,
 * such as the exit handlers of hv/vm/exit.c, into ordinary processes, where the
 * privileged instructions would fault: there they call fakes the test links
 * in (tests/unit/fake_x86.c), which record the accesses. This is why code
 * reaches the hardware only through this header.
 */
#ifdef HOST_TEST
uint64_t fake_x86_rdmsr(uint32_t msr);
void fake_x86_wrmsr(uint32_t msr, uint64_t v);
void fake_x86_wbinvd(void);

static inline uint64_t rdmsr(uint32_t msr)
{
	return fake_x86_rdmsr(msr);
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	fake_x86_wrmsr(msr, v);
}

static inline void wbinvd(void)
{
	fake_x86_wbinvd();
}
#else
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* Write back and invalidate every cache line (what a guest's INVD gets). */
static inline void wbinvd(void)
{
	__asm__ volatile("wbinvd" ::: "memory");
}
#endif

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_READ_CR(n)                                         \
	static inline uint64_t read_cr##n(void)                   \
	{                                                         \
		uint64_t v;                                       \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); \
		return v;                                         \
	}
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
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

/* Wait for an interrupt with interrupts enabled only for the wait itself. */
static inline void cpu_idle(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Write @len bytes at @p back from the CPU caches, for devices that do not
 * snoop (a non-coherent IOMMU walking its tables). */
static inline void clflush_range(const void *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)63, end = (uintptr_t)p + len;

	__asm__ volatile("mfence" ::: "memory");
	for (; a < end; a += 64)
		__asm__ volatile("clflush (%0)" ::"r"(a) : "memory");
	__asm__ volatile("mfence" ::: "memory");
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	return *(volatile uint64_t *)(uintptr_t)addr;
}

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)addr = v;
}

#endif
