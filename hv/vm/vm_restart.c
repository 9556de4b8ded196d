// SPDX-License-Identifier: MIT
/*
 * Guest restarts and starts (vm_restart.h).
 */
#include "drivers/apic/apic.h"
#include "hv/core/nic.h"
#include "hv/core/smp.h"
#include "hv/vm/vm.h"
#include "hv/vm/vm_restart.h"
#include "hv/vm/vm_vf.h"
#include "lib/err.h"
#include "lib/printk.h"

/* On the guest's first CPU, every vCPU parked: build it again, then start
 * it (this CPU's own vCPU runs once this returns to the idle loop). */
static bool vfs_busy(const struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nvf; i++)
		if (nic_vf_busy(vm->vf[i].n))
			return true;
	return false;
}

static void restart_main(void *arg)
{
	struct vm *vm = arg;
	int err;

	err = vm_rebuild(vm);
	if (!err)
		err = vm_vf_reset(vm);
	for (unsigned int i = 0; i < vm->nvf && !err; i++)
		nic_vf_revive(vm->vf[i].n);
	if (err) {
		/* Stays stopped, parked: the operator may try start again. */
		sfmt(vm->stop_reason, sizeof(vm->stop_reason), "its restart failed: %s",
		     err_name(err));
		pr_err("guest %s: stopped: %s\n", vm->name, vm->stop_reason);
		vm->stop_kind = VM_STOP_PLAIN;
		__atomic_store_n(&vm->restart, false, __ATOMIC_RELEASE);
		__atomic_store_n(&vm->rebuilding, false, __ATOMIC_RELEASE);
		return;
	}
	vm->restarts++;
	vm->stop_reason[0] = 0;
	vm->stop_kind = VM_STOP_PLAIN;
	__atomic_store_n(&vm->parked, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vm->restart, false, __ATOMIC_RELEASE);
	__atomic_store_n(&vm->rebuilding, false, __ATOMIC_RELEASE);
	__atomic_store_n(&vm->stopper, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&vm->stopped, false, __ATOMIC_RELEASE);
	vm_start(vm);
}

static bool all_parked(const struct vm *vm)
{
	return __atomic_load_n(&vm->parked, __ATOMIC_ACQUIRE) == vm->vcpu_count;
}

void vm_restart_poll(struct vm *vms, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct vm *vm = &vms[i];

		if (!__atomic_load_n(&vm->restart, __ATOMIC_ACQUIRE) || vm->rebuilding ||
		    !all_parked(vm))
			continue;
		/* Its VFs' quiesce first: the rebuild resets each VF and then
		 * asks for it to be served again. */
		if (vfs_busy(vm))
			continue;
		__atomic_store_n(&vm->rebuilding, true, __ATOMIC_RELEASE);
		smp_run_on(vm->vcpu[0].cpu, restart_main, vm);
	}
}

bool vm_restart_start(struct vm *vm, const char **why)
{
	if (!__atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE)) {
		*why = "it is running";
		return false;
	}
	if (__atomic_load_n(&vm->restart, __ATOMIC_ACQUIRE)) {
		*why = "it is restarting already";
		return false;
	}
	if (!all_parked(vm)) {
		/* A vCPU ended by an exception in the hypervisor halts its CPU
		 * (or one has not finished stopping yet). */
		*why = "not all of its CPUs came back from its stop";
		return false;
	}
	reset_log_clear(&vm->resets); /* the operator's start: a fresh budget */
	__atomic_store_n(&vm->restart, true, __ATOMIC_RELEASE);
	return true;
}

bool vm_restart_request(struct vm *vm, const char **why)
{
	if (__atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE))
		return vm_restart_start(vm, why);
	/* As the operator's stop (guests.c): its first vCPU reports, and is
	 * kicked from here; the others are kicked by vm_stop_kind. */
	vm_stop_kind(&vm->vcpu[0], VM_STOP_RESTART, "restarted by the operator");
	apic_send_nmi(vm->vcpu[0].apic_id);
	return true;
}

bool vm_restart_cancel(struct vm *vm)
{
	if (!__atomic_load_n(&vm->restart, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&vm->rebuilding, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&vm->restart, false, __ATOMIC_RELEASE);
	return true;
}
