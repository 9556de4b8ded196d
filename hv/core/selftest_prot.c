// SPDX-License-Identifier: MIT
/*
 * The self-tests of the hypervisor's protection of itself (selftest=wx,
 * stackguard): each provokes the fault the protection must turn into an
 * exception report, through fault_catch() so that the CPU goes on.
 */
#include "hv/core/cpu.h"
#include "hv/core/cpufeat.h"
#include "hv/core/fault.h"
#include "hv/core/fault_catch.h"
#include "hv/core/selftest.h"
#include "hv/core/smp.h"
#include "hv/core/stackguard.h"
#include "drivers/timer/tsc.h"
#include "lib/printk.h"

#define RET 0xC3 /* a whole function: it returns */

static uint8_t wx_data_ret[16] = {RET};
static const uint8_t wx_rodata[16] = {0x5A};

/* ---- W^X ----------------------------------------------------------------- */

/* Writes back what is there: harmless if the protection is missing. */
static void wx_write(void *p)
{
	volatile uint8_t *b = p;

	*b = *b;
}

static void wx_call(void *p)
{
	((void (*)(void))(uintptr_t)p)();
}

static void wx_call_stack(void *arg)
{
	volatile uint8_t code[16] = {RET};

	(void)arg;
	wx_call((void *)(uintptr_t)code);
}

struct wx_case {
	const char *what;
	void (*fn)(void *);
	void *arg;
	uint64_t error; /* the #PF error bits it must have */
	bool needs_nx;
};

/* One case: a #PF with @c's error bits, at its address (for the stack case,
 * anywhere: the address is the callee's frame). */
static bool wx_one(const struct wx_case *c, char *why, size_t len)
{
	struct fault_caught f;

	if (!fault_catch(c->fn, c->arg, &f)) {
		sfmt(why, len, "%s did not fault", c->what);
		return false;
	}
	if (f.vector != VEC_PF || (f.error & (PF_P | PF_W | PF_I)) != c->error ||
	    (c->arg && f.cr2 != (uint64_t)(uintptr_t)c->arg)) {
		sfmt(why, len, "%s: exception %llu error 0x%llx cr2 0x%llx", c->what,
		     (unsigned long long)f.vector, (unsigned long long)f.error,
		     (unsigned long long)f.cr2);
		return false;
	}
	return true;
}

/* selftest=wx: on this CPU, a write to the text and to the rodata, and a
 * call into the data and onto the stack: each must fault, be reported, and
 * the CPU go on. */
void selftest_wx(const struct cpu_features *feat)
{
	const struct wx_case cases[] = {
		{"write to text", wx_write, (void *)(uintptr_t)wx_write, PF_P | PF_W, false},
		{"write to rodata", wx_write, (void *)(uintptr_t)wx_rodata, PF_P | PF_W, false},
		{"execute in data", wx_call, wx_data_ret, PF_P | PF_I, true},
		{"execute on the stack", wx_call_stack, NULL, PF_P | PF_I, true},
	};
	char why[128];
	unsigned int n = 0;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].needs_nx && !feat->nx)
			continue;
		if (!wx_one(&cases[i], why, sizeof(why))) {
			pr_info("selftest wx: FAIL (%s)\n", why);
			return;
		}
		n++;
	}
	pr_info("selftest wx: PASS (write to text and rodata%s: %u faults reported, cpu %u went "
		"on)\n",
		feat->nx ? ", execute in data and on the stack" : "; no nx: execute not tested", n,
		cpu_index());
}

/* ---- guard pages ----------------------------------------------------------- */

struct overflow {
	uint64_t stop; /* the middle of the guard page: not reached if it holds */
	volatile bool done, faulted;
	struct fault_caught f;
};

/* Deeper and deeper, each frame written first, until the stack reaches
 * @stop (without a guard, it overwrites half of that page and returns). */
static unsigned long __attribute__((noinline)) overflow_recurse(uint64_t stop, unsigned long n)
{
	volatile uint8_t frame[256];

	frame[0] = (uint8_t)n;
	if ((uint64_t)(uintptr_t)frame < stop)
		return n;
	return overflow_recurse(stop, n + 1) + frame[0];
}

static void overflow_run(void *arg)
{
	struct overflow *o = arg;

	overflow_recurse(o->stop, 0);
}

static void overflow_on_cpu(void *arg)
{
	struct overflow *o = arg;

	o->faulted = fault_catch(overflow_run, o, &o->f);
	__atomic_store_n(&o->done, true, __ATOMIC_RELEASE);
}

/* selftest=stackguard: every CPU still running (this one too) recurses
 * into the guard page below its stack: a #DF naming the guard, reported,
 * and that CPU goes on. */
void selftest_stackguard(void)
{
	unsigned int tested = 0;

	for (unsigned int c = 0; c < cpu_count; c++) {
		const struct stackguard *g = stackguard_of(c, "stack");
		struct overflow o = {0};

		if (cpus[c].stopped)
			continue;
		if (!g) {
			pr_info("selftest stackguard: FAIL (cpu %u has no stack guard page)\n", c);
			return;
		}
		o.stop = g->page + PAGE_SIZE / 2;
		if (c == cpu_index()) {
			overflow_on_cpu(&o);
		} else {
			smp_run_on(c, overflow_on_cpu, &o);
			for (int i = 0; i < 1000 && !__atomic_load_n(&o.done, __ATOMIC_ACQUIRE);
			     i++)
				udelay(1000);
		}
		if (!o.done || !o.faulted) {
			pr_info("selftest stackguard: FAIL (cpu %u %s)\n", c,
				!o.done ? "did not finish"
					: "ran into the page below its stack without a fault");
			return;
		}
		if (o.f.vector != VEC_DF || stackguard_find(o.f.cr2) != g) {
			pr_info("selftest stackguard: FAIL (cpu %u: exception %llu cr2 0x%llx, not "
				"a "
				"#DF in its guard page)\n",
				c, (unsigned long long)o.f.vector, (unsigned long long)o.f.cr2);
			return;
		}
		tested++;
	}
	pr_info("selftest stackguard: PASS (%u cpu(s) overflowed their stacks into the guard page:"
		" #DF reported, each went on)\n",
		tested);
}
