// SPDX-License-Identifier: MIT
/* Expected faults (hv/core/fault_catch.h). */
#include "hv/core/cpu.h"
#include "hv/core/fault_catch.h"
#include "lib/x86.h"

#define RFLAGS_IF (1ull << 9)

long fault_catch_call(void (*fn)(void *), void *arg, uint64_t *resume_rsp);
extern char fault_catch_resumed[];

static struct {
	volatile uint64_t rsp; /* the stack fault_catch_call() resumes on; 0: none */
	struct fault_caught *caught;
} catching[MAX_CPUS];

bool fault_catch(void (*fn)(void *), void *arg, struct fault_caught *c)
{
	unsigned int cpu = cpu_index();
	long v;

	catching[cpu].caught = c;
	v = fault_catch_call(fn, arg, (uint64_t *)&catching[cpu].rsp);
	catching[cpu].rsp = 0;
	return v >= 0;
}

bool fault_catch_resume(unsigned int cpu, struct trap_frame *f)
{
	if (cpu >= MAX_CPUS || !catching[cpu].rsp)
		return false;
	*catching[cpu].caught = (struct fault_caught){f->vector, f->error, read_cr2(), f->rip};
	/* Where a #DF left the frame is undefined: all of it is set anew. */
	f->rip = (uint64_t)(uintptr_t)fault_catch_resumed;
	f->cs = SEL_CODE;
	f->rsp = catching[cpu].rsp;
	f->ss = SEL_DATA;
	f->rflags = (f->rflags & RFLAGS_IF) | 2;
	f->rax = f->vector;
	catching[cpu].rsp = 0;
	return true;
}
