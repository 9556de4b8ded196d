// SPDX-License-Identifier: MIT
/*
 * Application processor start-up: INIT-SIPI-SIPI through a trampoline page
 * below 1 MiB (boot/trampoline.asm). CPUs are started one at a time, so one
 * trampoline and one parameter block serve them all. Each CPU's stacks come
 * with guard pages (hv/core/stackguard.h).
 *
 * The trampoline runs its last part with paging on, in the host tables, so
 * its page is executable while CPUs start (the only memory outside the
 * image's text that ever is: W^X). Once all are up it is made not
 * executable again, and each started CPU waits for that and flushes its TLB
 * before it runs anything, so that none keeps the executable translation.
 */
#include "drivers/acpi/acpi.h"
#include "drivers/apic/apic.h"
#include "hv/core/cpu.h"
#include "hv/core/idt.h"
#include "lib/kstring.h"
#include "hv/core/paging.h"
#include "hv/core/palloc.h"
#include "lib/printk.h"
#include "hv/core/smp.h"
#include "hv/core/stackguard.h"
#include "drivers/timer/tsc.h"
#include "lib/x86.h"

#define TRAMP_PARAMS 0xF00 /* must match boot/trampoline.asm */

struct tramp_params {
	uint64_t cr3, stack, entry, efer, index;
};

extern const char tramp_start[], tramp_end[];
static volatile bool tramp_closed; /* the trampoline page is not executable again */

static void kick_handler(struct trap_frame *f)
{
	(void)f;
	apic_eoi();
}

void smp_idle(void)
{
	struct percpu *pc = this_cpu();

	for (;;) {
		void (*fn)(void *) = pc->work;

		if (fn) {
			void *arg = pc->work_arg;

			pc->work = NULL;
			fn(arg);
			continue;
		}
		cpu_idle();
	}
}

void smp_run_on(unsigned int index, void (*fn)(void *), void *arg)
{
	cpus[index].work_arg = arg;
	__atomic_store_n(&cpus[index].work, fn, __ATOMIC_RELEASE);
	apic_send_ipi(cpus[index].apic_id, VEC_KICK);
}

static void __attribute__((noreturn)) ap_entry(uint64_t index)
{
	struct percpu *pc = &cpus[index];

	cpu_setup(pc, (unsigned int)index, pc->stack_top, pc->tss.ist[IST_FAULT - 1],
		  pc->tss.ist[IST_NMI - 1]);
	apic_enable(VEC_SPURIOUS);
	__atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&tramp_closed, __ATOMIC_ACQUIRE))
		cpu_relax();
	write_cr3(read_cr3()); /* no executable trampoline left in this TLB */
	smp_idle();
}

static bool wait_online(struct percpu *pc, uint64_t us)
{
	for (uint64_t t = 0; t < us; t += 100) {
		if (__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE))
			return true;
		udelay(100);
	}
	return __atomic_load_n(&pc->online, __ATOMIC_ACQUIRE);
}

