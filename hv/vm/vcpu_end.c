// SPDX-License-Identifier: MIT
/*
 * How a vCPU ends on its CPU: after its guest stopped (vm_stop), or after an
 * exception in the hypervisor on that CPU, which must not leave the guest
 * half-alive (its other vCPUs running, its VF decoding, DMA-ing and raising
 * interrupts): the guest is stopped, its VF quiesced and its interrupt
 * remapping entries cleared, its other vCPUs kicked, and the report printed.
 * Nothing of the VF stays live: under io_lock, the lock every guest write to
 * the VF's config space or MSI-X table takes, its models are shut (a write
 * another vCPU had in flight then goes nowhere), and its PF-side filters and
 * enables go too (hv/core/nic.c).
 */
#include "drivers/apic/apic.h"
#include "drivers/timer/tsc.h"
#include "hv/core/cpu.h"
#include "hv/core/idt.h"
#include "hv/core/nic.h"
#include "hv/vm/vm.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/x86.h"

/* The vCPU each CPU runs, for an exception in the hypervisor there. */
static struct vcpu *on_cpu[MAX_CPUS];

void vcpu_bind_cpu(struct vcpu *v)
{
	if (v->cpu < MAX_CPUS)
		on_cpu[v->cpu] = v;
}

/* The guest's io_lock, unless it cannot be had in about 100 ms: after an
 * exception this CPU may hold it itself, and then no other takes it. */
static bool io_lock_take(struct vm *vm)
{
	for (unsigned int i = 0; i < 100000; i++) {
		if (spin_trylock(&vm->io_lock))
			return true;
		udelay(1);
	}
	return false;
}

/*
 * Whether the guest, stopped by its stopper, is to restart: the operator's
 * restart always; a reset of the guest's unless on_reset = stop or it
 * would be more than reset_limit allows (then the reason says so).
 */
static bool restart_due(struct vm *vm)
{
	const struct guest_cfg *g = vm->cfg;
	size_t len = strlen(vm->stop_reason);

	if (vm->stop_kind == VM_STOP_RESTART)
		return true;
	if (vm->stop_kind != VM_STOP_RESET)
		return false;
	if (g->reset_stop) {
		sfmt(vm->stop_reason + len, sizeof(vm->stop_reason) - len, " (on_reset = stop)");
		return false;
	}
	if (!reset_log_allow(&vm->resets, rdtsc(), g->reset_window_s * tsc_khz() * 1000,
			     g->reset_max)) {
		sfmt(vm->stop_reason + len, sizeof(vm->stop_reason) - len,
		     "; not restarted: more than %u restart%s in %u s (reset_limit = %u/%u)",
		     g->reset_max, g->reset_max == 1 ? "" : "s", g->reset_window_s, g->reset_max,
		     g->reset_window_s);
		return false;
	}
	return true;
}

void vcpu_finish(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool restart;

	apic_timer_stop(); /* the guest's timer must not wake this CPU again */
	if (__atomic_load_n(&vm->stopper, __ATOMIC_ACQUIRE) != v)
		return;
	restart = restart_due(vm);
	/* Its VF stops too: no decode, no DMA, no interrupts (its interrupt
	 * remapping entries cleared), and no write of the guest's after this
	 * one turns any of it on again: a writer that gets io_lock after us
	 * finds the models shut; one before us is undone here. Its serial
	 * port's MSI goes too (the bus takes no write that could bring it
	 * back). */
	bool locked = io_lock_take(vm);

	vbus_shutdown(&vm->bus);
	for (unsigned int i = 0; i < vm->nvf; i++) {
		vpci_shutdown(&vm->vf[i].vpci);
		vmsix_shutdown(&vm->vf[i].msix);
	}
	if (locked)
		spin_unlock(&vm->io_lock);
	vm_uart_stop(vm);
	/* No receive, transmit, filters or mailbox for them in the PF. */
	for (unsigned int i = 0; i < vm->nvf; i++)
		nic_vf_quiesce(vm->vf[i].n);
	if (restart) {
		pr_info("guest %s: restarting (%s)\n", vm->name, vm->stop_reason);
		__atomic_store_n(&vm->restart, true, __ATOMIC_RELEASE);
		return;
	}
	pr_info("guest %s: stopped: %s\n", vm->name, vm->stop_reason);
	vm_print_counters(vm);
}

void vcpu_park(struct vcpu *v)
{
	/* Whatever the guest left in the local APIC (disabled, a raised TPR,
	 * vectors in service) would keep this CPU from ever being woken. */
	apic_reclaim(VEC_SPURIOUS);
	if (v->cpu < MAX_CPUS) {
		cpus[v->cpu].irq_quiet = true;
		on_cpu[v->cpu] = NULL;
	}
	__atomic_fetch_add(&v->vm->parked, 1, __ATOMIC_RELEASE);
}

void vcpu_exception(unsigned int cpu, const struct trap_frame *f)
{
	struct vcpu *v = cpu < MAX_CPUS ? on_cpu[cpu] : NULL;

	if (!v)
		return;
	vm_stop(v, "hypervisor exception %llu (%s) at rip 0x%llx on cpu %u",
		(unsigned long long)f->vector, idt_exception_name(f->vector),
		(unsigned long long)f->rip, cpu);
	vcpu_finish(v);
}
