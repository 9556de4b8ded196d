// SPDX-License-Identifier: MIT
/* Local APIC access. */
#include "drivers/apic/apic.h"
#include "drivers/timer/tsc.h"
#include "lib/x86.h"

#define APIC_BASE_EN   (1ull << 11)
#define APIC_BASE_EXTD (1ull << 10)

/* Register offsets (xAPIC MMIO); the x2APIC MSR is 0x800 + offset / 16. */
#define REG_ID	   0x020
#define REG_EOI	   0x0B0
#define REG_SVR	   0x0F0
#define REG_ICR	   0x300
#define REG_ICR_HI 0x310

#define REG_VERSION	0x030
#define REG_TPR		0x080
#define REG_ISR		0x100 /* 8 registers, 0x10 apart */
#define REG_ESR		0x280
#define REG_LVT_CMCI	0x2F0
#define REG_LVT_THERMAL 0x330
#define REG_LVT_PERF	0x340
#define REG_LVT_LINT1	0x360
#define REG_LVT_ERROR	0x370
#define REG_LVT_TIMER	0x320
#define REG_LVT_LINT0	0x350
#define REG_TIMER_INIT	0x380
#define REG_TIMER_CUR	0x390
#define REG_TIMER_DIV	0x3E0
#define LVT_PERIODIC	(1u << 17)

#define ICR_NMI	    (4u << 8)
#define ICR_INIT    (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_ASSERT  (1u << 14)
#define ICR_PENDING (1u << 12)

static bool x2;
static uint64_t mmio;

void apic_select(bool x2apic, uint64_t mmio_base)
{
	x2 = x2apic;
	mmio = mmio_base;
}

bool apic_x2(void)
{
	return x2;
}

static uint32_t apic_read(uint32_t reg)
{
	if (x2)
		return (uint32_t)rdmsr(0x800 + reg / 16);
	return mmio_read32(mmio + reg);
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2)
		wrmsr(0x800 + reg / 16, v);
	else
		mmio_write32(mmio + reg, v);
}

void apic_enable(uint8_t spurious_vector)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	base |= APIC_BASE_EN;
	if (x2)
		base |= APIC_BASE_EXTD;
	wrmsr(MSR_APIC_BASE, base);
	apic_write(REG_SVR, 0x100 | spurious_vector);
}

uint32_t apic_id(void)
{
	uint32_t id = apic_read(REG_ID);

	return x2 ? id : id >> 24;
}

void apic_eoi(void)
{
	apic_write(REG_EOI, 0);
}

static void apic_icr(uint32_t dest, uint32_t low)
{
	if (x2) {
		wrmsr(0x800 + REG_ICR / 16, ((uint64_t)dest << 32) | low);
		return;
	}
	/* xAPIC: wait for the previous IPI to leave, bounded */
	for (int i = 0; i < 1000000 && (apic_read(REG_ICR) & ICR_PENDING); i++)
		cpu_relax();
	apic_write(REG_ICR_HI, dest << 24);
	apic_write(REG_ICR, low);
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
	apic_icr(dest, ICR_ASSERT | vector);
}

void apic_send_nmi(uint32_t dest)
{
	apic_icr(dest, ICR_NMI | ICR_ASSERT);
}

void apic_send_init(uint32_t dest)
{
	apic_icr(dest, ICR_INIT | ICR_ASSERT);
}

void apic_send_sipi(uint32_t dest, uint8_t page)
{
	apic_icr(dest, ICR_STARTUP | page);
}

void apic_timer_periodic(uint8_t vector, uint32_t us)
{
	uint32_t ticks;
	uint64_t count;

	/* Count the timer's ticks over 10 ms of TSC time, divide by 16. */
	apic_write(REG_TIMER_DIV, 0x3);
	apic_write(REG_LVT_TIMER, APIC_LVT_MASKED | vector);
	apic_write(REG_TIMER_INIT, 0xFFFFFFFF);
	udelay(10000);
	ticks = 0xFFFFFFFF - apic_read(REG_TIMER_CUR);
	count = (uint64_t)ticks * us / 10000;
	if (!count)
		count = 1;
	if (count > 0xFFFFFFFF)
		count = 0xFFFFFFFF;
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | vector);
	apic_write(REG_TIMER_INIT, (uint32_t)count);
}

static uint32_t timer_khz;

uint32_t apic_timer_calibrate(void)
{
	uint32_t ticks;

	/* Divide by 1 over 10 ms of TSC time, timer masked. */
	apic_write(REG_TIMER_DIV, 0xB);
	apic_write(REG_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(REG_TIMER_INIT, 0xFFFFFFFF);
	udelay(10000);
	ticks = 0xFFFFFFFF - apic_read(REG_TIMER_CUR);
	apic_write(REG_TIMER_INIT, 0);
	timer_khz = ticks / 10;
	return timer_khz;
}

uint32_t apic_timer_khz(void)
{
	return timer_khz;
}

void apic_timer_stop(void)
{
	struct cpuid_regs r;

	apic_write(REG_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(REG_TIMER_INIT, 0);
	cpuid(1, 0, &r);
	if (r.ecx & (1u << 24))
		wrmsr(0x6E0, 0); /* IA32_TSC_DEADLINE: disarm that mode too */
}

uint32_t apic_lint0(void)
{
	return apic_read(REG_LVT_LINT0);
}

void apic_lint0_set(uint32_t lvt)
{
	apic_write(REG_LVT_LINT0, lvt);
}

static bool isr_any(void)
{
	for (unsigned int r = 0; r < 8; r++)
		if (apic_read(REG_ISR + r * 0x10))
			return true;
	return false;
}

void apic_reclaim(uint8_t spurious_vector)
{
	unsigned int maxlvt = (apic_read(REG_VERSION) >> 16) & 0xFF;

	apic_timer_stop();
	apic_write(REG_SVR, 0x100 | spurious_vector);
	apic_write(REG_TPR, 0);
	/* Only the LVT entries this APIC has: in x2APIC mode another #GPs. */
	if (maxlvt >= 6)
		apic_write(REG_LVT_CMCI, APIC_LVT_MASKED);
	if (maxlvt >= 5)
		apic_write(REG_LVT_THERMAL, APIC_LVT_MASKED);
	if (maxlvt >= 4)
		apic_write(REG_LVT_PERF, APIC_LVT_MASKED);
	apic_write(REG_LVT_LINT1, APIC_LVT_MASKED);
	apic_write(REG_LVT_ERROR, APIC_LVT_MASKED);
	apic_write(REG_ESR, 0);
	/* Each EOI ends the highest vector in service. */
	for (unsigned int i = 0; i < 256 && isr_any(); i++)
		apic_eoi();
}
