// SPDX-License-Identifier: MIT
/* vm_guest_dest() as hv/vm/vm.c has it (guests see their CPUs' real APIC
 * IDs), for the tests that link the MSI paths without vm.c. */
#include "hv/vm/vm.h"

bool vm_guest_dest(void *ctx, uint32_t guest_apic_id, uint32_t *phys)
{
	const struct vm *v = ctx;

	for (unsigned int i = 0; i < v->vcpu_count; i++)
		if (v->vcpu[i].apic_id == guest_apic_id) {
			*phys = guest_apic_id;
			return true;
		}
	return false;
}
