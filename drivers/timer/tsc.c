// SPDX-License-Identifier: MIT
/* TSC rate and busy-wait delays. */
#include "drivers/timer/tsc.h"
#include "lib/median.h"
#include "lib/printk.h"
#include "lib/x86.h"

#define PIT_HZ	     1193182ull
#define CAL_MS	     10
#define CAL_WINDOWS  5
#define FALLBACK_KHZ 1000000ull

static uint64_t khz = FALLBACK_KHZ;

static uint64_t tsc_from_cpuid(void)
{
	struct cpuid_regs r;

	cpuid(0, 0, &r);
	if (r.eax < 0x15)
		return 0;
	cpuid(0x15, 0, &r); /* TSC/crystal = ebx/eax, crystal Hz in ecx */
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
}

/* One window of CAL_MS against PIT channel 2. */
static uint64_t pit_window(void)
{
	uint64_t latch = PIT_HZ * CAL_MS / 1000, t0, t1;
	unsigned long spins = 0;

	/* PIT channel 2, gate on, speaker off, mode 0: OUT rises at count 0 */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xB0);
	outb(0x42, latch & 0xFF);
	outb(0x42, (uint8_t)(latch >> 8));
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20) && ++spins < 100000000ul)
		;
	t1 = rdtsc();
	return (t1 - t0) / CAL_MS;
}

/* The median of several windows: a window is off when this CPU was held up
 * between the PIT's start or end and the TSC read beside it (under an
 * emulator on a busy host, by many milliseconds: 3571 MHz was once measured
 * for 2099), and a minority of such windows does not move the median. */
static uint64_t tsc_from_pit(uint64_t *lo, uint64_t *hi)
{
	uint64_t k[CAL_WINDOWS], m;

	for (unsigned int i = 0; i < CAL_WINDOWS; i++)
		k[i] = pit_window();
	m = median_u64(k, CAL_WINDOWS);
	*lo = k[0];
	*hi = k[CAL_WINDOWS - 1];
	return m;
}

uint64_t tsc_calibrate(void)
{
	uint64_t k = tsc_from_cpuid(), lo = 0, hi = 0;
	const char *how = "cpuid";

	if (!k) {
		k = tsc_from_pit(&lo, &hi);
		how = "pit";
	}
	if (k < 10000 || k > 20000000) { /* outside 10 MHz .. 20 GHz: not believable */
		pr_warn("tsc: calibration gave %llu kHz; assuming %llu kHz\n",
			(unsigned long long)k, FALLBACK_KHZ);
		k = FALLBACK_KHZ;
		how = "assumed";
		hi = 0;
	}
	khz = k;
	if (hi)
		pr_info("tsc: %llu.%03llu MHz (pit: the median of %u windows, %llu-%llu kHz)\n",
			(unsigned long long)(k / 1000), (unsigned long long)(k % 1000), CAL_WINDOWS,
			(unsigned long long)lo, (unsigned long long)hi);
	else
		pr_info("tsc: %llu.%03llu MHz (%s)\n", (unsigned long long)(k / 1000),
			(unsigned long long)(k % 1000), how);
	return k;
}

uint64_t tsc_khz(void)
{
	return khz;
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * khz / 1000;

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

void mdelay(uint64_t ms)
{
	udelay(ms * 1000);
}
