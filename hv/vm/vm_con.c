// SPDX-License-Identifier: MIT
/* A guest's console output on its way from the guest's CPU (the COM1 it
 * writes) to the service CPU, which prints it line by line as "[NAME] text". */
#include "hv/core/console.h"
#include "hv/vm/vm.h"

void vm_con_put(struct vm *vm, uint8_t c)
{
	uint32_t head = vm->con_head;
	uint32_t tail = __atomic_load_n(&vm->con_tail, __ATOMIC_ACQUIRE);

	if (head - tail >= VM_CON_RING) {
		vm->con_dropped++;
		return;
	}
	vm->con[head % VM_CON_RING] = c;
	__atomic_store_n(&vm->con_head, head + 1, __ATOMIC_RELEASE);
}

void vm_con_drain(struct vm *vm)
{
	uint32_t head = __atomic_load_n(&vm->con_head, __ATOMIC_ACQUIRE);
	uint32_t tail = vm->con_tail;

	for (; tail != head; tail++) {
		char c = (char)vm->con[tail % VM_CON_RING];

		if (c == '\r')
			continue;
		if (c != '\n' && vm->line_len < sizeof(vm->line) - 1) {
			/* Control characters (escape sequences) would confuse the log. */
			vm->line[vm->line_len++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? c : '?';
			continue;
		}
		vm->line[vm->line_len] = '\0';
		console_guest_line(vm->name, vm->line);
		vm->line_len = 0;
		if (c != '\n')
			vm->line[vm->line_len++] = c;
	}
	__atomic_store_n(&vm->con_tail, tail, __ATOMIC_RELEASE);
}