static bool smp_start_one(uint64_t tramp, struct percpu *pc, struct palloc *pa)
{
	struct tramp_params *tp = (struct tramp_params *)(uintptr_t)(tramp + TRAMP_PARAMS);
	uint64_t stack = 0, ist = 0, nmi = 0;

	/* The new CPU's TLB starts empty, so the unmapped guards hold there
	 * without a flush; no other CPU uses these stacks. */
	if (stackguard_alloc(pa, &hv_pt, CPU_STACK_SIZE, pc->index, "stack", &stack) ||
	    stackguard_alloc(pa, &hv_pt, CPU_IST_SIZE, pc->index, "ist stack", &ist) ||
	    stackguard_alloc(pa, &hv_pt, CPU_IST_SIZE, pc->index, "nmi stack", &nmi)) {
		pr_err("smp: no memory for the stacks of apic id %u\n", pc->apic_id);
		if (stack)
			stackguard_free(pa, &hv_pt, CPU_STACK_SIZE, stack);
		if (ist)
			stackguard_free(pa, &hv_pt, CPU_IST_SIZE, ist);
		return false;
	}
	pc->stack_top = stack;
	pc->tss.ist[IST_FAULT - 1] = ist;
	pc->tss.ist[IST_NMI - 1] = nmi;
	pc->online = false;

	tp->cr3 = read_cr3();
	tp->stack = pc->stack_top;
	tp->entry = (uint64_t)(uintptr_t)ap_entry;
	tp->efer = EFER_LME | (rdmsr(MSR_EFER) & EFER_NXE);
	tp->index = pc->index;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* The SDM's sequence: INIT, 10 ms, SIPI, 200 us, SIPI if still asleep. */
	apic_send_init(pc->apic_id);
	udelay(10000);
	apic_send_sipi(pc->apic_id, (uint8_t)(tramp >> 12));
	if (wait_online(pc, 200))
		return true;
	apic_send_sipi(pc->apic_id, (uint8_t)(tramp >> 12));
	if (wait_online(pc, 1000000))
		return true;
	/* Park it again so that a late start cannot use the next CPU's stack. */
	apic_send_init(pc->apic_id);
	stackguard_free(pa, &hv_pt, CPU_STACK_SIZE, stack);
	stackguard_free(pa, &hv_pt, CPU_IST_SIZE, ist);
	stackguard_free(pa, &hv_pt, CPU_IST_SIZE, nmi);
	return false;
}

unsigned int smp_boot(const struct acpi_info *ai, struct palloc *pa)
{
	uint32_t self = apic_id();
	size_t size = (size_t)(tramp_end - tramp_start);
	uint64_t tramp;

	idt_set_handler(VEC_KICK, kick_handler);
	if (!ai->cpu_count) {
		pr_warn("smp: the MADT lists no CPUs; running on the boot CPU only\n");
		return cpu_count;
	}
	if (size > TRAMP_PARAMS || palloc_alloc(pa, PAGE_SIZE, PAGE_SIZE, 0x100000, &tramp)) {
		pr_err("smp: no free page below 1 MiB for the start-up trampoline\n");
		return cpu_count;
	}
	memcpy((void *)(uintptr_t)tramp, tramp_start, size);
	if (paging_map(&hv_pt, tramp, PAGE_SIZE, PTE_W)) {
		pr_err("smp: no memory to map the start-up trampoline executable\n");
		palloc_free(pa, tramp, PAGE_SIZE);
		return cpu_count;
	}
	pr_debug("smp: trampoline at 0x%llx\n", (unsigned long long)tramp);

	for (unsigned int i = 0; i < ai->cpu_count; i++) {
		uint32_t id = ai->cpus[i].apic_id;
		struct percpu *pc;

		if (id == self)
			continue;
		if (cpu_count >= MAX_CPUS) {
			pr_warn("smp: more than %u CPUs; apic id %u left off\n", MAX_CPUS, id);
			continue;
		}
		if (id > 0xFE && !apic_x2()) {
			pr_warn("smp: apic id %u needs x2APIC; left off\n", id);
			continue;
		}
		pc = &cpus[cpu_count];
		pc->index = cpu_count;
		pc->apic_id = id;
		if (!smp_start_one(tramp, pc, pa)) {
			pr_err("smp: cpu with apic id %u did not come online\n", id);
			continue;
		}
		pr_debug("smp: cpu %u (apic id %u) online\n", pc->index, id);
		cpu_count++;
	}
	/* Its 4 KiB leaf exists already: this cannot fail. */
	paging_map(&hv_pt, tramp, PAGE_SIZE, PTE_W | PTE_NX);
	write_cr3(read_cr3());
	__atomic_store_n(&tramp_closed, true, __ATOMIC_RELEASE);
	palloc_free(pa, tramp, PAGE_SIZE);
	return cpu_count;
}
