/* SPDX-License-Identifier: MIT */
/*
 * Restarting a guest, and starting a stopped one again: after a reset the
 * guest asked for (on_reset = restart, within its reset_limit), the
 * operator's restart, or the operator's start. Every vCPU of the guest
 * first goes back to its CPU's idle loop (vcpu_park); the service CPU then
 * hands the rebuild to the first vCPU's CPU, so that clearing a large RAM
 * never holds up the mailbox or the other guests' consoles. There the RAM
 * is cleared, the kernel, initrd, command line and vACPI loaded afresh, the
 * devices and counters reset, the VF reset (FLR) with its models, and the
 * PF asked to serve its mailbox again; then each vCPU runs on its CPU as at
 * boot, with the same VF and MAC.
 */
#ifndef VF_VM_RESTART_H
#define VF_VM_RESTART_H

#include <stdbool.h>

struct vm;

/* Service CPU: start the rebuild of each guest whose restart is due and
 * whose vCPUs are all parked. */
void vm_restart_poll(struct vm *vms, unsigned int n);

/* The operator's start of a stopped guest: false, with *why set, if it
 * cannot be (running, restarting, or a CPU that did not come back). */
bool vm_restart_start(struct vm *vm, const char **why);

/* The operator's restart: a running guest is stopped as by a reset and
 * restarted; a stopped one is started. False, with *why set, as above. */
bool vm_restart_request(struct vm *vm, const char **why);

/* Service CPU: call off @vm's restart if it is asked for and not yet handed
 * to its CPU (true); it then stays stopped. */
bool vm_restart_cancel(struct vm *vm);

#endif
