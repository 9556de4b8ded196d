// SPDX-License-Identifier: MIT
/*
 * Checks of event delivery as Linux relies on it: #PF with its error code
 * and CR2, #UD (also for instructions the hypervisor refuses), the STI
 * shadow and the single-step trap around instructions that exit to the
 * hypervisor, NMIs that must not nest, and an NMI storm under a fast timer.
 * trap.c records what arrives; every wait here has a TSC deadline.
 */
#include "testguest.h"

#define PTE_P  0x01ul
#define PTE_W  0x02ul
#define SZ_4K  4096ul
#define PF_VA  ((uint64_t)512 << 30) /* PML4 slot 1: nothing else is mapped there */
#define PF_W   0x2ul		     /* #PF error code: write */
#define PF_P   0x1ul		     /* #PF error code: protection (page present) */
#define VEC_UD 6
#define VEC_PF 14

#define MSR_MTRRCAP	 0xFE
#define X2APIC_IRR	 0x820 /* + vector / 32 */
#define X2APIC_ICR	 0x830
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_TMICT	 0x838
#define X2APIC_TDCR	 0x83E
#define X2APIC_SELF_IPI	 0x83F
#define ICR_NMI		 0x400 /* delivery mode NMI, physical, as Linux sends it */
#define LVT_MASKED	 (1u << 16)
#define LVT_PERIODIC	 (1u << 17)
#define TDCR_DIV1	 0xB
#define COM1_SCR	 0x3FF
#define DR6_BS		 (1ul << 14)
#define DR6_INIT	 0xFFFF0FF0ul

#define VEC_SHADOW	0x44
#define VEC_STORM_TICK	0x45
#define STORM_NMIS	200
#define STORM_PERIOD_US 50
#define STORM_TICKS	16 /* before and after the storm */

/* ---- exc-pf ------------------------------------------------------------------ */

static uint64_t pf_pdpt[512] __attribute__((aligned(4096)));
static uint64_t pf_pd[512] __attribute__((aligned(4096)));
static uint64_t pf_pt[512] __attribute__((aligned(4096)));
static uint8_t pf_page[2][4096] __attribute__((aligned(4096)));

