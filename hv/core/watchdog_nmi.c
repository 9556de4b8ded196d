// SPDX-License-Identifier: MIT
/*
 * The NMI watchdog's hardware and reports. cpu 0 runs with interrupts off
 * except while it halts, and every other CPU runs a guest that owns its
 * local APIC, so only an NMI on cpu 0 itself can watch it: the 8254's
 * channel 0 -> 8259 IRQ 0 -> INTR -> cpu 0's LINT0 in NMI delivery mode.
 * An NMI has no INTA cycle, so the handler acknowledges the 8259 itself
 * (poll command, then EOI): without that, INTR stays up and no further
 * edge (no further NMI) comes.
 */
#include "drivers/apic/apic.h"
#include "drivers/apic/pic.h"
#include "drivers/timer/pit.h"
#include "drivers/timer/tsc.h"
#include "hv/core/cmdline.h"
#include "hv/core/console.h"
#include "hv/core/cpu.h"
#include "hv/core/idt.h"
#include "hv/core/options.h"
#include "hv/core/watchdog.h"
#include "hv/core/watchdog_nmi.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/x86.h"

#define START_WAIT_MS	200    /* ticks must arrive within this at start-up */
#define START_TICKS	2      /* and this many: one could be a stray edge */
#define CONSOLE_WAIT_US 100000 /* for the console lock, then print anyway */

static struct watchdog wd;
static volatile bool armed;
static volatile unsigned int ticks;
static unsigned int bound_ms = WATCHDOG_BOUND_MS;
static struct watchdog_nmi_stats stats;
static char off_why[120] = "not started";

void service_progress(const char *what, const char *who)
{
	watchdog_step(&wd, what, who);
}

void watchdog_nmi_watch(bool on)
{
	watchdog_watch(&wd, on);
}

bool watchdog_nmi_on(void)
{
	return armed;
}

const char *watchdog_nmi_off_why(void)
{
	return armed ? "" : off_why;
}

unsigned int watchdog_nmi_bound_ms(void)
{
	return bound_ms;
}

void watchdog_nmi_stats(struct watchdog_nmi_stats *s)
{
	*s = stats;
}

static void watchdog_report(enum watchdog_verdict v, uint64_t ms, uint64_t rip)
{
	int tok;

	if (v == WATCHDOG_QUIET)
		return;
	tok = console_lock_take_within(CONSOLE_WAIT_US);
	if (v == WATCHDOG_STALL) {
		watchdog_stage(&wd, stats.stage, sizeof(stats.stage));
		stats.stall_ms = ms;
		stats.rip = rip;
		stats.stalls++;
		pr_err("watchdog: service cpu 0 made no progress for %llu ms, in '%s' (rip "
		       "0x%llx)\n",
		       (unsigned long long)ms, stats.stage, (unsigned long long)rip);
	} else {
		stats.resume_ms = ms;
		stats.resumes++;
		pr_info("watchdog: service cpu 0 progressing again after %llu ms\n",
			(unsigned long long)ms);
	}
	console_lock_return(tok);
}

static void watchdog_tick(struct trap_frame *f)
{
	enum watchdog_verdict v;
	uint64_t ms;

	ticks++;
	v = watchdog_check(&wd, rdtsc(), &ms);
	watchdog_report(v, ms, f->rip);
}

/* Every NMI runs this on every CPU: only cpu 0's LINT0 is the watchdog's
 * (the guests' CPUs get kicks). An NMI that finds no IRQ 0 pending is
 * someone else's, or a second one for the same tick. */
static void watchdog_nmi(struct trap_frame *f)
{
	if (!armed || cpu_index() != 0)
		return;
	if (pic_poll_ack() == 0)
		watchdog_tick(f);
}

/* IRQ 0 taken as an ordinary interrupt (an emulator that hands the 8259's
 * INTR to the CPU whatever LINT0 says, while cpu 0 halts with interrupts
 * on): the INTA cycle acknowledged it; end it, or it blocks the next. */
static void watchdog_extint(struct trap_frame *f)
{
	pic_eoi(0);
	if (armed && cpu_index() == 0)
		watchdog_tick(f);
}

static void watchdog_stop(void)
{
	armed = false;
	pic_irq_unmask(0, false);
	apic_lint0_set(APIC_LVT_MASKED);
	pit_stop();
}

/* watchdog=off, watchdog.ms=N: NULL if it is to run, else why not. */
static const char *watchdog_options(const char *cl)
{
	char v[OPTIONS_VALUE_MAX];
	unsigned long long n;

	if (options_get(cl, "watchdog", v, sizeof(v)) > 0 && !strcmp(v, "off"))
		return "watchdog=off";
	/* a bad value is named by options_check(); the default stays */
	if (options_get(cl, "watchdog.ms", v, sizeof(v)) > 0 && cmdline_parse_u64(v, &n))
		bound_ms = (unsigned int)n;
	return NULL;
}

void watchdog_nmi_start(const char *cl, bool pcat)
{
	const char *off = watchdog_options(cl);
	unsigned int hz;
	uint64_t end;

	if (!off && !pcat)
		off = "the MADT says there are no 8259s (no PCAT_COMPAT)";
	if (!off && watchdog_init(&wd, tsc_khz(), bound_ms, rdtsc()))
		off = "no TSC rate";
	if (off) {
		str_copy(off_why, off, sizeof(off_why));
		pr_info("watchdog: off (%s)\n", off);
		return;
	}
	watchdog_watch(&wd, false); /* until the service loop (or a self-test) */
	idt_add_nmi_handler(watchdog_nmi);
	idt_set_handler(PIC_VECTOR_BASE, watchdog_extint);
	armed = true;
	hz = pit_periodic(WATCHDOG_HZ);
	apic_lint0_set(APIC_LVT_NMI);
	pic_irq_unmask(0, true);
	/* Interrupts are off: only NMIs can count these ticks. */
	end = rdtsc() + tsc_khz() * START_WAIT_MS;
	while (ticks < START_TICKS && rdtsc() < end)
		cpu_relax();
	if (ticks < START_TICKS) {
		sfmt(off_why, sizeof(off_why),
		     "%u of %u ticks from pit 0 through lint0 as an nmi within %u ms", ticks,
		     START_TICKS, START_WAIT_MS);
		watchdog_stop();
		pr_warn("watchdog: off (%s)\n", off_why);
		return;
	}
	pr_info("watchdog: on (pit 0 -> lint0 nmi on cpu 0, %u Hz, bound %u ms)\n", hz, bound_ms);
}
