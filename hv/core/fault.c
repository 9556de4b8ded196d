// SPDX-License-Identifier: MIT
/* The hypervisor's own faults in words (hv/core/fault.h). */
#include "hv/core/fault.h"
#include "lib/printk.h"

/* sfmt()'s answer as what the buffer holds. */
static size_t put(size_t len, int n)
{
	if (n < 0 || !len)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

size_t fault_explain(char *buf, size_t len, uint64_t vector, uint64_t error, uint64_t cr2,
		     const struct fault_map *m)
{
	unsigned long long a = (unsigned long long)cr2;
	const char *what;

	if (len)
		buf[0] = '\0';
	/* CR2 in a guard: the #PF of the overflow, or the #DF it became */
	if ((vector == VEC_DF || vector == VEC_PF) && m->guard)
		return put(len,
			   sfmt(buf, len,
				"stack overflow: cr2 0x%llx is the guard page below cpu %u's %s", a,
				m->guard->cpu, m->guard->stack));
	if (vector != VEC_PF)
		return 0;
	what = error & PF_I ? "execute" : error & PF_W ? "write" : "read";
	if (error & PF_RSVD)
		return put(len, sfmt(buf, len,
				     "%s at 0x%llx: a reserved bit is set in its page table entry",
				     what, a));
	if (!(error & PF_P))
		return put(len, sfmt(buf, len, "%s of unmapped memory at 0x%llx", what, a));
	if (error & PF_I)
		return put(len, sfmt(buf, len, "execute of non-executable memory at 0x%llx", a));
	if ((error & PF_W) && cr2 >= m->text && cr2 < m->rodata)
		return put(len, sfmt(buf, len, "write to read-only hypervisor text at 0x%llx", a));
	if ((error & PF_W) && cr2 >= m->rodata && cr2 < m->data)
		return put(len,
			   sfmt(buf, len, "write to read-only hypervisor rodata at 0x%llx", a));
	return put(len,
		   sfmt(buf, len, "%s at 0x%llx not permitted by its page table entry", what, a));
}

#ifndef HOST_TEST
#include "lib/x86.h"

extern char __image_start[], __rodata_start[], __data_start[];

void fault_report(unsigned int cpu, const struct trap_frame *f)
{
	uint64_t cr2 = read_cr2();
	const struct fault_map m = {(uint64_t)(uintptr_t)__image_start,
				    (uint64_t)(uintptr_t)__rodata_start,
				    (uint64_t)(uintptr_t)__data_start, stackguard_find(cr2)};
	char why[128];

	if (fault_explain(why, sizeof(why), f->vector, f->error, cr2, &m))
		pr_err("cpu %u: %s\n", cpu, why);
}
#endif
