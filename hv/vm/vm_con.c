// SPDX-License-Identifier: MIT
/* A guest's console output on its way from the guest's CPU (the COM1 it
 * writes) to the service CPU, which prints it line by line as "[NAME] text",
 * cleaned of escape sequences (con_line.c), a bounded amount per pass. */
#include "hv/core/console.h"
#include "hv/vm/vm.h"
#include "lib/kstring.h"
#include "lib/printk.h"

void vm_con_put(struct vm *vm, uint8_t c)
{
	uint32_t head = vm->con_head;
	uint32_t tail = __atomic_load_n(&vm->con_tail, __ATOMIC_ACQUIRE);

	if (head - tail >= VM_CON_RING) {
		__atomic_store_n(&vm->con_dropped, vm->con_dropped + 1, __ATOMIC_RELAXED);
		return;
	}
	vm->con[head % VM_CON_RING] = c;
	__atomic_store_n(&vm->con_head, head + 1, __ATOMIC_RELEASE);
}

/* Output the guest wrote faster than the console takes it was lost: say so
 * (within a budget: it goes on as long as the guest floods). Returns the
 * bytes sent. */
static unsigned int drops_tell(struct vm *vm)
{
	uint32_t dropped = __atomic_load_n(&vm->con_dropped, __ATOMIC_RELAXED);
	char note[RATELIMIT_NOTE], line[200];

	if (dropped == vm->con_dropped_told || !ratelimit(&vm->con_drop_log, note))
		return 0;
	vm->con_dropped_told = dropped;
	sfmt(line, sizeof(line),
	     "guest %s: console: %u bytes of its output dropped so far: it writes faster than "
	     "the console sends%s",
	     vm->name, dropped, note);
	pr_warn("%s\n", line);
	return (unsigned int)strlen(line) + 20; /* "vfvisor: warning: ", "\r\n" */
}

unsigned int vm_con_drain(struct vm *vm, unsigned int budget)
{
	uint32_t head = __atomic_load_n(&vm->con_head, __ATOMIC_ACQUIRE);
	uint32_t tail = vm->con_tail;
	unsigned int sent = drops_tell(vm);

	while (tail != head && sent < budget) {
		if (!con_line_put(&vm->con_line, vm->con[tail++ % VM_CON_RING]))
			continue;
		console_guest_line(vm->name, vm->con_line.text);
		/* "[NAME] text\r\n" */
		sent += (unsigned int)(strlen(vm->name) + strlen(vm->con_line.text)) + 5;
	}
	__atomic_store_n(&vm->con_tail, tail, __ATOMIC_RELEASE);
	return sent;
}

bool vm_con_pass(struct vm *vms, unsigned int n, unsigned int budget,
		 void (*step)(const char *name))
{
	static unsigned int first;
	unsigned int sent = 0;
	bool left = false;

	for (unsigned int k = 0; k < n && sent < budget; k++) {
		struct vm *vm = &vms[(first + k) % n];

		if (step)
			step(vm->name);
		sent += vm_con_drain(vm, budget - sent);
	}
	if (n)
		first = (first + 1) % n;
	for (unsigned int i = 0; i < n; i++)
		left |= __atomic_load_n(&vms[i].con_head, __ATOMIC_ACQUIRE) != vms[i].con_tail;
	return left;
}