static int read_safe(uint64_t va, uint64_t *val)
{
	unsigned int before = tg_fault.count;
	uint64_t v = 0;

	__asm__ volatile("1: movq (%1), %0\n2:\n\t" EXTABLE(1b, 2b) : "+r"(v) : "r"(va) : "memory");
	*val = v;
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

static int write_safe(uint64_t va, uint64_t val)
{
	unsigned int before = tg_fault.count;

	__asm__ volatile("1: movq %0, (%1)\n2:\n\t" EXTABLE(1b, 2b)::"r"(val), "r"(va) : "memory");
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

static void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

/* One access that must #PF with error code @err and CR2 = @va; false after fail(). */
static bool expect_pf(const char *name, const char *what, uint64_t va, bool write, uint64_t err)
{
	uint64_t val = 0;
	int v = write ? write_safe(va, 0x1234) : read_safe(va, &val);

	if (v != VEC_PF)
		return fail(name, "%s at 0x%lx: %s, want #PF", what, va, fault_name(v));
	if (tg_fault.error != err || tg_fault.cr2 != va)
		return fail(name, "%s at 0x%lx: #PF error code 0x%lx, CR2 0x%lx; want 0x%lx, 0x%lx",
			    what, va, tg_fault.error, tg_fault.cr2, err, va);
	return true;
}

/*
 * Two 4 KiB pages of ours at PF_VA: the first mapped, used (so the TLB has
 * it), then made not present with INVLPG, as Linux unmaps; the second
 * read-only. Reads and writes must fault with the SDM's error codes.
 */
static bool pf_cases(const char *name)
{
	uint64_t va0 = PF_VA, va1 = PF_VA + SZ_4K, val = 0;
	int v;

	if ((v = write_safe(va0 + 8, 0x5A5A5A5A)) || (v = read_safe(va0 + 8, &val)) ||
	    val != 0x5A5A5A5A)
		return fail(name, "mapped page at 0x%lx: vector %d, read 0x%lx", va0, v, val);
	pf_pt[0] &= ~PTE_P;
	invlpg(va0);
	if (!expect_pf(name, "read of a not-present page", va0 + 0x10, false, 0) ||
	    !expect_pf(name, "write to a not-present page", va0 + 0x18, true, PF_W) ||
	    !expect_pf(name, "write to a read-only page", va1 + 0x20, true, PF_W | PF_P))
		return false;
	if ((v = read_safe(va1 + 0x28, &val)) || val != 0xA5A5A5A5)
		return fail(name, "read of the read-only page at 0x%lx: vector %d, read 0x%lx",
			    va1 + 0x28, v, val);
	return true;
}

bool check_exc_pf(void)
{
	static const char name[] = "exc-pf";
	uint64_t cr3 = read_cr3();
	bool ok;

	memset(pf_page, 0, sizeof(pf_page));
	*(volatile uint64_t *)(pf_page[1] + 0x28) = 0xA5A5A5A5;
	pf_pt[0] = (uintptr_t)pf_page[0] | PTE_P | PTE_W;
	pf_pt[1] = (uintptr_t)pf_page[1] | PTE_P;
	pf_pd[0] = (uintptr_t)pf_pt | PTE_P | PTE_W;
	pf_pdpt[0] = (uintptr_t)pf_pd | PTE_P | PTE_W;
	pml4[PF_VA >> 39] = (uintptr_t)pf_pdpt | PTE_P | PTE_W;
	write_cr3(cr3);
	ok = pf_cases(name);
	pml4[PF_VA >> 39] = 0;
	write_cr3(cr3);
	return ok ? pass(name) : false;
}

/* ---- exc-ud ------------------------------------------------------------------ */

/* The #UD the instruction at @at raised (tg_fault.count was @before);
 * false after fail(). */
static bool got_ud(const char *name, const char *what, uint64_t at, unsigned int before)
{
	if (tg_fault.count == before)
		return fail(name, "%s at 0x%lx: no fault, want #UD", what, at);
	if (tg_fault.vector != VEC_UD || tg_fault.rip != at || tg_fault.error)
		return fail(name, "%s at 0x%lx: %s error 0x%lx at rip 0x%lx, want #UD there", what,
			    at, fault_name((int)tg_fault.vector), tg_fault.error, tg_fault.rip);
	return true;
}

/* UD2 and instructions the guest is refused (hidden in CPUID, or never
 * for guests) raise #UD with no error code, at their own address. */
bool check_exc_ud(void)
{
	static const char name[] = "exc-ud";
	static volatile uint64_t monitored;
	unsigned int before = tg_fault.count;
	uint64_t at;

	__asm__ volatile("lea 1f(%%rip), %0\n1: ud2\n2:\n\t" EXTABLE(1b, 2b) : "=r"(at)::"memory");
	if (!got_ud(name, "ud2", at, before))
		return false;
	before = tg_fault.count;
	__asm__ volatile("lea 1f(%%rip), %0\n1: vmcall\n2:\n\t" EXTABLE(1b, 2b)
			 : "=r"(at)::"memory");
	if (!got_ud(name, "vmcall", at, before))
		return false;
	before = tg_fault.count;
	__asm__ volatile("lea 1f(%%rip), %0\n1: vmmcall\n2:\n\t" EXTABLE(1b, 2b)
			 : "=r"(at)::"memory");
	if (!got_ud(name, "vmmcall", at, before))
		return false;
	if (cpu_has(1, 0, CPUID_ECX, 3)) {
		note("exc-ud: CPUID.1:ECX.MONITOR set: monitor not checked");
		return pass(name);
	}
	before = tg_fault.count;
	__asm__ volatile("lea 1f(%%rip), %0\n1: monitor\n2:\n\t" EXTABLE(1b, 2b)
			 : "=&r"(at)
			 : "a"(&monitored), "c"(0), "d"(0)
			 : "memory");
	return got_ud(name, "monitor", at, before) && pass(name);
}

/* ---- sti-shadow, tf-cpuid ----------------------------------------------------- */

static const char *const exit_insns[] = {"cpuid", "rdmsr 0xfe", "out 0x3ff"};

/*
 * STI, then instruction @op (an exit: CPUID, RDMSR of MTRRcap, OUT to the
 * COM1 scratch register), then a NOP. A pending interrupt is taken after
 * the instruction in STI's shadow, so at the NOP; returns its address.
 */
static uint64_t sti_then(unsigned int op)
{
	uint32_t eax = 0, ecx = 0;
	uint64_t at;

	switch (op) {
	case 0:
		__asm__ volatile("lea 1f(%%rip), %0\n\tsti\n\tcpuid\n1: nop\n\tcli"
				 : "=&r"(at), "+a"(eax), "+c"(ecx)
				 :
				 : "rbx", "rdx", "memory");
		break;
	case 1:
		__asm__ volatile("lea 1f(%%rip), %0\n\tsti\n\trdmsr\n1: nop\n\tcli"
				 : "=&r"(at)
				 : "c"(MSR_MTRRCAP)
				 : "rax", "rdx", "memory");
		break;
	default:
		__asm__ volatile("lea 1f(%%rip), %0\n\tsti\n\toutb %%al, %%dx\n1: nop\n\tcli"
				 : "=&r"(at)
				 : "a"(0x5A), "d"(COM1_SCR)
				 : "memory");
		break;
	}
	return at;
}

/* The self-IPI waits in the IRR while interrupts are off. */
static bool irr_pending(unsigned int vec, uint64_t ms)
{
	uint64_t deadline = rdtsc() + ms_to_tsc(ms), irr = 0;

	do {
		if (!rdmsr_safe(X2APIC_IRR + vec / 32, &irr) && (irr >> (vec % 32) & 1))
			return true;
		cpu_relax();
	} while (rdtsc() < deadline);
	return false;
}

bool check_sti_shadow(void)
{
	static const char name[] = "sti-shadow";

	if (!x2apic_ok)
		return fail(name, "x2APIC unusable (see x2apic-self-ipi)");
	for (unsigned int op = 0; op < 3; op++) {
		unsigned int n = tg_irq_count[VEC_SHADOW];
		uint64_t at, rip;
		int v;

		irq_disable();
		if ((v = wrmsr_safe(X2APIC_SELF_IPI, VEC_SHADOW)))
			return fail(name, "wrmsr SELF_IPI: vector %d", v);
		if (!irr_pending(VEC_SHADOW, 10))
			return fail(name,
				    "self-IPI vector 0x%x not pending in the IRR within 10 ms",
				    VEC_SHADOW);
		at = sti_then(op);
		if (tg_irq_count[VEC_SHADOW] == n) {
			bool late = wait_irq(VEC_SHADOW, n + 1, 10);

			return fail(name, "sti; %s: the pending interrupt %s", exit_insns[op],
				    late ? "came only later, interrupts enabled again"
					 : "never came (10 ms)");
		}
		rip = tg_irq_rip[VEC_SHADOW];
		if (rip != at)
			return fail(name,
				    "sti; %s: interrupt taken at rip 0x%lx, want 0x%lx (after "
				    "the %s)%s",
				    exit_insns[op], rip, at, exit_insns[op],
				    rip == at + 1 ? ": the shadow outlived the exit" : "");
	}
	return pass(name);
}

/* TF set by POPF traps after the instruction that follows it: the exiting
 * instruction @op; returns the address just after it. */
static uint64_t step_over(unsigned int op)
{
	uint32_t eax = 0, ecx = 0;
	uint64_t at;

	switch (op) {
	case 0:
		__asm__ volatile("lea 1f(%%rip), %0\n\t"
				 "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
				 "cpuid\n1: nop"
				 : "=&r"(at), "+a"(eax), "+c"(ecx)
				 :
				 : "rbx", "rdx", "memory", "cc");
		break;
	case 1:
		__asm__ volatile("lea 1f(%%rip), %0\n\t"
				 "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
				 "rdmsr\n1: nop"
				 : "=&r"(at)
				 : "c"(MSR_MTRRCAP)
				 : "rax", "rdx", "memory", "cc");
		break;
	default:
		__asm__ volatile("lea 1f(%%rip), %0\n\t"
				 "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
				 "outb %%al, %%dx\n1: nop"
				 : "=&r"(at)
				 : "a"(0x5A), "d"(COM1_SCR)
				 : "memory", "cc");
		break;
	}
	/* trap() cleared TF in the first #DB's frame; make sure of it. */
	__asm__ volatile("pushfq\n\tandq $~0x100, (%%rsp)\n\tpopfq" ::: "memory", "cc");
	return at;
}

bool check_tf_cpuid(void)
{
	static const char name[] = "tf-cpuid";

	irq_disable();
	for (unsigned int op = 0; op < 3; op++) {
		uint64_t at;

		__asm__ volatile("mov %0, %%dr6" ::"r"(DR6_INIT));
		tg_db.count = 0;
		tg_db.armed = true;
		at = step_over(op);
		tg_db.armed = false;
		if (!tg_db.count)
			return fail(name, "%s with TF set: no #DB", exit_insns[op]);
		if (tg_db.rip != at)
			return fail(name,
				    "%s with TF set: #DB at rip 0x%lx, want 0x%lx (just after "
				    "it)%s",
				    exit_insns[op], tg_db.rip, at,
				    tg_db.rip == at + 1 ? ": the step was lost, the nop's came"
							: "");
		if (!(tg_db.dr6 & DR6_BS))
			return fail(name, "%s with TF set: DR6 0x%lx lacks BS (bit 14)",
				    exit_insns[op], tg_db.dr6);
		if (tg_db.count != 1)
			return fail(name, "%s with TF set: %u #DBs, want 1", exit_insns[op],
				    tg_db.count);
	}
	return pass(name);
}

/* ---- nmi-nested, nmi-storm ---------------------------------------------------- */

static int send_self_nmi(void)
{
	return wrmsr_safe(X2APIC_ICR, (uint64_t)apic_id << 32 | ICR_NMI);
}

static int nested_send_err;

/* The first NMI sends the second and stays in its handler for 5 ms: the
 * second must wait for the IRET. */
static void nested_hook(unsigned int count)
{
	if (count != 1)
		return;
	nested_send_err = send_self_nmi();
	delay_tsc(ms_to_tsc(5));
}

static void nmi_expect(void (*hook)(unsigned int))
{
	tg_nmi.count = 0;
	tg_nmi.nested = 0;
	tg_nmi.depth = 0;
	tg_nmi.hook = hook;
	tg_nmi.expected = true;
}

/* Wait @ms for stragglers, then NMIs end the run again. */
static void nmi_unexpect(uint64_t ms)
{
	delay_tsc(ms_to_tsc(ms));
	tg_nmi.expected = false;
	tg_nmi.hook = NULL;
}

static bool wait_nmis(unsigned int n, uint64_t ms)
{
	uint64_t deadline = rdtsc() + ms_to_tsc(ms);

	while (tg_nmi.count < n && rdtsc() < deadline)
		cpu_relax();
	return tg_nmi.count >= n;
}

bool check_nmi_nested(void)
{
	static const char name[] = "nmi-nested";
	unsigned int count, nested;
	int v;

	if (!x2apic_ok)
		return fail(name, "x2APIC unusable (see x2apic-self-ipi)");
	irq_disable();
	nested_send_err = 0;
	nmi_expect(nested_hook);
	v = send_self_nmi();
	wait_nmis(2, 100);
	nmi_unexpect(10);
	count = tg_nmi.count;
	nested = tg_nmi.nested;
	if (v)
		return fail(name, "wrmsr ICR (NMI to own id %u): vector %d", apic_id, v);
	if (nested_send_err)
		return fail(name, "wrmsr ICR in the NMI handler: vector %d", nested_send_err);
	if (nested)
		return fail(name, "the second NMI arrived inside the first one's handler (%u NMIs)",
			    count);
	if (count != 2)
		return fail(name, "%u NMI(s) within 100 ms (+10 ms), want 2", count);
	return pass(name);
}

static uint32_t apic_khz(void)
{
	uint32_t r[4];

	cpuid(0x40000010, 0, r);
	return r[1] ? r[1] : 100000; /* as apic-timer assumes: 100 MHz */
}

static void timer_periodic(uint32_t count)
{
	wrmsr_safe(X2APIC_TDCR, TDCR_DIV1);
	wrmsr_safe(X2APIC_LVT_TIMER, LVT_PERIODIC | VEC_STORM_TICK);
	wrmsr_safe(X2APIC_TMICT, count);
}

static void timer_stop(void)
{
	wrmsr_safe(X2APIC_LVT_TIMER, LVT_MASKED | VEC_STORM_TICK);
	wrmsr_safe(X2APIC_TMICT, 0);
}

/*
 * A periodic LVT timer every 50 us, then 200 self-NMIs back to back (each
 * awaited, 10 ms at most): every NMI arrives once, and the timer keeps
 * interrupting during and after the storm.
 */
bool check_nmi_storm(void)
{
	static const char name[] = "nmi-storm";
	uint32_t period = (uint32_t)((uint64_t)apic_khz() * STORM_PERIOD_US / 1000);
	unsigned int t0 = tg_irq_count[VEC_STORM_TICK], pre, during, post, sent = 0, lost_at = 0;
	uint64_t start, storm_us;
	int v = 0;

	if (!x2apic_ok)
		return fail(name, "x2APIC unusable (see x2apic-self-ipi)");
	irq_disable();
	nmi_expect(NULL);
	timer_periodic(period ? period : 1);
	wait_irq(VEC_STORM_TICK, t0 + STORM_TICKS, 200);
	pre = tg_irq_count[VEC_STORM_TICK] - t0;
	irq_enable();
	start = rdtsc();
	for (; sent < STORM_NMIS; sent++) {
		if ((v = send_self_nmi()))
			break;
		if (!wait_nmis(sent + 1, 10)) {
			lost_at = sent + 1;
			sent++;
			break;
		}
	}
	storm_us = (rdtsc() - start) * 1000 / tsc_khz;
	during = tg_irq_count[VEC_STORM_TICK] - t0 - pre;
	wait_irq(VEC_STORM_TICK, t0 + pre + during + STORM_TICKS, 200);
	post = tg_irq_count[VEC_STORM_TICK] - t0 - pre - during;
	timer_stop();
	nmi_unexpect(10);
	if (v)
		return fail(name, "wrmsr ICR (NMI %u to own id %u): vector %d", sent + 1, apic_id,
			    v);
	if (lost_at)
		return fail(name, "NMI %u of %u did not arrive within 10 ms (%u counted)", lost_at,
			    STORM_NMIS, tg_nmi.count);
	if (tg_nmi.count != STORM_NMIS || tg_nmi.nested)
		return fail(name, "%u NMIs counted (%u nested), want %u", tg_nmi.count,
			    tg_nmi.nested, STORM_NMIS);
	if (pre < STORM_TICKS)
		return fail(name, "%u timer interrupts in 200 ms before the storm (period %u us)",
			    pre, STORM_PERIOD_US);
	/* A storm shorter than 4 periods may fall between two ticks. */
	if (!during && storm_us >= 4 * STORM_PERIOD_US)
		return fail(name, "no timer interrupt during the %lu us storm", storm_us);
	if (!post)
		return fail(name,
			    "no timer interrupt in 200 ms after the storm (%u before, %u "
			    "during)",
			    pre, during);
	if (post < STORM_TICKS)
		return fail(name, "%u timer interrupts in 200 ms after the storm, want %u", post,
			    STORM_TICKS);
	return pass(name);
}
